package io.callrec.record;

import io.callrec.media.relay.RelayConfig;
import io.callrec.media.relay.RelaySession;
import io.callrec.media.relay.RelayStream;
import io.callrec.media.relay.RtpRelay;
import io.callrec.media.relay.Side;
import io.callrec.media.rtp.NtpTime;
import io.callrec.media.rtp.RtcpPackets;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;

/**
 * Load driver (not a test): the real {@link Recorder} records N audio-only G.711 A-law calls in mode both, fed
 * through the relay's tap entry point ({@link MediaFork#onPacket}, what the relay threads call) by one feeding thread
 * at 33.3 packets/s per direction per call (30 ms, 240-byte payload, an RTCP Sender Report every 5 s per direction),
 * for a warm-up and then a measured window. Prints the recorder workers' CPU and allocation per packet, the feeding
 * thread's CPU (the fork's copy into the rings, i.e. the relay-side cost), GC and bytes written. With {@code av}
 * each call also sends H.264 320x240 15 fps both ways (an ffmpeg-made 4 s clip of testsrc at ~215 kb/s, a keyframe
 * every second, packets of at most 1200 bytes, looped with its RTP timestamps and sequence numbers running on).
 *
 * <p>Run: {@code mvn -q -o -pl rtp-recorder test-compile} then {@code java -cp
 * rtp-recorder/target/classes:rtp-recorder/target/test-classes:$(cat cp.txt) io.callrec.record.RecorderLoadMain
 * [calls=200] [warmUpSeconds=10] [seconds=30] [workers=availableProcessors/2] [audio|av]} (class path from {@code mvn -o -pl
 * rtp-recorder dependency:build-classpath -Dmdep.outputFile=cp.txt}). Files go to {@code
 * rtp-recorder/target/recorder-load/}, emptied first.
 *
 * <p>Memory: the live heap after a full collection (and direct buffers, and resident memory) is taken once the calls'
 * relay sessions exist and again at the end of the window, and printed per recording. {@code -Dhistogram=25} adds the
 * 25 classes grown most per recording (class histograms, as {@code jcmd PID GC.class_histogram}); {@code
 * -Downers=true} the arrays one recording holds by owning field ({@link HeapOwners}: run with {@code --add-opens
 * java.base/java.nio=ALL-UNNAMED} and the same for {@code java.util} and {@code java.lang}). {@code
 * -DrtpPortBase=46000} moves the relay's ports when another run holds 30000 up.
 */
public final class RecorderLoadMain {
    private static final int PAYLOAD_BYTES = 240;
    private static final int PACKET_MILLIS = 30;
    private static final int SAMPLES_PER_PACKET = 8 * PACKET_MILLIS;
    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int CLIP_MILLIS = 4000;
    private static final byte[] CNAME = "load@callrec".getBytes(StandardCharsets.US_ASCII);

    private RecorderLoadMain() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Path data = Path.of("rtp-recorder/target/recorder-load").toAbsolutePath();
        if (!Files.isDirectory(data.getParent())) {
            data = Path.of("target/recorder-load").toAbsolutePath();
        }
        FileUtils.deleteDirectory(data.toFile());
        RecorderConfig base = RecorderConfig.under(data);
        int workers = args.length > 3 ? Integer.parseInt(args[3]) : base.workers();
        RecorderConfig config = new RecorderConfig(base.workDirectory(), base.spoolDirectory(), workers,
                base.queueBytes(), Math.max(calls, base.maxRecordings()), base.journalSync());
        boolean video = args.length > 4 && args[4].equals("av");
        int portBase = Integer.getInteger("rtpPortBase", 30000); // another run on the machine may hold 30000 up
        List<byte[]> clip = video ? h264Clip(data.resolveSibling("recorder-load-media")) : List.of();
        Map<Integer, PayloadFormat> pcma = Map.of(8, new PayloadFormat(8, "PCMA", 8000, 1, Map.of()));
        Map<Integer, PayloadFormat> h264 = Map.of(96, new PayloadFormat(96, "H264", 90000, 1,
                Map.of("packetization-mode", "1")));
        MediaFormats formats = new MediaFormats(video
                ? Map.of(0, new MediaFormats.StreamFormats(0, "audio", pcma, pcma, false, false),
                        1, new MediaFormats.StreamFormats(1, "video", h264, h264, false, false))
                : Map.of(0, new MediaFormats.StreamFormats(0, "audio", pcma, pcma, false, false)));

        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (RtpRelay relay = RtpRelay.start(RelayConfig.defaults(InetAddress.getLoopbackAddress())
                .withPorts(portBase, portBase + 8 * calls + 99).withTimeouts(Duration.ofSeconds(3), Duration.ZERO));
             Recorder recorder = new Recorder(config, new RecordingListener() { })) {
            List<Call> all = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(7);
            List<RelaySession> sessions = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                RelaySession session = relay.openSession("load-" + i, (s, idle) -> { });
                session.stream(0, "audio");
                if (video) {
                    session.stream(1, "video");
                }
                sessions.add(session);
            }
            // The calls exist, nothing records yet: what the heap holds from here on is the recordings'.
            HeapSnapshot idle = HeapSnapshot.take();
            for (int i = 0; i < calls; i++) {
                RelaySession session = sessions.get(i);
                MediaFork fork = recorder.fork(session);
                RecordingSession recording = recorder.start(fork, new RecordingSpec("load-" + i, RecordingMode.BOTH,
                        Side.A, "sip:a" + i + "@example.com", "sip:b" + i + "@example.com", "call-a-" + i,
                        "call-b-" + i, false, List.of()), formats);
                all.add(new Call(fork, session.stream(0, "audio"), video ? session.stream(1, "video") : null,
                        recording, random));
            }
            System.out.printf("%d calls recorded in mode both, %d recorder worker(s), %d cores; "
                            + "%.0f audio packets/s offered (%d-byte G.711 payload every %d ms each way)%s%n",
                    calls, workers, Runtime.getRuntime().availableProcessors(),
                    calls * 2 * 1000.0 / PACKET_MILLIS, PAYLOAD_BYTES, PACKET_MILLIS, video
                            ? String.format(", %.0f video packets/s (H.264 320x240 15 fps, %d packets per %d ms clip)",
                            calls * 2 * clip.size() * 1000.0 / CLIP_MILLIS, clip.size(), CLIP_MILLIS) : "");

            Feeder feeder = new Feeder(all, clip);
            feeder.run(TimeUnit.SECONDS.toNanos(warmUp));

            List<Long> workerIds = recorderThreads(threads);
            long feederId = Thread.currentThread().getId();
            long workerCpu0 = sum(workerIds, threads::getThreadCpuTime);
            long workerUser0 = sum(workerIds, threads::getThreadUserTime);
            long feederUser0 = threads.getThreadUserTime(feederId);
            long workerAlloc0 = sum(workerIds, threads::getThreadAllocatedBytes);
            long feederCpu0 = threads.getThreadCpuTime(feederId);
            long processCpu0 = os.getProcessCpuTime();
            long[] gc0 = gc();
            long written0 = bytesUnder(data);
            long packets0 = feeder.packets;
            long start = System.nanoTime();

            feeder.run(TimeUnit.SECONDS.toNanos(seconds));
            Thread.sleep(2 * Recorder.TICK_MILLIS); // the workers take the last packets

            long elapsed = System.nanoTime() - start;
            long packets = feeder.packets - packets0;
            long workerCpu = sum(workerIds, threads::getThreadCpuTime) - workerCpu0;
            long workerUser = sum(workerIds, threads::getThreadUserTime) - workerUser0;
            long feederUser = threads.getThreadUserTime(feederId) - feederUser0;
            long workerAlloc = sum(workerIds, threads::getThreadAllocatedBytes) - workerAlloc0;
            long feederCpu = threads.getThreadCpuTime(feederId) - feederCpu0;
            long processCpu = os.getProcessCpuTime() - processCpu0;
            long[] gc = gc();
            long written = bytesUnder(data) - written0;

            System.out.printf("measured %.1f s: %d packets fed (%.0f/s; %d RTCP, %d video since the start)%n",
                    elapsed / 1e9, packets, packets / (elapsed / 1e9), feeder.reports, feeder.videoPackets);
            System.out.printf("recorder workers %s: %.1f%% of a core, %.2f us CPU per packet (user %.2f), "
                            + "%.0f bytes allocated per packet (%.1f MB/s)%n",
                    workerIds, 100.0 * workerCpu / elapsed, workerCpu / 1e3 / packets, workerUser / 1e3 / packets,
                    (double) workerAlloc / packets,
                    workerAlloc / 1e6 / (elapsed / 1e9));
            System.out.printf("feeding thread (the fork's copy into the rings, as on a relay thread, plus packet "
                    + "building): %.2f us CPU per packet (user %.2f)%n", feederCpu / 1e3 / packets,
                    feederUser / 1e3 / packets);
            System.out.printf("whole process: %.1f%% of a core, %.2f us CPU per packet%n",
                    100.0 * processCpu / elapsed, processCpu / 1e3 / packets);
            System.out.printf("GC: %d collections, %d ms%n", gc[0] - gc0[0], gc[1] - gc0[1]);
            System.out.printf("written to the work directory: %.2f MB/s (files grown by %d bytes)%n",
                    written / 1e6 / (elapsed / 1e9), written);
            HeapSnapshot busy = HeapSnapshot.take();
            System.out.printf("live heap after a full GC: %.1f MiB with %d recordings, %.1f MiB before they started:"
                            + " %.0f KiB per recording; direct buffers %.0f KiB per recording%n",
                    busy.heapUsed / 1048576.0, calls, idle.heapUsed / 1048576.0,
                    (busy.heapUsed - idle.heapUsed) / 1024.0 / calls,
                    (busy.directUsed - idle.directUsed) / 1024.0 / calls);
            System.out.printf("resident memory (VmRSS): %.1f MiB with %d recordings, %.1f MiB before: %.0f KiB per "
                            + "recording%n", busy.residentBytes / 1048576.0, calls, idle.residentBytes / 1048576.0,
                    (busy.residentBytes - idle.residentBytes) / 1024.0 / calls);
            int rows = Integer.getInteger("histogram", 0);
            if (rows > 0) {
                busy.printGrowthOver(idle, rows, calls);
            }
            if (Boolean.getBoolean("owners")) {
                HeapOwners.print(all.get(0).recording.active());
            }

            long stopStart = System.nanoTime();
            List<CompletableFuture<FinishedRecording>> done = new ArrayList<>();
            for (Call c : all) {
                done.add(c.recording.stop());
            }
            long overflow = 0;
            for (CompletableFuture<FinishedRecording> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            for (Call c : all) {
                overflow += c.fork.activeRecordings(); // 0 once stopped
            }
            System.out.printf("stopped and finished %d recordings in %.1f s%s%n", done.size(),
                    (System.nanoTime() - stopStart) / 1e9, overflow == 0 ? "" : " (" + overflow + " still attached)");
            System.out.printf("overflow (packets not queued): %d%n", overflowIn(config.spoolDirectory()));
        }
    }

    /** One call's fork and stream, and each direction's RTP state. */
    private static final class Call {
        final MediaFork fork;
        final RelayStream stream;
        final RelayStream video;
        final RecordingSession recording;
        final int[] videoSsrc = new int[2];
        final int[] videoSeq = new int[2];
        final long[] videoTimestamp = new long[2];
        final int[] ssrc = new int[2];
        final int[] seq = new int[2];
        final long[] timestamp = new long[2];
        final long[] nextReport = new long[2];

        Call(MediaFork fork, RelayStream stream, RelayStream video, RecordingSession recording,
             SplittableRandom random) {
            this.fork = fork;
            this.stream = stream;
            this.video = video;
            this.recording = recording;
            for (int side = 0; side < 2; side++) {
                ssrc[side] = random.nextInt();
                seq[side] = random.nextInt(65536);
                timestamp[side] = random.nextInt() & 0xffffffffL;
                videoSsrc[side] = random.nextInt();
                videoSeq[side] = random.nextInt(65536);
                videoTimestamp[side] = random.nextInt() & 0xffffffffL;
            }
        }
    }

    /**
     * Sends every call's packets spread evenly over each 30 ms period, as the relay threads would hand them over:
     * through the tap, on a read-only view of a reused direct buffer.
     */
    private static final class Feeder {
        private final List<Call> calls;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
        private final ByteBuffer view = buffer.asReadOnlyBuffer();
        private final byte[] payload = new byte[PAYLOAD_BYTES];
        private final long start = System.nanoTime();
        private final long wallStartMicros = System.currentTimeMillis() * 1000;
        private long slot;
        long packets;
        long reports;
        long videoPackets;

        /** The clip's packets, and when each is due within a loop of the clip (from its RTP timestamp). */
        private final List<byte[]> clip;
        private final long[] clipOffsetNanos;
        /** Video senders (call × side) by when their next packet is due. */
        private final java.util.PriorityQueue<VideoCursor> video = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingLong(VideoCursor::due));

        /** One direction of one call's video: the next packet of the clip and the loop it is in. */
        private static final class VideoCursor {
            final Call call;
            final int side;
            final long phaseNanos;
            int next;
            long loop;
            long due;

            VideoCursor(Call call, int side, long phaseNanos) {
                this.call = call;
                this.side = side;
                this.phaseNanos = phaseNanos;
            }

            long due() {
                return due;
            }
        }

        Feeder(List<Call> calls, List<byte[]> clip) {
            this.calls = calls;
            this.clip = clip;
            this.clipOffsetNanos = new long[clip.size()];
            if (!clip.isEmpty()) {
                long first = ByteBuffer.wrap(clip.get(0)).getInt(4) & 0xffffffffL;
                for (int i = 0; i < clip.size(); i++) {
                    long ts = ByteBuffer.wrap(clip.get(i)).getInt(4) & 0xffffffffL;
                    clipOffsetNanos[i] = (ts - first) * 1_000_000_000L / 90_000;
                }
                int n = calls.size() * 2;
                for (int i = 0; i < n; i++) {
                    VideoCursor c = new VideoCursor(calls.get(i / 2), i % 2,
                            TimeUnit.MILLISECONDS.toNanos(CLIP_MILLIS) * i / n);
                    c.due = start + c.phaseNanos;
                    video.add(c);
                }
            }
            // A 1 kHz tone in A-law-like code words: the content does not change the work, only its realism.
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) (0xd5 ^ (int) (20 * Math.sin(2 * Math.PI * i / 8)));
            }
            for (Call c : calls) {
                c.nextReport[0] = start + REPORT_EVERY_NANOS / 2;
                c.nextReport[1] = start + REPORT_EVERY_NANOS / 2 + TimeUnit.MILLISECONDS.toNanos(15);
            }
        }

        void run(long durationNanos) {
            int n = calls.size() * 2;
            long period = TimeUnit.MILLISECONDS.toNanos(PACKET_MILLIS);
            long end = System.nanoTime() + durationNanos;
            while (true) {
                long due = start + slot * period / n;
                if (due - end >= 0) {
                    return;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    // Wake once a millisecond and send what is due then, as a relay thread drains its sockets: a
                    // park per packet would cost the feeding thread more than the fork it is there to measure.
                    LockSupport.parkNanos(wait + PARK_NANOS);
                }
                Call call = calls.get((int) (slot % n) / 2);
                int side = (int) (slot % 2);
                long now = System.nanoTime();
                sendVideoDue(now);
                send(call, side, now);
                if (now - call.nextReport[side] >= 0) {
                    report(call, side, now);
                    call.nextReport[side] += REPORT_EVERY_NANOS;
                }
                slot++;
            }
        }

        private void send(Call call, int side, long now) {
            buffer.clear();
            buffer.put((byte) 0x80).put((byte) 8).putShort((short) call.seq[side]++)
                    .putInt((int) call.timestamp[side]).putInt(call.ssrc[side]).put(payload);
            call.timestamp[side] += SAMPLES_PER_PACKET;
            hand(call, side, false, buffer.position(), now);
        }

        private void sendVideoDue(long now) {
            VideoCursor c;
            while ((c = video.peek()) != null && c.due - now <= 0) {
                video.poll();
                byte[] packet = clip.get(c.next);
                Call call = c.call;
                int side = c.side;
                long clipTs = (ByteBuffer.wrap(packet).getInt(4) & 0xffffffffL)
                        - (ByteBuffer.wrap(clip.get(0)).getInt(4) & 0xffffffffL);
                buffer.clear();
                buffer.put(packet).putShort(2, (short) call.videoSeq[side]++)
                        .putInt(4, (int) (call.videoTimestamp[side] + clipTs + c.loop * CLIP_MILLIS * 90L))
                        .putInt(8, call.videoSsrc[side]);
                view.limit(buffer.position()).position(0);
                call.fork.onPacket(call.video, side == 0 ? Side.A : Side.B, false, view, now);
                packets++;
                videoPackets++;
                if (++c.next == clip.size()) {
                    c.next = 0;
                    c.loop++;
                }
                c.due = start + c.phaseNanos + c.loop * TimeUnit.MILLISECONDS.toNanos(CLIP_MILLIS)
                        + clipOffsetNanos[c.next];
                video.add(c);
            }
        }

        private void report(Call call, int side, long now) {
            buffer.clear();
            long wallMicros = wallStartMicros + (now - start) / 1000;
            RtcpPackets.writeSenderReport(buffer, call.ssrc[side], NtpTime.fromUnixMicros(wallMicros),
                    call.timestamp[side], call.seq[side], (long) call.seq[side] * PAYLOAD_BYTES, CNAME);
            hand(call, side, true, buffer.position(), now);
            reports++;
        }

        private void hand(Call call, int side, boolean rtcp, int length, long now) {
            view.limit(length).position(0);
            call.fork.onPacket(call.stream, side == 0 ? Side.A : Side.B, rtcp, view, now);
            packets++;
        }
    }

    /** Heap in use after a full collection, and its class histogram (for the growth per recording). */
    private static final class HeapSnapshot {
        final long heapUsed;
        final long directUsed;
        /** The process's resident memory before the collection (what the benchmark's RSS figures measure). */
        final long residentBytes;
        final Map<String, long[]> histogram;

        private HeapSnapshot(long heapUsed, long directUsed, long residentBytes, Map<String, long[]> histogram) {
            this.heapUsed = heapUsed;
            this.directUsed = directUsed;
            this.residentBytes = residentBytes;
            this.histogram = histogram;
        }

        private static long residentBytes() throws java.io.IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return 1024 * Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return 0;
        }

        static HeapSnapshot take() throws Exception {
            long resident = residentBytes();
            // The class histogram forces a full collection itself; System.gc() for runs without it.
            Map<String, long[]> histogram = Integer.getInteger("histogram", 0) > 0 ? classHistogram() : Map.of();
            System.gc();
            long direct = 0;
            for (java.lang.management.BufferPoolMXBean pool
                    : ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
                if (pool.getName().equals("direct")) {
                    direct = pool.getMemoryUsed();
                }
            }
            return new HeapSnapshot(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), direct,
                    resident, histogram);
        }

        /** Class name to {instances, bytes}, from the same command as {@code jcmd PID GC.class_histogram}. */
        private static Map<String, long[]> classHistogram() throws Exception {
            String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram", new Object[] {null}, new String[] {String[].class.getName()});
            Map<String, long[]> out = new java.util.HashMap<>();
            for (String line : text.split("\\R")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                }
            }
            return out;
        }

        void printGrowthOver(HeapSnapshot before, int rows, int calls) {
            System.out.printf("classes grown most, per recording (instances, bytes):%n");
            histogram.entrySet().stream()
                    .map(e -> {
                        long[] b = before.histogram.getOrDefault(e.getKey(), new long[2]);
                        return Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
                    })
                    .sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]))
                    .limit(rows)
                    .forEach(e -> System.out.printf("  %10.1f %10.0f  %s%n", (double) e.getValue()[0] / calls,
                            (double) e.getValue()[1] / calls, e.getKey()));
        }
    }

    private static List<Long> recorderThreads(java.lang.management.ThreadMXBean threads) {
        List<Long> ids = new ArrayList<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("recorder-")
                    && !info.getThreadName().equals("recorder-finisher")) {
                ids.add(info.getThreadId());
            }
        }
        return ids;
    }

    /** A 4 s H.264 clip as RTP packets, made by ffmpeg like the recorder ITs' media. */
    private static List<byte[]> h264Clip(Path work) {
        io.callrec.testing.media.SyncSource source = io.callrec.testing.media.SyncSource.standard(15, 8000)
                .withDurationMillis(CLIP_MILLIS);
        List<byte[]> out = new ArrayList<>();
        for (io.callrec.testing.media.FfmpegRtp.Packet p : io.callrec.testing.media.FfmpegRtp.send(work,
                source.videoInput(), List.of("-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
                        "-profile:v", "baseline", "-pix_fmt", "yuv420p", "-b:v", "215k", "-g", "15",
                        "-payload_type", "96", "-pkt_size", "1200")).rtp()) {
            out.add(p.datagram());
        }
        return out;
    }

    /** {@code perThread} summed over the threads {@code ids}. */
    private static long sum(List<Long> ids, java.util.function.LongUnaryOperator perThread) {
        long total = 0;
        for (long id : ids) {
            total += perThread.applyAsLong(id);
        }
        return total;
    }

    /** Collections and milliseconds of all collectors. */
    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, bean.getCollectionCount());
            millis += Math.max(0, bean.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    private static long bytesUnder(Path dir) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static long overflowIn(Path spool) throws java.io.IOException {
        long total = 0;
        try (Stream<Path> manifests = Files.walk(spool)) {
            for (Path m : manifests.filter(p -> p.getFileName().toString().equals("manifest.json")).toList()) {
                Object o = Manifest.JSON.readValue(m.toFile(), Map.class).get("overflowPackets");
                total += o instanceof Number num ? num.longValue() : 0;
            }
        }
        return total;
    }
}
