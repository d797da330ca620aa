package io.callrec.record;

import io.callrec.media.codec.Codec;
import io.callrec.media.codec.Depacketizer;
import io.callrec.media.codec.Depacketizers;
import io.callrec.media.codec.TrackFormat;
import io.callrec.media.relay.Side;
import io.callrec.media.rtp.NtpTime;
import io.callrec.media.rtp.ReorderBuffer;
import io.callrec.media.rtp.RtcpPackets;
import io.callrec.media.rtp.RtcpVisitor;
import io.callrec.media.rtp.RtpHeader;
import io.callrec.record.mkv.MatroskaWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import io.callrec.atrest.AtRestKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything between a recording's packets and its files, on one worker thread: per RTP source a reorder buffer and a
 * clock, per payload type a depacketizer, then the Matroska writers. The only clock is the packets' arrival time, so
 * replaying a journal after a crash gives the same files as the live run would have.
 */
final class RecordingPipeline {
    private final RecordingSpec spec;
    private final Config config;
    private final long startMicros;
    private final KeyframeRequester keyframes;
    private final Outputs outputs;
    private volatile MediaFormats formats;
    private final Path directory;
    /** Raw capture per party when asked for; null otherwise. */
    private final EnumMap<Party, PcapWriter> pcaps;

    /** Clocks survive pauses and SSRC changes so the timeline stays one. Key: side, stream, SSRC. */
    private final Map<Long, SenderClock> clocks = new HashMap<>();
    private final Map<Long, Source> sources = new HashMap<>();
    /** The source last used per (stream, side): most packets hit it, no map lookup, no boxing. */
    private Source[] recent = new Source[8];
    private final EnumMap<Side, PartySync> sync = new EnumMap<>(Side.class);
    private final List<Map<String, Object>> codecChanges = new ArrayList<>();
    private final EnumMap<Party, Long> dtmfEvents = new EnumMap<>(Party.class);
    private final Map<String, Long> unrecorded = new LinkedHashMap<>();
    private long malformed;
    private long lastMicros;
    private IOException failure;

    /**
     * Per track, the most held while waiting for a Sender Report: 3 s of 1 Mb/s video. Past it the source is placed
     * by arrival, as without a report; at 1 MiB, recordings starting together could hold up to 4 MiB each.
     */
    static final int PENDING_BYTES = 384 * 1024;
    private static final Side[] SIDES = Side.values();

    /**
     * @param reorderPackets  reorder window per source, packets
     * @param reorderHoldMicros longest wait for a missing packet
     * @param syncHoldMicros  longest wait for an RTCP Sender Report before falling back to arrival times
     * @param observeMicros   how long a source is watched before its least-delayed packet is trusted
     * @param pendingBytes    frames held while waiting for sync, per track, before falling back
     * @param atRest          with a current key, the files are written encrypted
     */
    record Config(int reorderPackets, long reorderHoldMicros, long syncHoldMicros, long observeMicros,
                  int pendingBytes, MatroskaWriter.Options writerOptions, AtRestKeys atRest) {
        static Config defaults() {
            return new Config(256, 200_000, 3_000_000, 500_000, PENDING_BYTES, MatroskaWriter.Options.defaults(),
                    AtRestKeys.none());
        }

        Config withAtRest(AtRestKeys keys) {
            return new Config(reorderPackets, reorderHoldMicros, syncHoldMicros, observeMicros, pendingBytes,
                    writerOptions, keys);
        }
    }

    RecordingPipeline(RecordingSpec spec, MediaFormats formats, long startMicros, Path directory, Config config,
                      KeyframeRequester keyframes) throws IOException {
        this.spec = spec;
        this.formats = formats;
        this.startMicros = startMicros;
        this.config = config;
        this.keyframes = keyframes;
        this.outputs = new Outputs(spec, directory, config.writerOptions(), config.atRest());
        this.directory = directory;
        this.pcaps = spec.rawCapture() ? new EnumMap<>(Party.class) : null;
        for (Side side : Side.values()) {
            sync.put(side, new PartySync());
        }
    }

    void onFormats(MediaFormats newFormats) {
        this.formats = newFormats;
    }

    /** One packet from the fork or the journal. The buffer is not kept. */
    void onPacket(long arrivalMicros, int flags, int stream, ByteBuffer packet) {
        lastMicros = Math.max(lastMicros, arrivalMicros);
        Side side = (flags & PacketRing.FLAG_SIDE_B) != 0 ? Side.B : Side.A;
        if (!spec.records(side) || failure != null) {
            return;
        }
        try {
            if (pcaps != null) {
                pcap(side).write(arrivalMicros, side == Side.B, (flags & PacketRing.FLAG_RTCP) != 0, stream, packet);
            }
            if ((flags & PacketRing.FLAG_RTCP) != 0) {
                onRtcp(side, stream, packet);
            } else {
                onRtp(side, stream, packet, arrivalMicros);
            }
        } catch (IOException e) {
            failure = e;
        }
    }

    /** Without new packets, holes still expire and held frames are still released; also flushes the writers. */
    void tick(long nowMicros) throws IOException {
        if (failure != null) {
            throw failure;
        }
        for (Source s : sources.values()) {
            s.release(nowMicros);
        }
        outputs.flush();
        if (pcaps != null) {
            for (PcapWriter w : pcaps.values()) {
                w.flush();
            }
        }
    }

    /** A pause: what is held is written, then sources start afresh after the pause (clocks stay). */
    void onPause() throws IOException {
        drainSources();
    }

    /** Ends the recording: drains everything and closes the files. */
    void finish() throws IOException {
        try {
            drainSources();
        } finally {
            try {
                outputs.close();
            } finally {
                if (pcaps != null) {
                    for (PcapWriter w : pcaps.values()) {
                        w.close();
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    IOException failure() {
        return failure;
    }

    long lastMicros() {
        return lastMicros;
    }

    List<TrackStats> tracks() {
        return outputs.tracks();
    }

    List<Map<String, Object>> codecChanges() {
        return codecChanges;
    }

    Map<Party, Long> dtmfEvents() {
        return dtmfEvents;
    }

    Map<String, Long> unrecordedPackets() {
        return unrecorded;
    }

    long malformed() {
        return malformed;
    }

    Map<Path, Party> files() {
        return outputs.files();
    }

    /** Sync data per source for the manifest. */
    List<Map<String, Object>> sources() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<Long, SenderClock> e : clocks.entrySet()) {
            SenderClock c = e.getValue();
            Map<String, Object> m = new LinkedHashMap<>();
            long key = e.getKey();
            m.put("party", spec.partyOn(((key >>> 32) & 1) == 1 ? Side.B : Side.A).wireName());
            m.put("stream", (int) (key >>> 33));
            m.put("ssrc", c.ssrc() & 0xffffffffL);
            m.put("clockRate", c.clockRate());
            m.put("firstRtpTimestamp", c.firstExtended());
            m.put("firstArrival", Manifest.isoMicros(c.firstArrivalMicros()));
            m.put("sync", c.mappedBy());
            if (c.hasSenderReport()) {
                m.put("senderReports", c.senderReports());
                m.put("srNtp", Manifest.isoMicros(c.firstSrNtpMicros()));
                m.put("srRtpTimestamp", c.firstSrRtp());
            }
            if (c.senderReportsIgnored() > 0) {
                m.put("senderReportsIgnored", c.senderReportsIgnored());
            }
            Source active = sources.get(key);
            m.put("packets", c.packets);
            m.put("lost", c.lost + (active == null ? 0 : active.reorder.lost()));
            m.put("duplicates", c.duplicates + (active == null ? 0 : active.reorder.duplicates()));
            m.put("late", c.late + (active == null ? 0 : active.reorder.late()));
            if (c.mapped()) {
                m.put("offsetMs", (c.localMicros(c.firstExtended()) - startMicros) / 1000.0);
            }
            out.add(m);
        }
        return out;
    }

    private PcapWriter pcap(Side side) throws IOException {
        Party party = spec.partyOn(side);
        PcapWriter w = pcaps.get(party);
        if (w == null) {
            w = new PcapWriter(directory.resolve(party.wireName() + ".pcap"), config.atRest());
            pcaps.put(party, w);
        }
        return w;
    }

    /** The raw capture files written, by party. */
    Map<Party, Path> pcapFiles() {
        Map<Party, Path> out = new EnumMap<>(Party.class);
        if (pcaps != null) {
            for (Party p : pcaps.keySet()) {
                out.put(p, directory.resolve(p.wireName() + ".pcap"));
            }
        }
        return out;
    }

    private void onRtcp(Side side, int stream, ByteBuffer packet) {
        RtcpPackets.walk(packet, new RtcpVisitor() {
            @Override
            public void senderReport(int ssrc, long ntp64, long rtpTimestamp, long packets, long octets) {
                SenderClock clock = clocks.get(key(side, stream, ssrc));
                if (clock != null) {
                    clock.onSenderReport(NtpTime.toUnixMicros(ntp64), rtpTimestamp);
                } else {
                    pendingReports.put(key(side, stream, ssrc), new long[] {NtpTime.toUnixMicros(ntp64), rtpTimestamp});
                }
            }
        });
    }

    /** Sender Reports that came before their source's first packet (e.g. the fork replays the last SR at start). */
    private final Map<Long, long[]> pendingReports = new HashMap<>();

    private void onRtp(Side side, int stream, ByteBuffer packet, long arrival) throws IOException {
        if (!RtpHeader.isValid(packet)) {
            malformed++;
            return;
        }
        int ssrc = RtpHeader.ssrc(packet);
        int slot = stream * 2 + side.ordinal();
        if (slot >= recent.length) {
            recent = java.util.Arrays.copyOf(recent, Math.max(slot + 1, recent.length * 2));
        }
        Source source = recent[slot];
        if (source == null || source.ssrc != ssrc) {
            source = sources.get(key(side, stream, ssrc));
            if (source == null) {
                source = newSource(side, stream, ssrc, RtpHeader.payloadType(packet));
                if (source == null) {
                    return;
                }
            }
            recent[slot] = source;
        }
        source.onPacket(packet, arrival);
        PartySync party = sync.get(side);
        if (!source.clock.mapped() || party.unmapped > 0) {
            checkSync(arrival);
        }
    }

    private Source newSource(Side side, int stream, int ssrc, int payloadType) {
        Optional<PayloadFormat> format = formats.format(stream, side, payloadType);
        if (format.isEmpty() || format.get().isTelephoneEvent()) {
            countUnrecorded(side, stream, payloadType, format.map(PayloadFormat::encoding).orElse("unknown"));
            return null;
        }
        int clockRate = format.get().clockRate();
        long key = key(side, stream, ssrc);
        SenderClock clock = clocks.get(key);
        if (clock == null) {
            clock = new SenderClock(ssrc, clockRate);
            clocks.put(key, clock);
            sync.get(side).unmapped++;
            long[] report = pendingReports.remove(key);
            if (report != null) {
                clock.onSenderReport(report[0], report[1]);
            }
        }
        Source source = new Source(side, stream, ssrc, clock);
        sources.put(key, source);
        return source;
    }

    private void countUnrecorded(Side side, int stream, int payloadType, String encoding) {
        unrecorded.merge(spec.partyOn(side).wireName() + "/" + stream + "/" + payloadType + "/" + encoding, 1L,
                Long::sum);
    }

    /** Maps sources whose Sender Report or hold time has come; see {@link SenderClock}. */
    private void checkSync(long now) {
        for (Side side : SIDES) { // not sync.entrySet(): an iterator and entries per packet while a side waits
            PartySync party = sync.get(side);
            if (party.unmapped == 0) {
                continue;
            }
            boolean changed = false;
            if (!party.offsetKnown) {
                long best = Long.MAX_VALUE;
                for (Map.Entry<Long, SenderClock> c : clocks.entrySet()) {
                    SenderClock clock = c.getValue();
                    if (sideOf(c.getKey()) == side && clock.hasSenderReport()
                            && now - clock.firstArrivalMicros() >= config.observeMicros()) {
                        best = Math.min(best, clock.partyOffsetCandidate());
                    }
                }
                if (best != Long.MAX_VALUE) {
                    party.offsetKnown = true;
                    party.offsetMicros = best;
                }
            }
            for (Map.Entry<Long, SenderClock> c : clocks.entrySet()) {
                SenderClock clock = c.getValue();
                if (sideOf(c.getKey()) != side || clock.mapped() || !clock.started()) {
                    continue;
                }
                if (clock.hasSenderReport() && party.offsetKnown) {
                    if (clock.senderReportAgrees(party.offsetMicros)) {
                        clock.mapBySenderReport(party.offsetMicros);
                    } else {
                        clock.mapByArrival();
                    }
                } else if (now - clock.firstArrivalMicros() >= config.syncHoldMicros()) {
                    clock.mapByArrival();
                } else {
                    continue;
                }
                party.unmapped--;
                changed = true;
            }
            if (changed) {
                for (Source s : sources.values()) {
                    if (s.side == side) {
                        s.flushPending();
                    }
                }
            }
        }
    }

    /** Everything held goes out; sources not placed on the timeline yet fall back to arrival time. */
    private void drainSources() throws IOException {
        for (Source s : sources.values()) {
            s.drain();
        }
        for (Map.Entry<Long, SenderClock> c : clocks.entrySet()) {
            SenderClock clock = c.getValue();
            if (!clock.mapped() && clock.started()) {
                clock.mapByArrival();
                sync.get(sideOf(c.getKey())).unmapped--;
            }
        }
        for (Source s : sources.values()) {
            s.flushPending();
        }
        sources.clear();
        java.util.Arrays.fill(recent, null);
    }

    private static long key(Side side, int stream, int ssrc) {
        return ((long) stream << 33) | ((long) side.ordinal() << 32) | (ssrc & 0xffffffffL);
    }

    private static Side sideOf(long key) {
        return ((key >>> 32) & 1) == 1 ? Side.B : Side.A;
    }

    private static final class PartySync {
        boolean offsetKnown;
        long offsetMicros;
        int unmapped;
    }

    /** One RTP source (SSRC) of one stream from one side, while it lasts. */
    private final class Source {
        final Side side;
        final int stream;
        final int ssrc;
        final SenderClock clock;
        final ReorderBuffer reorder;
        final Track[] tracks = new Track[128];
        /** Frames held until the clock is placed, of every track, in arrival order; null when none are. */
        HeldFrames<Track> pending;
        long lastDtmfTimestamp = -1;
        final int telephoneEventType;

        Source(Side side, int stream, int ssrc, SenderClock clock) {
            this.side = side;
            this.stream = stream;
            this.ssrc = ssrc;
            this.clock = clock;
            this.reorder = new ReorderBuffer(config.reorderPackets(), config.reorderHoldMicros());
            MediaFormats.StreamFormats f = formats.streams().get(stream);
            this.telephoneEventType = f == null ? -1 : f.sentBy(side).values().stream()
                    .filter(PayloadFormat::isTelephoneEvent).mapToInt(PayloadFormat::payloadType).findFirst()
                    .orElse(-1);
        }

        void onPacket(ByteBuffer packet, long arrival) {
            int pt = RtpHeader.payloadType(packet);
            if (pt != telephoneEventType) {
                // RFC 4733 events repeat their start timestamp for the event's duration: not a clock sample
                clock.onPacket(RtpHeader.timestamp(packet), arrival);
            }
            reorder.push(packet, arrival);
            release(arrival);
        }

        void release(long now) {
            ReorderBuffer.Slot slot;
            while ((slot = reorder.pop(now)) != null) {
                deliver(slot.packet(), slot.lostBefore() > 0, now);
            }
        }

        void drain() {
            ReorderBuffer.Slot slot;
            while ((slot = reorder.drain()) != null) {
                deliver(slot.packet(), slot.lostBefore() > 0, lastMicros);
            }
            for (Track t : tracks) {
                if (t != null) {
                    t.depacketizer.flush(t);
                }
            }
            clock.lost += reorder.lost();
            clock.duplicates += reorder.duplicates();
            clock.late += reorder.late();
        }

        /**
         * Writes the frames held while the clock was not placed, in the order they came: with a codec switch in that
         * time (two payload types of one SSRC) the first codec's frames, and so its track, must come first.
         */
        void flushPending() {
            if (pending == null || !clock.mapped()) {
                return;
            }
            HeldFrames<Track> frames = pending;
            pending = null; // a source is held once, at its start
            try {
                for (int i = 0; i < frames.size(); i++) {
                    Track track = frames.owner(i);
                    track.pendingBytes = 0;
                    track.write(frames.timestamp(i), frames.keyframe(i), frames.frame(i));
                }
            } finally {
                frames.release();
            }
        }

        /** Keeps a copy of a frame until the clock is placed; past the byte limit, places it by arrival. */
        void hold(Track track, long timestamp, boolean keyframe, ByteBuffer data) {
            if (pending == null) {
                pending = new HeldFrames<>();
            }
            pending.add(track, timestamp, keyframe, data);
            track.pendingBytes += data.remaining();
            if (track.pendingBytes > config.pendingBytes()) {
                clock.mapByArrival();
                sync.get(side).unmapped--;
                flushPending();
            }
        }

        private void deliver(ByteBuffer packet, boolean lossBefore, long now) {
            int pt = RtpHeader.payloadType(packet);
            Track track = tracks[pt];
            if (track == null) {
                Optional<PayloadFormat> format = formats.format(stream, side, pt);
                if (format.isPresent() && format.get().isTelephoneEvent()) {
                    long ts = RtpHeader.timestamp(packet);
                    if (ts != lastDtmfTimestamp) { // RFC 4733: one event = one timestamp, however many packets
                        lastDtmfTimestamp = ts;
                        dtmfEvents.merge(spec.partyOn(side), 1L, Long::sum);
                    }
                    return;
                }
                Optional<Depacketizer> d = format.flatMap(f -> Depacketizers.create(f.encoding(), f.clockRate(),
                        f.channels(), f.fmtp()));
                if (d.isEmpty()) {
                    countUnrecorded(side, stream, pt, format.map(PayloadFormat::encoding).orElse("unknown"));
                    return;
                }
                track = new Track(this, format.get(), d.get(), now);
                tracks[pt] = track;
            }
            track.now = now;
            int offset = RtpHeader.payloadOffset(packet);
            int length = RtpHeader.payloadLength(packet);
            long timestamp = clock.extend(RtpHeader.timestamp(packet));
            boolean marker = RtpHeader.marker(packet);
            // The slot's view is ours until the next call on the reorder buffer: narrowed to the payload in place.
            int start = packet.position() + offset;
            packet.limit(start + length).position(start);
            track.depacketizer.push(packet, timestamp, marker, lossBefore, track);
        }
    }

    /** One payload type of one source: depacketizer, keyframe gate, frames held until the clock is mapped. */
    private final class Track implements io.callrec.media.codec.FrameSink {
        final Source source;
        final PayloadFormat payload;
        final Depacketizer depacketizer;
        final boolean video;
        boolean keyframeSeen;
        int keyframeRequests;
        long lastRequestMicros;
        long now;
        TrackStats stats;
        /** Bytes of this track's frames held in {@link Source#pending}. */
        int pendingBytes;
        /** Frames dropped while waiting for the first keyframe; the output track does not exist yet to count them. */
        long framesBeforeKeyframe;

        Track(Source source, PayloadFormat payload, Depacketizer depacketizer, long now) {
            this.source = source;
            this.now = now;
            this.payload = payload;
            this.depacketizer = depacketizer;
            Optional<Codec> codec = Codec.fromEncodingName(payload.encoding());
            this.video = codec.map(c -> c.kind() == Codec.Kind.VIDEO).orElse(false);
            if (video) {
                requestKeyframe();
            }
        }

        @Override
        public void frame(long timestamp, boolean keyframe, ByteBuffer data) {
            if (video && !keyframeSeen) {
                if (!keyframe || depacketizer.format() == null) {
                    framesBeforeKeyframe++;
                    if (now - lastRequestMicros >= 1_000_000 && keyframeRequests < 5) {
                        requestKeyframe();
                    }
                    return;
                }
                keyframeSeen = true;
            }
            if (!source.clock.mapped()) {
                source.hold(this, timestamp, keyframe, data);
                return;
            }
            write(timestamp, keyframe, data);
        }

        private void write(long timestamp, boolean keyframe, ByteBuffer data) {
            TrackFormat format = depacketizer.format();
            if (format == null) {
                return;
            }
            long at = Math.max(0, source.clock.localMicros(timestamp) - startMicros);
            try {
                if (stats == null || !stats.format.equals(format)) {
                    stats = outputs.bind(spec.partyOn(source.side), source.stream, payload, format, codecChanges,
                            at);
                    stats.framesBeforeKeyframe += framesBeforeKeyframe;
                    framesBeforeKeyframe = 0;
                }
                if (stats.startMicros >= 0 && stats.lastSsrc != source.ssrc && at / 1000 <= stats.endMicros / 1000) {
                    // Two sources at once on one track (a second SSRC from the party's address, e.g. injected):
                    // they cannot both play, and clamping would stack frames on one timestamp. The track's
                    // current source keeps it; the other one takes over only once it is ahead.
                    stats.framesOverlapping++;
                    return;
                }
                if ((stats.ssrcs.isEmpty() || stats.lastSsrc != source.ssrc) && !stats.ssrcs.contains(source.ssrc)) {
                    stats.ssrcs.add(source.ssrc); // boxed only on a change of source, not per frame
                }
                stats.lastSsrc = source.ssrc;
                if (stats.firstRtpTimestamp < 0) {
                    stats.firstRtpTimestamp = timestamp;
                    stats.firstWallMicros = source.clock.localMicros(timestamp);
                    stats.syncSource = source.clock.mappedBy();
                    stats.offsetMicros = at;
                }
                outputs.write(stats, at, keyframe, data);
            } catch (IOException e) {
                failure = e;
            }
        }

        private void requestKeyframe() {
            keyframeRequests++;
            lastRequestMicros = now;
            MediaFormats.StreamFormats s = formats.streams().get(source.stream);
            keyframes.request(source.stream, source.side, source.ssrc, s != null && s.firAcceptedBy(source.side));
        }
    }
}
