package io.callrec.testing.media;

import io.callrec.media.rtp.NtpTime;
import io.callrec.media.rtp.RtcpPackets;
import io.callrec.media.rtp.RtpHeader;
import io.callrec.media.rtp.SeqNum;
import io.callrec.testing.media.PlayReport.SentPacket;
import io.callrec.testing.media.PlayReport.SentReport;
import io.callrec.testing.media.PlayReport.SsrcSpan;
import io.callrec.testing.media.PlayReport.StreamReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Plays RTP streams in real time from loopback sockets, as a phone would send them, with controlled network
 * impairments, and reports exactly what it sent. For end-to-end tests of the relay and the recorder.
 *
 * <p>Each stream ({@link StreamPlan}) gets its own RTP socket and RTCP socket on adjacent ports (RTP even), or one
 * socket with rtcp-mux, bound when it is {@link #add added} so its addresses can go into an SDP offer first. A packet
 * is sent at player start + stream offset + its media time (+ jitter and reordering delays); every random choice
 * (SSRC, sequence and timestamp bases, loss, reordering, duplication, jitter) comes from the seed, so a run is
 * repeatable up to the OS's timing.
 *
 * <p>RTCP: each stream sends an SR with SDES CNAME (one CNAME for all streams of a player, as one endpoint would) at
 * media time 0, every second of media time after, and at an SSRC change. The SR's NTP time is the player's start
 * wall time + stream offset + media time, and its RTP time is the same instant on the SSRC's clock: the exact sender
 * clock, so a correct receiver can put the streams in sync. SRs are never impaired.
 *
 * <p>Timing: one thread sends everything from a priority queue ordered by due time, sleeping with
 * {@link LockSupport#parkNanos} and spinning for the last tenth of a millisecond. Datagrams arriving at the player's
 * sockets (e.g. a recorder's PLI/FIR) are collected by a thread per socket; see {@link Stream#receivedRtcp()}.
 */
public final class RtpPlayer implements AutoCloseable {
    /** The CNAME in every SR's SDES. */
    public static final String CNAME = "rtp-player@callrec.test";
    private static final byte[] CNAME_BYTES = CNAME.getBytes(StandardCharsets.US_ASCII);
    private static final long SR_INTERVAL_NANOS = 1_000_000_000L;
    /** Time between starting the clock and the first datagram: lets the sending thread settle. */
    private static final long LEAD_IN_NANOS = 50_000_000L;
    private static final long SPIN_NANOS = 100_000L;
    private static final long REORDER_EXTRA_NANOS = 1_000_000L;
    private static final int MAX_RECEIVED = 10_000;

    private final long seed;
    private final List<Stream> streams = new ArrayList<>();

    /** @param seed the source of every random choice */
    public RtpPlayer(long seed) {
        this.seed = seed;
    }

    /** Opens the stream's sockets on 127.0.0.1; give it a destination with {@link Stream#sendTo} before playing. */
    public Stream add(StreamPlan plan) throws IOException {
        Stream stream = new Stream(plan, streams.size());
        streams.add(stream);
        return stream;
    }

    /** Plays all streams on this thread and returns when the last datagram is sent. */
    public PlayReport play() throws IOException {
        List<Schedule> schedules = new ArrayList<>();
        PriorityQueue<Event> queue = new PriorityQueue<>(Event.ORDER);
        for (Stream stream : streams) {
            if (stream.rtpDestination == null) {
                throw new IllegalStateException("stream " + stream.plan.name() + " has no destination");
            }
            Schedule schedule = Schedule.of(stream.plan, new Random(seed * 1_000_003L + stream.number));
            schedules.add(schedule);
            for (int i = 0; i < schedule.datagrams.size(); i++) {
                queue.add(new Event(schedule.datagrams.get(i).atNanos, false, stream.number, i));
            }
            for (int i = 0; i < schedule.reportMediaNanos.length; i++) {
                queue.add(new Event(schedule.offsetNanos + schedule.reportMediaNanos[i], true, stream.number, i));
            }
        }
        Sender sender = new Sender(schedules);
        warmUp();
        long startNanos = System.nanoTime() + LEAD_IN_NANOS;
        long startWallNanos = wallNanosAt(startNanos);
        ByteBuffer rtcp = ByteBuffer.allocate(256);
        for (Event event = queue.poll(); event != null; event = queue.poll()) {
            waitUntil(startNanos + event.atNanos);
            Stream stream = streams.get(event.stream);
            Schedule schedule = schedules.get(event.stream);
            long sentNanos = System.nanoTime() - startNanos;
            if (event.report) {
                long media = schedule.reportMediaNanos[event.item];
                Schedule.Epoch epoch = schedule.epochAt(media);
                long rtpTime = (epoch.timestampAtMediaZero() + Math.round(media * (double) stream.plan.clockRate()
                        / 1e9)) & 0xffffffffL;
                long ntp = NtpTime.fromUnixNanos(startWallNanos + schedule.offsetNanos + media);
                long[] counts = sender.counts(event.stream, epoch.ssrc());
                rtcp.clear();
                RtcpPackets.writeSenderReport(rtcp, epoch.ssrc(), ntp, rtpTime, counts[0], counts[1], CNAME_BYTES);
                stream.rtcpChannel.send(rtcp.flip(), stream.rtcpDestination);
                sender.reports.get(event.stream).add(new SentReport(epoch.ssrc(), ntp, rtpTime, media, counts[0],
                        counts[1], event.atNanos, sentNanos));
            } else {
                Schedule.Planned p = schedule.datagrams.get(event.item);
                stream.rtpChannel.send(ByteBuffer.wrap(p.datagram()), stream.rtpDestination);
                sender.countRtp(event.stream, p);
                sender.sent.get(event.stream).add(new SentPacket(p.index(), p.ssrc(), p.seq(), p.timestamp(),
                        p.payloadType(), p.mediaNanos(), p.atNanos(), sentNanos, p.duplicate()));
            }
        }
        List<StreamReport> reports = new ArrayList<>();
        for (Stream stream : streams) {
            Schedule s = schedules.get(stream.number);
            reports.add(new StreamReport(stream.plan.name(), stream.plan.clockRate(),
                    startWallNanos + s.offsetNanos, stream.plan.packets().size(), s.datagrams.size(), s.lost,
                    s.inOutage, s.duplicated, s.reordered, s.spans(), sender.sent.get(stream.number),
                    sender.reports.get(stream.number)));
        }
        return new PlayReport(startNanos, startWallNanos, reports);
    }

    /** Plays on a thread of its own. */
    public CompletableFuture<PlayReport> start() {
        CompletableFuture<PlayReport> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(play());
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "rtp-player");
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
        return result;
    }

    @Override
    public void close() {
        for (Stream stream : streams) {
            stream.close();
        }
    }

    /**
     * Runs the sending path once before the clock starts: the first send through a channel and the first SR cost
     * milliseconds of class loading and interpretation, which would make the first packets late.
     */
    private void warmUp() throws IOException {
        ByteBuffer scratch = ByteBuffer.allocate(256);
        RtcpPackets.writeSenderReport(scratch, 0, NtpTime.fromUnixNanos(wallNanosAt(System.nanoTime())), 0, 0, 0,
                CNAME_BYTES);
        try (DatagramChannel trash = open(0)) {
            for (Stream stream : streams) {
                stream.rtpChannel.send(ByteBuffer.wrap(new byte[1]), address(trash));
                stream.rtcpChannel.send(scratch.flip(), address(trash));
            }
        }
        waitUntil(System.nanoTime() + 2 * SPIN_NANOS);
    }

    private static void waitUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            if (left > 2 * SPIN_NANOS) {
                LockSupport.parkNanos(left - SPIN_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private static long wallNanosAt(long nanoTime) {
        Instant now = Instant.now();
        long nanosNow = System.nanoTime();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() + (nanoTime - nanosNow);
    }

    /** One stream's sockets and destination. */
    public final class Stream {
        private final StreamPlan plan;
        private final int number;
        private final DatagramChannel rtpChannel;
        private final DatagramChannel rtcpChannel;
        private final List<byte[]> receivedRtcp = new ArrayList<>();
        private InetSocketAddress rtpDestination;
        private InetSocketAddress rtcpDestination;

        private Stream(StreamPlan plan, int number) throws IOException {
            this.plan = Objects.requireNonNull(plan, "plan");
            this.number = number;
            if (plan.rtcpMux()) {
                rtpChannel = open(0);
                rtcpChannel = rtpChannel;
            } else {
                DatagramChannel[] pair = openPair();
                rtpChannel = pair[0];
                rtcpChannel = pair[1];
            }
            listen(rtpChannel, plan.rtcpMux());
            if (!plan.rtcpMux()) {
                listen(rtcpChannel, false);
            }
        }

        public StreamPlan plan() {
            return plan;
        }

        public InetSocketAddress rtpAddress() {
            return address(rtpChannel);
        }

        /** The RTCP socket's address: the RTP port + 1, or the RTP address itself with rtcp-mux. */
        public InetSocketAddress rtcpAddress() {
            return address(rtcpChannel);
        }

        /** RTP to {@code rtp}, RTCP to its port + 1 (or to {@code rtp} itself with rtcp-mux). */
        public Stream sendTo(InetSocketAddress rtp) {
            return sendTo(rtp, plan.rtcpMux() ? rtp : new InetSocketAddress(rtp.getAddress(), rtp.getPort() + 1));
        }

        public Stream sendTo(InetSocketAddress rtp, InetSocketAddress rtcp) {
            this.rtpDestination = Objects.requireNonNull(rtp, "rtp");
            this.rtcpDestination = plan.rtcpMux() ? rtp : Objects.requireNonNull(rtcp, "rtcp");
            return this;
        }

        /**
         * Sends a datagram of the caller's own from this stream's RTP socket to its destination, at once (also while
         * playing): what the phone itself, or someone spoofing its address, would send. Not in the play report.
         */
        public void sendRtp(ByteBuffer datagram) throws IOException {
            rtpChannel.send(datagram, rtpDestination);
        }

        /** Like {@link #sendRtp}, from the RTCP socket to the RTCP destination (both the RTP ones with rtcp-mux). */
        public void sendRtcp(ByteBuffer datagram) throws IOException {
            rtcpChannel.send(datagram, rtcpDestination);
        }

        /** RTCP datagrams that arrived at this stream's sockets so far (the first {@value #MAX_RECEIVED}). */
        public List<byte[]> receivedRtcp() {
            synchronized (receivedRtcp) {
                return List.copyOf(receivedRtcp);
            }
        }

        private void listen(DatagramChannel channel, boolean muxed) {
            Thread thread = new Thread(() -> {
                ByteBuffer buffer = ByteBuffer.allocate(65536);
                try {
                    while (true) {
                        channel.receive(buffer.clear());
                        buffer.flip();
                        // RFC 5761 §4: on a muxed port, RTCP is what has packet type 192..223.
                        boolean rtcp = !muxed || (buffer.remaining() >= 2 && (buffer.get(1) & 0x7f) >= 64
                                && (buffer.get(1) & 0x7f) <= 95);
                        synchronized (receivedRtcp) {
                            if (rtcp && receivedRtcp.size() < MAX_RECEIVED) {
                                receivedRtcp.add(Arrays.copyOf(buffer.array(), buffer.limit()));
                            }
                        }
                    }
                } catch (ClosedChannelException e) {
                    // closed by RtpPlayer.close(): the end of listening
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "rtp-player-listen-" + plan.name());
            thread.setDaemon(true);
            thread.start();
        }

        private void close() {
            try {
                rtpChannel.close();
                rtcpChannel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static InetSocketAddress address(DatagramChannel channel) {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DatagramChannel open(int port) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** An RTP socket on an even port and an RTCP socket on the next one (RFC 3550 §11), as SDP without a=rtcp implies. */
    private static DatagramChannel[] openPair() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            DatagramChannel rtp = open(0);
            int port = address(rtp).getPort();
            if (port % 2 == 0 && port < 65535) {
                try {
                    return new DatagramChannel[] {rtp, open(port + 1)};
                } catch (IOException e) {
                    // taken: try another pair
                }
            }
            rtp.close();
        }
        throw new IOException("no free even/odd port pair on loopback after 100 attempts");
    }

    /** A datagram or an SR due at {@code atNanos} after the start. */
    private record Event(long atNanos, boolean report, int stream, int item) {
        // SRs first at equal times, so an SR never reports a packet sent at the same instant.
        static final Comparator<Event> ORDER = Comparator.comparingLong(Event::atNanos)
                .thenComparing(e -> !e.report).thenComparingInt(Event::stream).thenComparingInt(Event::item);
    }

    /** Per-stream, per-SSRC packet and payload octet counts for the SRs, and the log of what went out. */
    private static final class Sender {
        private final List<List<SentPacket>> sent = new ArrayList<>();
        private final List<List<SentReport>> reports = new ArrayList<>();
        private final List<Map<Integer, long[]>> counts = new ArrayList<>();

        Sender(List<Schedule> schedules) {
            for (int i = 0; i < schedules.size(); i++) {
                sent.add(new ArrayList<>());
                reports.add(new ArrayList<>());
                counts.add(new HashMap<>());
            }
        }

        void countRtp(int stream, Schedule.Planned p) {
            long[] c = counts(stream, p.ssrc());
            c[0]++;
            c[1] += RtpHeader.payloadLength(ByteBuffer.wrap(p.datagram()));
        }

        long[] counts(int stream, int ssrc) {
            return counts.get(stream).computeIfAbsent(ssrc, k -> new long[2]);
        }
    }

    /** What one stream will send, all decided before the start: the same plan and random give the same schedule. */
    static final class Schedule {
        /** One RTP datagram to send, rewritten. */
        record Planned(long atNanos, int index, byte[] datagram, int ssrc, int seq, long timestamp, int payloadType,
                       long mediaNanos, boolean duplicate) {
        }

        /** The numbering of one SSRC. */
        record Epoch(int ssrc, int firstIndex, long fromMediaNanos, int seqBase, long tsBase,
                     long timestampAtMediaZero) {
        }

        final long offsetNanos;
        final List<Planned> datagrams = new ArrayList<>();
        final List<Epoch> epochs = new ArrayList<>();
        long[] reportMediaNanos;
        int lost;
        int inOutage;
        int duplicated;
        int reordered;

        private Schedule(long offsetNanos) {
            this.offsetNanos = offsetNanos;
        }

        static Schedule of(StreamPlan plan, Random random) {
            Schedule s = new Schedule(Math.round(plan.startOffsetMillis() * 1e6));
            List<byte[]> packets = plan.packets();
            int n = packets.size();
            long[] ticks = ticksFromFirst(packets);
            long[] media = new long[n];
            for (int i = 0; i < n; i++) {
                media[i] = Math.round(ticks[i] * 1e9 / plan.clockRate());
            }
            s.planEpochs(plan, media, ticks, random);
            Impairments net = plan.impairments();
            long jitterNanos = Math.round(net.jitterMillis() * 1e6);
            long delayNanos = Math.round(net.delayMillis() * 1e6);
            boolean previousReordered = false;
            int epoch = 0;
            for (int i = 0; i < n; i++) {
                // Every packet draws the same numbers whatever happens to it, so one setting does not reshuffle the
                // random choices of the others.
                double loss = random.nextDouble() * 100;
                double reorder = random.nextDouble() * 100;
                double duplicate = random.nextDouble() * 100;
                long jitter = (long) (random.nextDouble() * jitterNanos);
                long duplicateJitter = (long) (random.nextDouble() * jitterNanos);
                while (epoch + 1 < s.epochs.size() && s.epochs.get(epoch + 1).firstIndex() <= i) {
                    epoch++;
                }
                Epoch e = s.epochs.get(epoch);
                boolean reorderNow = !previousReordered && i + 1 < n && reorder < net.reorderPercent();
                previousReordered = false;
                if (net.inOutage(media[i])) {
                    s.inOutage++;
                    continue;
                }
                if (loss < net.lossPercent()) {
                    s.lost++;
                    continue;
                }
                int seq = (e.seqBase() + i - e.firstIndex()) & 0xffff;
                long timestamp = (e.timestampAtMediaZero() + ticks[i]) & 0xffffffffL;
                int payloadType = plan.payloadTypeChangeAtMillis() >= 0
                        && media[i] >= Math.round(plan.payloadTypeChangeAtMillis() * 1e6)
                        ? plan.newPayloadType() : RtpHeader.payloadType(ByteBuffer.wrap(packets.get(i)));
                byte[] datagram = rewrite(packets.get(i), e.ssrc(), seq, timestamp, payloadType);
                long at = s.offsetNanos + media[i] + delayNanos + jitter;
                if (reorderNow) {
                    at += media[i + 1] - media[i] + REORDER_EXTRA_NANOS;
                    previousReordered = true;
                }
                s.datagrams.add(new Planned(at, i, datagram, e.ssrc(), seq, timestamp, payloadType, media[i], false));
                if (duplicate < net.duplicatePercent()) {
                    s.duplicated++;
                    s.datagrams.add(new Planned(s.offsetNanos + media[i] + delayNanos + duplicateJitter, i, datagram,
                            e.ssrc(), seq, timestamp, payloadType, media[i], true));
                }
            }
            s.datagrams.sort(Comparator.comparingLong(Planned::atNanos).thenComparingInt(Planned::index)
                    .thenComparing(Planned::duplicate));
            // As a receiver sees it: the first copy of a packet arriving after the first copy of a later one.
            boolean[] seen = new boolean[n];
            int highest = -1;
            for (Planned p : s.datagrams) {
                if (!seen[p.index()]) {
                    seen[p.index()] = true;
                    if (p.index() < highest) {
                        s.reordered++;
                    }
                    highest = Math.max(highest, p.index());
                }
            }
            s.planReports(media[n - 1]);
            return s;
        }

        /** Each packet's timestamp (unwrapped) minus the first one's. */
        private static long[] ticksFromFirst(List<byte[]> packets) {
            long[] ticks = new long[packets.size()];
            long first = RtpHeader.timestamp(ByteBuffer.wrap(packets.get(0)));
            long previous = first;
            for (int i = 0; i < ticks.length; i++) {
                ByteBuffer packet = ByteBuffer.wrap(packets.get(i));
                if (!RtpHeader.isValid(packet)) {
                    throw new IllegalArgumentException("packet " + i + " of " + packets.size() + " (" + packet.remaining()
                            + " bytes) is not RTP");
                }
                previous = SeqNum.extendTimestamp(previous, RtpHeader.timestamp(packet));
                ticks[i] = previous - first;
                if (ticks[i] < 0) {
                    throw new IllegalArgumentException("packet " + i + " has a timestamp before the first packet's");
                }
            }
            return ticks;
        }

        private void planEpochs(StreamPlan plan, long[] media, long[] ticks, Random random) {
            int changeIndex = -1;
            if (plan.ssrcChangeAtMillis() >= 0) {
                long at = Math.round(plan.ssrcChangeAtMillis() * 1e6);
                for (int i = 1; i < media.length && changeIndex < 0; i++) {
                    if (media[i] >= at) {
                        changeIndex = i;
                    }
                }
            }
            int ssrc = random.nextInt();
            epochs.add(epoch(ssrc, 0, media, ticks, random));
            if (changeIndex > 0) {
                int next = random.nextInt();
                while (next == ssrc) {
                    next = random.nextInt();
                }
                epochs.add(epoch(next, changeIndex, media, ticks, random));
            }
        }

        private static Epoch epoch(int ssrc, int firstIndex, long[] media, long[] ticks, Random random) {
            int seqBase = random.nextInt(65536);
            long tsBase = random.nextInt() & 0xffffffffL;
            return new Epoch(ssrc, firstIndex, media[firstIndex], seqBase, tsBase,
                    (tsBase - ticks[firstIndex]) & 0xffffffffL);
        }

        /** SRs at media time 0, every second of media time, and when a new SSRC starts. */
        private void planReports(long lastMediaNanos) {
            TreeSet<Long> times = new TreeSet<>();
            for (long t = 0; t <= lastMediaNanos; t += SR_INTERVAL_NANOS) {
                times.add(t);
            }
            for (Epoch e : epochs) {
                times.add(e.fromMediaNanos());
            }
            reportMediaNanos = times.stream().mapToLong(Long::longValue).toArray();
        }

        Epoch epochAt(long mediaNanos) {
            Epoch current = epochs.get(0);
            for (Epoch e : epochs) {
                if (e.fromMediaNanos() <= mediaNanos) {
                    current = e;
                }
            }
            return current;
        }

        List<SsrcSpan> spans() {
            return epochs.stream().map(e -> new SsrcSpan(e.ssrc(), e.fromMediaNanos(), e.seqBase(), e.tsBase(),
                    e.timestampAtMediaZero())).toList();
        }

        private static byte[] rewrite(byte[] packet, int ssrc, int seq, long timestamp, int payloadType) {
            byte[] copy = packet.clone();
            ByteBuffer b = ByteBuffer.wrap(copy);
            b.put(1, (byte) ((copy[1] & 0x80) | payloadType));
            b.putShort(2, (short) seq);
            b.putInt(4, (int) timestamp);
            b.putInt(8, ssrc);
            return copy;
        }
    }
}
