package io.callrec.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the kernel's socket tables ({@code /proc/net/udp}, {@code tcp} and their IPv6 twins) to
 * tell whether some process has bound a port, without touching the port: binding it ourselves to
 * find out could steal it from the process that is just starting.
 */
public final class LocalSockets {

    private static final String TCP_LISTEN = "0A";

    private LocalSockets() {
    }

    /** Whether any UDP socket on this machine is bound to {@code port}. */
    public static boolean udpBound(int port) {
        return anyRow(List.of("/proc/net/udp", "/proc/net/udp6"), port, null);
    }

    /** Whether any TCP socket on this machine listens on {@code port}. */
    public static boolean tcpListening(int port) {
        return anyRow(List.of("/proc/net/tcp", "/proc/net/tcp6"), port, TCP_LISTEN);
    }

    /**
     * Per local port, the datagrams the kernel dropped because the UDP sockets bound there did not read fast enough
     * (the {@code drops} column), summed over IPv4 and IPv6. The count lives and dies with its socket.
     */
    public static Map<Integer, Long> udpDropsByPort() {
        Map<Integer, Long> drops = new HashMap<>();
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            try {
                for (String line : Files.readString(file).split("\n")) {
                    String[] cols = line.trim().split("\\s+");
                    if (cols.length < 4 || !cols[0].endsWith(":")) {
                        continue;
                    }
                    int port = Integer.parseInt(cols[1].substring(cols[1].lastIndexOf(':') + 1), 16);
                    drops.merge(port, Long.parseLong(cols[cols.length - 1]), Long::sum);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return drops;
    }

    private static boolean anyRow(List<String> tables, int port, String state) {
        for (String table : tables) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            try {
                if (tableHas(Files.readString(file), port, state)) {
                    return true;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return false;
    }

    /**
     * Whether a {@code /proc/net/*} table has a row with local port {@code port} (and socket
     * state {@code state}, a two-digit hex code, unless null).
     */
    static boolean tableHas(String table, int port, String state) {
        String portHex = String.format(":%04X", port);
        for (String line : table.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            // sl local_address rem_address st ...; the header row has "local_address" in column 1
            if (cols.length < 4 || !cols[0].endsWith(":")) {
                continue;
            }
            if (cols[1].endsWith(portHex) && (state == null || state.equalsIgnoreCase(cols[3]))) {
                return true;
            }
        }
        return false;
    }
}
