package io.callrec.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Finds ports that are free for UDP and TCP right now, so that integration tests never collide
 * with each other, with a callrec started by hand, or with another build running on the machine.
 *
 * <p>Ports are drawn at random below the kernel's ephemeral range: a port from that range could
 * be taken by any outgoing connection between the check and the moment the test binds it. A port
 * handed out once is not handed out again by this JVM.
 */
public final class Ports {

    /** Lowest port handed out; below it sit well-known services (SIP 5060, HTTP 8080, ...). */
    static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 500;
    /**
     * Ports handed out lately, with when: a port is not handed out twice before its first taker could bind it. After
     * {@link #HOLD_NANOS} only the real bind check counts, so the ITs of one long JVM do not use up the range (a
     * set that never forgot ran out of free 240-port ranges once enough ITs had run).
     */
    private static final Map<Integer, Long> HANDED_OUT = new ConcurrentHashMap<>();
    private static final long HOLD_NANOS = TimeUnit.SECONDS.toNanos(60);

    private Ports() {
    }

    /** A port on which both a UDP socket and a TCP listener can bind (SIP, HTTP). */
    public static int freeUdpTcpPort() {
        PortRange candidates = candidateRange();
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = randomIn(candidates.low(), candidates.high());
            if (isFree(port, true) && claim(PortRange.of(port, 1))) {
                return port;
            }
        }
        throw new IllegalStateException("no free UDP+TCP port found in " + candidates);
    }

    /**
     * {@code count} consecutive UDP ports starting at an even port (RTP on even ports, RTCP on the
     * next odd one), all free now. {@code count} is rounded up to an even number.
     */
    public static PortRange freeEvenUdpRange(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive: " + count);
        }
        int size = count + (count & 1);
        PortRange candidates = candidateRange();
        for (int i = 0; i < ATTEMPTS; i++) {
            int base = randomIn(candidates.low(), candidates.high() - size + 1) & ~1;
            if (base < candidates.low()) {
                continue;
            }
            PortRange range = PortRange.of(base, size);
            if (allFreeUdp(range) && claim(range)) {
                return range;
            }
        }
        throw new IllegalStateException("no free even UDP range of " + size + " ports in " + candidates);
    }

    /** Whether the port can be bound now (UDP, and TCP if asked), on every local address. */
    static boolean isFree(int port, boolean tcpToo) {
        // The wildcard bind is the strict check: it fails if any address already holds the port.
        // Nothing is sent; the sockets are closed at once.
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(port))) {
            if (tcpToo) {
                try (ServerSocket tcp = new ServerSocket()) {
                    tcp.setReuseAddress(false);
                    tcp.bind(new InetSocketAddress(port));
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean allFreeUdp(PortRange range) {
        for (int p = range.low(); p <= range.high(); p++) {
            if (held(p) || !isFree(p, false)) {
                return false;
            }
        }
        return true;
    }

    private static boolean claim(PortRange range) {
        synchronized (HANDED_OUT) {
            for (int p = range.low(); p <= range.high(); p++) {
                if (held(p)) {
                    return false;
                }
            }
            long now = System.nanoTime();
            for (int p = range.low(); p <= range.high(); p++) {
                HANDED_OUT.put(p, now);
            }
            return true;
        }
    }

    private static boolean held(int port) {
        Long at = HANDED_OUT.get(port);
        return at != null && System.nanoTime() - at < HOLD_NANOS;
    }

    /** Ports from {@link #LOWEST} up to just below the kernel's ephemeral range. */
    static PortRange candidateRange() {
        Path file = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (!Files.isReadable(file)) {
            return new PortRange(LOWEST, 32767);
        }
        // One whole read: sysctl files answer only a read at offset 0, so Files.readString, which
        // starts with a one-byte read for files that report size 0, would see a single digit.
        try (InputStream in = Files.newInputStream(file)) {
            String[] parts = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+");
            return candidateRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PortRange candidateRange(int ephemeralLow, int ephemeralHigh) {
        if (ephemeralLow - LOWEST >= 1000) {
            return new PortRange(LOWEST, ephemeralLow - 1);
        }
        if (65535 - ephemeralHigh >= 1000) {
            return new PortRange(Math.max(LOWEST, ephemeralHigh + 1), 65535);
        }
        // No room outside the ephemeral range: accept the small risk of a clash with it.
        return new PortRange(LOWEST, 65535);
    }

    private static int randomIn(int low, int high) {
        return ThreadLocalRandom.current().nextInt(low, high + 1);
    }
}
