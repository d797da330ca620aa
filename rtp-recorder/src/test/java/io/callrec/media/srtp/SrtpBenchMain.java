package io.callrec.media.srtp;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Benchmark (not a test): the CPU cost of protect and unprotect per packet, for each profile, for a 160-byte audio
 * payload and a 1200-byte video payload (plus the 12-byte header), in heap and direct buffers. One thread, one
 * sending and one receiving context, 256 packets per batch; each figure is the median batch of about
 * {@code seconds} of measurement after a warm-up, in thread CPU time (robust to other load on a shared machine).
 * Prints a Markdown table: ns per protect, per unprotect, their sum (what relaying one packet from an SRTP leg to
 * another costs in crypto), the packets per second one core sustains at that sum, and bytes allocated per packet.
 *
 * <p>Run: {@code java -cp <test classpath> io.callrec.media.srtp.SrtpBenchMain [seconds per case=2]}.
 */
public final class SrtpBenchMain {
    private static final int BATCH = 256;

    private SrtpBenchMain() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        System.out.println("| profile | payload | buffer | protect ns | unprotect ns | both ns | packets/s per core"
                + " | bytes allocated per packet (both) |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|---:|");
        for (SrtpProfile profile : SrtpProfile.values()) {
            for (int payload : new int[] {160, 1200}) {
                for (boolean direct : new boolean[] {false, true}) {
                    run(profile, payload, direct, seconds);
                }
            }
        }
    }

    private static void run(SrtpProfile profile, int payload, boolean direct, double seconds) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        SrtpKeyMaterial master = SrtpKeyMaterial.random(profile, new SecureRandom());
        SrtpContext sender = SrtpContext.sender(master, SrtpContextTest.SSRC);
        SrtpContext receiver = SrtpContext.receiver(master, SrtpContextTest.SSRC);
        byte[] plain = SrtpContextTest.rtp(0, payload, false, false);
        ByteBuffer[] packets = new ByteBuffer[BATCH];
        for (int i = 0; i < BATCH; i++) {
            packets[i] = direct ? ByteBuffer.allocateDirect(plain.length + 16) : ByteBuffer.allocate(plain.length + 16);
        }
        int seq = 0;
        // Warm-up: a quarter of the time, not measured.
        long warmUpEnd = System.nanoTime() + (long) (seconds * 0.25e9);
        while (System.nanoTime() < warmUpEnd) {
            seq = batch(sender, receiver, plain, packets, seq, null);
        }
        int batches = Math.max(20, (int) (seconds * 1e9 / 1000 / BATCH / 2));
        long[][] times = new long[2][batches];
        long allocatedBefore = threads.getThreadAllocatedBytes(thread);
        long[] cpu = new long[2];
        for (int b = 0; b < batches; b++) {
            seq = batch(sender, receiver, plain, packets, seq, cpu);
            times[0][b] = cpu[0];
            times[1][b] = cpu[1];
        }
        double allocated = (double) (threads.getThreadAllocatedBytes(thread) - allocatedBefore) / batches / BATCH;
        double protectNs = median(times[0]) / BATCH;
        double unprotectNs = median(times[1]) / BATCH;
        double both = protectNs + unprotectNs;
        System.out.printf("| %s | %d | %s | %.0f | %.0f | %.0f | %,.0f | %.0f |%n", profile.sdpName(), payload,
                direct ? "direct" : "heap", protectNs, unprotectNs, both, 1e9 / both, allocated);
    }

    /** Protects then unprotects one batch; with {@code cpu}, puts the CPU ns of each half in it. */
    private static int batch(SrtpContext sender, SrtpContext receiver, byte[] plain, ByteBuffer[] packets, int seq,
                             long[] cpu) {
        for (int i = 0; i < BATCH; i++) {
            int s = (seq + i) & 0xffff;
            plain[2] = (byte) (s >>> 8);
            plain[3] = (byte) s;
            packets[i].clear();
            packets[i].put(plain).flip();
        }
        long t0 = cpuNanos();
        for (ByteBuffer packet : packets) {
            if (sender.protect(packet) != SrtpVerdict.OK) {
                throw new IllegalStateException("protect failed");
            }
        }
        long t1 = cpuNanos();
        for (ByteBuffer packet : packets) {
            if (receiver.unprotect(packet) != SrtpVerdict.OK) {
                throw new IllegalStateException("unprotect failed");
            }
        }
        long t2 = cpuNanos();
        if (cpu != null) {
            cpu[0] = t1 - t0;
            cpu[1] = t2 - t1;
        }
        return seq + BATCH;
    }

    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
