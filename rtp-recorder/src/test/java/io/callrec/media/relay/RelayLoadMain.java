package io.callrec.media.relay;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Load driver (not a test): N streams at 50 packets/s each (172-byte G.711-sized packets, A to B) through the relay on
 * loopback for T seconds, after a warm-up. Prints packets/s, CPU per packet (relay threads alone and whole process,
 * which includes this driver's sender and receiver) and the sender-to-receiver latency through the relay.
 *
 * <p>Run: {@code java -cp <test classpath> io.callrec.media.relay.RelayLoadMain [streams=1000] [seconds=10] [threads]
 * [burst=1]}. With {@code burst} > 1 each stream sends that many packets back to back every {@code burst} × 20 ms (same
 * rate, queued on the relay socket like a video keyframe), which exercises the relay's draining of a socket with a queue.
 */
public final class RelayLoadMain {
    private static final int PACKETS_PER_SECOND = 50;
    private static final int PACKET_BYTES = 172;
    private static final int WARM_UP_SECONDS = 3;
    /** Latency histogram: 1 µs buckets up to 100 ms, then one overflow bucket. */
    private static final int BUCKETS = 100_000;

    private RelayLoadMain() {
    }

    public static void main(String[] args) throws Exception {
        int streams = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        RelayConfig config = RelayConfig.defaults(loopback)
                .withTimeouts(Duration.ofSeconds(3), Duration.ZERO);
        if (args.length > 2) {
            config = config.withThreads(Integer.parseInt(args[2]));
        }
        int burst = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        try (RtpRelay relay = RtpRelay.start(config);
             DatagramChannel sender = open(loopback);
             DatagramChannel receiver = open(loopback)) {
            List<InetSocketAddress> targets = new ArrayList<>(streams);
            for (int i = 0; i < streams; i++) {
                RelayStream stream = relay.openSession("load-" + i, (s, idle) -> { }).stream(0, "audio");
                stream.setRemote(Side.A, (InetSocketAddress) sender.getLocalAddress(), null, false);
                stream.setRemote(Side.B, (InetSocketAddress) receiver.getLocalAddress(), null, false);
                stream.setClockRate(Side.A, 8000);
                targets.add(stream.localRtp(Side.A));
            }
            System.out.printf("%d streams x %d pps = %d packets/s offered in bursts of %d, %d relay thread(s), %d cores%n",
                    streams, PACKETS_PER_SECOND, streams * PACKETS_PER_SECOND, burst, config.threads(),
                    Runtime.getRuntime().availableProcessors());

            Receiver rx = new Receiver(receiver);
            rx.start();
            Sender tx = new Sender(sender, targets, burst);
            tx.run(TimeUnit.SECONDS.toNanos(WARM_UP_SECONDS));

            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            rx.reset();
            long sentBefore = tx.sent;
            long forwardedBefore = relay.totals().packets();
            long relayCpuBefore = relayCpu(threads, relay);
            long relayAllocatedBefore = relayAllocated(threads, relay);
            long processCpuBefore = os.getProcessCpuTime();
            long start = System.nanoTime();

            tx.run(TimeUnit.SECONDS.toNanos(seconds));
            long elapsed = System.nanoTime() - start;
            Thread.sleep(200); // let the last packets arrive

            long processCpu = os.getProcessCpuTime() - processCpuBefore;
            long relayCpu = relayCpu(threads, relay) - relayCpuBefore;
            long relayAllocated = relayAllocated(threads, relay) - relayAllocatedBefore;
            long forwarded = relay.totals().packets() - forwardedBefore;
            long sent = tx.sent - sentBefore;
            long received = rx.received();
            rx.stop();

            System.out.printf("sent %d, forwarded %d, received %d (%.3f%% lost) in %.1f s: %.0f packets/s%n",
                    sent, forwarded, received, 100.0 * (sent - received) / sent, elapsed / 1e9,
                    forwarded / (elapsed / 1e9));
            System.out.printf("CPU per forwarded packet: relay threads %.2f us, whole process %.2f us "
                            + "(includes this driver's sender and receiver); relay threads used %.1f%% of one core%n",
                    relayCpu / 1e3 / forwarded, processCpu / 1e3 / forwarded, 100.0 * relayCpu / elapsed);
            System.out.printf("allocated by relay threads: %.2f bytes per forwarded packet%n",
                    (double) relayAllocated / forwarded);
            System.out.printf("latency sender -> relay -> receiver: p50 %d us, p99 %d us, p99.9 %d us, max %s us%n",
                    rx.percentile(0.50), rx.percentile(0.99), rx.percentile(0.999), rx.maxLabel());
            System.out.println("relay totals: " + relay.totals());
        }
    }

    private static DatagramChannel open(InetAddress address) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, 8 << 20);
        channel.bind(new InetSocketAddress(address, 0));
        return channel;
    }

    private static long relayAllocated(com.sun.management.ThreadMXBean threads, RtpRelay relay) {
        long total = 0;
        for (long id : relay.loopThreadIds()) {
            total += threads.getThreadAllocatedBytes(id);
        }
        return total;
    }

    private static long relayCpu(ThreadMXBean threads, RtpRelay relay) {
        long total = 0;
        for (long id : relay.loopThreadIds()) {
            total += threads.getThreadCpuTime(id);
        }
        return total;
    }

    /**
     * Sends every stream's bursts spread evenly over each {@code burst} × 20 ms period, with send time stamped after the
     * header.
     */
    private static final class Sender {
        private final DatagramChannel channel;
        private final List<InetSocketAddress> targets;
        private final int burst;
        private final int[] seq;
        private final ByteBuffer packet = ByteBuffer.allocateDirect(PACKET_BYTES);
        long sent;

        Sender(DatagramChannel channel, List<InetSocketAddress> targets, int burst) {
            this.channel = channel;
            this.targets = targets;
            this.burst = burst;
            this.seq = new int[targets.size()];
            packet.put(0, (byte) 0x80);
        }

        void run(long durationNanos) throws IOException {
            int n = targets.size();
            long period = burst * TimeUnit.SECONDS.toNanos(1) / PACKETS_PER_SECOND;
            long start = System.nanoTime();
            long end = start + durationNanos;
            long slot = 0;
            while (true) {
                long due = start + slot * period / n;
                if (due - end >= 0) {
                    return;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int i = (int) (slot % n);
                for (int k = 0; k < burst; k++) {
                    int s = seq[i]++;
                    packet.clear();
                    packet.putShort(2, (short) s).putInt(4, s * 160).putInt(8, i).putLong(12, System.nanoTime());
                    channel.send(packet, targets.get(i));
                    sent++;
                }
                slot++;
            }
        }
    }

    /** Receives everything the relay sends to B and records the latency from the stamp. */
    private static final class Receiver {
        private final DatagramChannel channel;
        private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS + 1);
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private volatile long maxMicros;

        Receiver(DatagramChannel channel) {
            this.channel = channel;
            this.thread = new Thread(this::run, "load-receiver");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
            try {
                while (running.get()) {
                    buffer.clear();
                    channel.receive(buffer);
                    long micros = (System.nanoTime() - buffer.getLong(12)) / 1000;
                    histogram.incrementAndGet((int) Math.min(Math.max(micros, 0), BUCKETS));
                    if (micros > maxMicros) {
                        maxMicros = micros;
                    }
                }
            } catch (AsynchronousCloseException e) {
                // stopped
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void reset() {
            for (int i = 0; i <= BUCKETS; i++) {
                histogram.set(i, 0);
            }
            maxMicros = 0;
        }

        long received() {
            long total = 0;
            for (int i = 0; i <= BUCKETS; i++) {
                total += histogram.get(i);
            }
            return total;
        }

        long percentile(double p) {
            long target = (long) Math.ceil(received() * p);
            long seen = 0;
            for (int i = 0; i <= BUCKETS; i++) {
                seen += histogram.get(i);
                if (seen >= target) {
                    return i;
                }
            }
            return BUCKETS;
        }

        String maxLabel() {
            return Long.toString(maxMicros);
        }

        void stop() throws IOException, InterruptedException {
            running.set(false);
            channel.close();
            thread.join(2000);
        }
    }
}
