package io.callrec.it.support;

import io.callrec.testing.ExternalCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A tcpdump capture on the loopback interface into a classic pcap file, for checking what went
 * over the wire: {@link #flows()} counts UDP packets per source/destination, {@link #rtpStreams()}
 * lists RTP streams with loss.
 *
 * <pre>{@code
 * try (Capture cap = Capture.onLoopback(dir.resolve("rtp.pcap"), Capture.udpPortRanges(uacMedia, uasMedia))) {
 *     ... run the call ...
 *     cap.stop();
 *     assertTrue(UdpFlow.packetsBetween(cap.flows(), uacMedia, uasMedia) > 50);
 * }
 * }</pre>
 *
 * Needs root (or CAP_NET_RAW) for tcpdump. Packets longer than {@link #SNAP_LENGTH} are cut.
 */
public final class Capture implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /** tcpdump writes each packet as it comes (-U, --immediate-mode): this much quiet means it caught up. */
    static final Duration SETTLE = Duration.ofMillis(250);
    static final Duration SETTLE_MAX = Duration.ofSeconds(3);
    /** Bytes kept of each packet: whole RTP (video included) and SIP messages, without huge ring slots. */
    public static final int SNAP_LENGTH = 9000;
    private static final Pattern DROPPED = Pattern.compile("(\\d+) packets? dropped by kernel");

    private final Path file;
    private final Path stderrFile;
    private final String filter;
    private final Process process;

    private Capture(Path file, Path stderrFile, String filter, Process process) {
        this.file = file;
        this.stderrFile = stderrFile;
        this.filter = filter;
        this.process = process;
    }

    /**
     * Starts tcpdump on {@code lo} writing {@code pcapFile} (classic pcap, packets written as they
     * arrive) and returns once it is capturing, i.e. once tcpdump says "listening on".
     *
     * @param bpfFilter a tcpdump filter such as {@code udp and portrange 16000-16099}
     */
    public static Capture onLoopback(Path pcapFile, String bpfFilter) {
        Path stderr = pcapFile.resolveSibling(pcapFile.getFileName() + ".tcpdump.log");
        // In immediate mode libpcap uses one ring slot of about the snap length per packet, and on
        // lo every packet passes the filter twice (out and in): with tcpdump's 256 KiB default
        // snap length an 8 MiB ring holds a burst of only ~16 packets, and the kernel drops the rest.
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "-i", "lo", "-n", "-U", "--immediate-mode",
                "-s", Integer.toString(SNAP_LENGTH), "-B", "65536", "-w", pcapFile.toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            // tcpdump would otherwise switch to its own user, which may not write into target/.
            cmd.addAll(List.of("-Z", "root"));
        }
        cmd.add(bpfFilter);
        Process process;
        try {
            Files.deleteIfExists(pcapFile);
            process = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(stderr.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start tcpdump (is it installed?): " + e.getMessage(), e);
        }
        Capture capture = new Capture(pcapFile, stderr, bpfFilter, process);
        capture.awaitListening(String.join(" ", cmd));
        return capture;
    }

    /** A filter for UDP packets from or to any of the port ranges. */
    public static String udpPortRanges(PortRange... ranges) {
        if (ranges.length == 0) {
            throw new IllegalArgumentException("at least one range");
        }
        return "udp and (" + Arrays.stream(ranges)
                .map(r -> "portrange " + r.low() + "-" + r.high())
                .collect(Collectors.joining(" or ")) + ")";
    }

    public Path file() {
        return file;
    }

    public String filter() {
        return filter;
    }

    /**
     * Stops the capture; idempotent. First waits until the file has stopped growing for
     * {@link #SETTLE} (at most {@link #SETTLE_MAX}): packets that the kernel has already queued
     * for tcpdump but tcpdump has not yet written would be lost on SIGTERM.
     */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        awaitFileSettled();
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** UDP packets per (source, destination), busiest first. Stops the capture first. */
    public List<UdpFlow> flows() {
        stop();
        return Tshark.udpFlows(file);
    }

    /** RTP streams in the capture (tshark's RTP heuristic on). Stops the capture first. */
    public List<RtpStream> rtpStreams() {
        stop();
        return Tshark.rtpStreams(file);
    }

    /**
     * Packets the kernel dropped because tcpdump did not keep up, as tcpdump reports on exit; -1
     * while it runs or if it did not say.
     */
    public long droppedByKernel() {
        if (process.isAlive()) {
            return -1;
        }
        Matcher m = DROPPED.matcher(stderr());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private void awaitFileSettled() {
        long start = System.nanoTime();
        long lastChange = start;
        long lastSize = -1;
        while (System.nanoTime() - start < SETTLE_MAX.toNanos()) {
            long size = file.toFile().length();
            long now = System.nanoTime();
            if (size != lastSize) {
                lastSize = size;
                lastChange = now;
            } else if (now - lastChange >= SETTLE.toNanos()) {
                return;
            }
            Polling.pause();
        }
    }

    private String stderr() {
        return ExternalCommand.readIfExists(stderrFile);
    }

    private void awaitListening(String cmd) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        // tcpdump prints "listening on lo, ..." once the filter is set and packets are captured.
        while (!stderr().contains("listening on")) {
            if (!process.isAlive()) {
                throw new IllegalStateException(cmd + " exited with " + process.exitValue() + ":\n" + stderr());
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException(cmd + " was not capturing within " + READY_TIMEOUT + ":\n" + stderr());
            }
            Polling.pause();
        }
        if (!Files.exists(file)) {
            throw new UncheckedIOException(new IOException("tcpdump did not create " + file));
        }
    }
}
