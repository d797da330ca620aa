package io.callrec.record.mkv;

import io.callrec.media.codec.TrackFormat;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a Matroska file from frames placed on a common timeline (microseconds), tracks of several codecs
 * interleaved.
 *
 * <p>Layout: EBML header, then a Segment of unknown size holding a SeekHead, Info and Tracks, each in a fixed
 * reserved region (padded with Void) so they can be rewritten in place, then Clusters appended one whole cluster per
 * channel write, and at {@link #close()} Cues; then SeekHead, Info (with Duration), Tracks and the Segment size are
 * rewritten. Until then the file is a valid live-style Matroska file up to its last written cluster: a crash loses
 * only frames not yet {@link #flush() flushed}.
 *
 * <p>Frames of different tracks may arrive out of order by up to {@link Options#interleaveWindow()}: they wait in
 * per-track queues and go into clusters in time order once the newest frame seen is a window ahead. Memory per
 * writer is about one window of frames plus one cluster of at most {@value #MAX_CLUSTER_BYTES} bytes and a frame,
 * reused: steady writing allocates nothing per frame. The header region is encoded in a buffer made for the moment
 * (at open, when a track is added, at close), not kept.
 *
 * <p>Methods are synchronized so a flush timer may run on another thread than the writer of frames; the writer is
 * meant for one worker at a time.
 */
public final class MatroskaWriter implements Closeable {
    /** Matroska ticks of 1 ms: block timecodes are 16-bit, so 1 ms gives clusters up to 32 s. */
    static final long TIMESTAMP_SCALE_NANOS = 1_000_000L;
    /** Room for SeekHead with three entries (Info, Tracks, Cues) of up to 21 bytes each. */
    static final int SEEK_HEAD_RESERVE = 128;
    /** Room for the Tracks element: about 16 tracks with 1 KB of codec private data each. */
    static final int TRACKS_RESERVE = 16 * (1024 + 256);
    /**
     * A cluster holding this much starts a new one at the next block, whatever its duration. It bounds the cluster
     * buffer, kept for the life of the file (one per file, three per recording, hundreds of recordings in one heap):
     * at 8 MiB a second of A+V grew it to 128-256 KiB by doubling. Small clusters cost ~20 bytes and one write
     * each; a reader seeks by Cues, which this does not multiply.
     */
    static final int MAX_CLUSTER_BYTES = 32 * 1024;
    /** A cluster started only because the one before was full gets a cue point if the last one is this old. */
    private static final long SIZE_SPLIT_CUE_MS = 1000;
    private static final int HEADER_BUFFER_BYTES = TRACKS_RESERVE + 1024;
    private static final int SEGMENT_UUID_LENGTH = 16;
    /** Bytes a Duration element takes (2-byte id, 1-byte size, 8-byte float): kept free in Info's region. */
    private static final int DURATION_ELEMENT = 11;

    /**
     * @param title              Info Title ("" for none)
     * @param muxingApp          Info MuxingApp
     * @param interleaveWindow   how late a track's frames may arrive relative to the newest frame of any track
     * @param maxClusterDuration the longest a cluster may span (1 ms .. 32.767 s)
     * @param dateUtc            Info DateUTC; null means the moment the writer is created
     */
    public record Options(String title, String muxingApp, Duration interleaveWindow, Duration maxClusterDuration,
                          Instant dateUtc) {
        public Options {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(muxingApp, "muxingApp");
            Objects.requireNonNull(interleaveWindow, "interleaveWindow");
            Objects.requireNonNull(maxClusterDuration, "maxClusterDuration");
            if (interleaveWindow.isNegative()) {
                throw new IllegalArgumentException("interleave window " + interleaveWindow + " is negative");
            }
            long maxMs = maxClusterDuration.toMillis();
            if (maxMs < 1 || maxMs > ClusterBuilder.MAX_RELATIVE) {
                throw new IllegalArgumentException("max cluster duration " + maxClusterDuration
                        + " outside 1 ms .. " + ClusterBuilder.MAX_RELATIVE + " ms (16-bit block timecodes)");
            }
        }

        /** No title, muxing app "callrec", 500 ms interleave window, 5 s clusters, DateUTC at creation. */
        public static Options defaults() {
            return new Options("", "callrec", Duration.ofMillis(500), Duration.ofSeconds(5), null);
        }

        public Options withTitle(String newTitle) {
            return new Options(newTitle, muxingApp, interleaveWindow, maxClusterDuration, dateUtc);
        }

        public Options withDateUtc(Instant newDateUtc) {
            return new Options(title, muxingApp, interleaveWindow, maxClusterDuration, newDateUtc);
        }

        public Options withInterleaveWindow(Duration window) {
            return new Options(title, muxingApp, window, maxClusterDuration, dateUtc);
        }

        public Options withMaxClusterDuration(Duration max) {
            return new Options(title, muxingApp, interleaveWindow, max, dateUtc);
        }
    }

    /** A declared track and its frames waiting for the interleave window. */
    private static final class Track {
        final TrackEntry entry;
        final boolean video;
        final FrameQueue pending = new FrameQueue(4 * 1024);
        /** Last accepted time: later frames are clamped up to it. */
        long lastMicros;
        /** Time of the last block written. */
        long lastWrittenMs = -1;
        /**
         * The shortest step between two of its blocks: the last frame's duration, for Duration. Not the step right
         * before the last block, which spans any gap (lost packets, a muted camera) and would stretch Duration by it.
         */
        long frameStepMs;

        Track(TrackEntry entry) {
            this.entry = entry;
            this.video = entry.codec().isVideo();
        }
    }

    private final SeekableByteChannel channel;
    private final Options options;
    private final long windowMicros;
    private final byte[] segmentUuid = new byte[SEGMENT_UUID_LENGTH];
    private final Instant dateUtc;
    private final List<Track> tracks = new ArrayList<>();
    private final ClusterBuilder cluster;
    private final CueIndex cues = new CueIndex();

    // File layout: absolute channel positions.
    private final long segmentSizeOffset;
    private final long segmentDataStart;
    private final long infoOffset;
    private final int infoReserve;
    private final long tracksOffset;
    private final long start;
    private long appendPosition;
    private long channelPosition;

    /** Newest frame time accepted on any track (times are never below 0). */
    private long newestMicros;
    private long framesWritten;
    private long clampedFrames;
    private long clustersWritten;
    /** Time of the last cluster-start cue point, so clusters split for size do not each add one. */
    private long lastClusterCueMs = Long.MIN_VALUE / 2;
    private boolean anyVideo;
    private boolean closed;

    /** Creates (or truncates) {@code file} and writes the file header into it. */
    public static MatroskaWriter open(Path file, Options options) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            return new MatroskaWriter(channel, options);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Writes the file header at the channel's current position. The writer owns the channel from now on and closes
     * it in {@link #close()}.
     */
    public MatroskaWriter(SeekableByteChannel channel, Options options) throws IOException {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.options = Objects.requireNonNull(options, "options");
        this.windowMicros = options.interleaveWindow().toNanos() / 1000;
        this.cluster = new ClusterBuilder(options.maxClusterDuration().toMillis(), MAX_CLUSTER_BYTES);
        this.dateUtc = options.dateUtc() != null ? options.dateUtc() : Instant.now();
        ThreadLocalRandom.current().nextBytes(segmentUuid);

        start = channel.position();
        channelPosition = start;
        EbmlBuffer header = new EbmlBuffer(HEADER_BUFFER_BYTES);
        writeEbmlHeader(header);
        header.putId(MatroskaIds.SEGMENT);
        segmentSizeOffset = start + header.length();
        header.putUnknownSize();
        segmentDataStart = start + header.length();
        infoOffset = segmentDataStart + SEEK_HEAD_RESERVE;
        infoReserve = infoLength();
        tracksOffset = infoOffset + infoReserve;

        writeSeekHead(header, -1);
        writeInfo(header, false);
        writeTracks(header);
        appendPosition = start + header.length();
        writeAt(start, header);
        header.release();
    }

    /**
     * Declares a track. Allowed at any time, also after other tracks' frames were written: the Tracks element is
     * rewritten in place before any of the new track's frames reach the file.
     *
     * @return the track number (1, 2, ...) to pass to {@link #write}
     * @throws TracksReserveExhaustedException if the Tracks element would no longer fit its reserved space
     */
    public synchronized int addTrack(TrackFormat format, String name) throws IOException {
        ensureOpen();
        Objects.requireNonNull(name, "name");
        TrackEntry entry = new TrackEntry(tracks.size() + 1, randomUid(), name, TrackCodec.of(format));
        Track track = new Track(entry);
        tracks.add(track);
        EbmlBuffer header = new EbmlBuffer(HEADER_BUFFER_BYTES);
        try {
            writeTracks(header);
        } catch (TracksReserveExhaustedException e) {
            tracks.remove(tracks.size() - 1);
            throw e;
        }
        writeAt(tracksOffset, header);
        header.release();
        if (track.video && !anyVideo) {
            // From now on the file is indexed by video keyframes: cluster starts would only cost memory.
            anyVideo = true;
            cues.drop(CueIndex.CLUSTER_START);
        }
        return entry.number();
    }

    /**
     * Accepts one frame.
     *
     * @param track      a number returned by {@link #addTrack}
     * @param timeMicros position on the file's timeline; per track non-decreasing (an earlier time is clamped up to
     *                   the track's previous one and counted in {@link #clampedFrames()}, a negative one to 0; a
     *                   block that would share its millisecond with the track's previous one goes 1 ms later);
     *                   across tracks any order within the interleave window. A frame later than that is still
     *                   written, in the cluster being built (possibly with a negative relative timecode).
     * @param keyframe   whether a decoder can start here (audio frames are always written as keyframes)
     * @param data       the frame, {@code position()..limit()}; copied, neither kept nor moved
     */
    public synchronized void write(int track, long timeMicros, boolean keyframe, ByteBuffer data) throws IOException {
        ensureOpen();
        Track t = track(track);
        long time = timeMicros;
        if (time < t.lastMicros) {
            time = t.lastMicros;
            clampedFrames++;
        }
        t.lastMicros = time;
        if (time > newestMicros) {
            newestMicros = time;
        }
        if (tracks.size() == 1 && t.pending.isEmpty() && data.hasArray()) {
            // One track has nothing to interleave with (its times never go back): the frame goes straight into the
            // cluster, without the copy into and out of the window's queue.
            writeBlock(t, time, keyframe || !t.video, data.array(), data.arrayOffset() + data.position(),
                    data.remaining());
            return;
        }
        t.pending.add(time, keyframe || !t.video, data);
        drainUpTo(newestMicros - windowMicros);
    }

    /**
     * Writes every frame older than the interleave window (relative to the newest frame accepted) to the channel,
     * ending the cluster being built: clusters only ever reach the file whole.
     */
    public synchronized void flush() throws IOException {
        ensureOpen();
        drainUpTo(newestMicros - windowMicros);
        writeCluster();
    }

    /**
     * Writes all frames, Cues, then rewrites SeekHead, Info (with Duration), Tracks and the Segment size, and closes
     * the channel. Idempotent; the channel is closed even if writing fails. If an append fails (a full disk), the file
     * is cut back to its last whole cluster before the exception is passed on: it then reads as a crash would leave
     * it, every cluster up to there playable.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            drainUpTo(Long.MAX_VALUE);
            writeCluster();
            long cuesOffset = writeCues();
            EbmlBuffer header = new EbmlBuffer(HEADER_BUFFER_BYTES);
            header.putSize(appendPosition - segmentDataStart, 8);
            writeSeekHead(header, cuesOffset);
            writeInfo(header, true);
            writeTracks(header);
            writeAt(segmentSizeOffset, header);
            header.release();
        } catch (IOException | RuntimeException e) {
            try {
                channel.truncate(appendPosition);
            } catch (IOException | RuntimeException truncation) {
                e.addSuppressed(truncation);
            }
            throw e;
        } finally {
            try {
                channel.close();
            } finally {
                cluster.release();
                for (Track t : tracks) {
                    t.pending.release();
                }
            }
        }
    }

    /** The file's length so far (everything written from the writer's start position on). */
    public synchronized long bytesWritten() {
        return appendPosition - start;
    }

    /** Frames that reached the channel, in whole clusters (not those waiting in the window or the open cluster). */
    public synchronized long framesWritten() {
        return framesWritten;
    }

    /** Frames whose time went backwards on their track and was clamped to the track's previous time. */
    public synchronized long clampedFrames() {
        return clampedFrames;
    }

    public synchronized long clustersWritten() {
        return clustersWritten;
    }

    // ---- frames to clusters -------------------------------------------------------------------------------

    /** Moves queued frames up to {@code cutoffMicros} into clusters, oldest first across tracks. */
    private void drainUpTo(long cutoffMicros) throws IOException {
        int count = tracks.size();
        while (true) {
            // A linear scan: files have a handful of tracks. Indexed, so the frame path allocates no iterator.
            Track next = null;
            for (int i = 0; i < count; i++) {
                Track t = tracks.get(i);
                if (!t.pending.isEmpty() && (next == null || t.pending.headTime() < next.pending.headTime())) {
                    next = t;
                }
            }
            if (next == null || next.pending.headTime() > cutoffMicros) {
                return;
            }
            writeBlock(next);
        }
    }

    private void writeBlock(Track track) throws IOException {
        FrameQueue queue = track.pending;
        writeBlock(track, queue.headTime(), queue.headKeyframe(), queue.headArray(), queue.headOffset(),
                queue.headLength());
        queue.removeHead();
    }

    private void writeBlock(Track track, long timeMicros, boolean keyframe, byte[] frame, int offset, int length)
            throws IOException {
        long timeMs = (timeMicros + 500) / 1000;
        boolean bumped = track.lastWrittenMs >= 0 && timeMs <= track.lastWrittenMs;
        if (bumped) {
            // Two blocks of one track at the same millisecond (a time clamped up, or two sources meeting on one
            // track after an SSRC change) read as a decoding error to players ("non monotonically increasing dts"):
            // the later one goes a millisecond after the earlier.
            timeMs = track.lastWrittenMs + 1;
        }
        ClusterBuilder.Split split = cluster.splitBefore(timeMs, track.video && keyframe);
        if (split != ClusterBuilder.Split.NONE) {
            writeCluster();
        }
        boolean first = cluster.isEmpty();
        int number = track.entry.number();
        int position = cluster.addBlock(number, timeMs, keyframe, frame, offset, length);
        boolean cued = split != ClusterBuilder.Split.SIZE || timeMs - lastClusterCueMs >= SIZE_SPLIT_CUE_MS;
        if (first && !anyVideo && cued) {
            cues.note(CueIndex.CLUSTER_START, number, timeMs, position);
            lastClusterCueMs = timeMs;
        }
        if (track.video && keyframe) {
            cues.note(CueIndex.KEYFRAME, number, timeMs, position);
        }
        long step = timeMs - track.lastWrittenMs;
        if (!bumped && track.lastWrittenMs >= 0 && step > 0 && (track.frameStepMs == 0 || step < track.frameStepMs)) {
            track.frameStepMs = step;
        }
        track.lastWrittenMs = timeMs;
    }

    private void writeCluster() throws IOException {
        if (cluster.isEmpty()) {
            return;
        }
        ByteBuffer whole = cluster.finish();
        long position = appendPosition;
        int length = whole.remaining();
        writeAt(position, whole);
        appendPosition = position + length;
        framesWritten += cluster.blocks();
        cues.commit(position - segmentDataStart);
        cluster.clear();
        clustersWritten++;
    }

    /** Appends Cues; returns their offset in the segment, or -1 if there is nothing to index. */
    private long writeCues() throws IOException {
        EbmlBuffer header = new EbmlBuffer(4096);
        if (!cues.writeTo(header, anyVideo ? CueIndex.KEYFRAME : CueIndex.CLUSTER_START)) {
            return -1;
        }
        long position = appendPosition;
        writeAt(position, header);
        appendPosition = position + header.length();
        header.release();
        return position - segmentDataStart;
    }

    // ---- header elements ----------------------------------------------------------------------------------

    private static void writeEbmlHeader(EbmlBuffer out) {
        int ebml = out.startMaster(MatroskaIds.EBML);
        out.putUnsigned(MatroskaIds.EBML_VERSION, 1);
        out.putUnsigned(MatroskaIds.EBML_READ_VERSION, 1);
        out.putUnsigned(MatroskaIds.EBML_MAX_ID_LENGTH, 4);
        out.putUnsigned(MatroskaIds.EBML_MAX_SIZE_LENGTH, 8);
        out.putString(MatroskaIds.DOC_TYPE, "matroska");
        out.putUnsigned(MatroskaIds.DOC_TYPE_VERSION, 4);
        out.putUnsigned(MatroskaIds.DOC_TYPE_READ_VERSION, 2);
        out.endMaster(ebml);
    }

    /** SeekHead pointing at Info, Tracks and, if {@code cuesOffset >= 0}, Cues. */
    private void writeSeekHead(EbmlBuffer out, long cuesOffset) {
        int regionStart = out.length();
        int seekHead = out.startMaster(MatroskaIds.SEEK_HEAD);
        seekEntry(out, MatroskaIds.INFO, infoOffset - segmentDataStart);
        seekEntry(out, MatroskaIds.TRACKS, tracksOffset - segmentDataStart);
        if (cuesOffset >= 0) {
            seekEntry(out, MatroskaIds.CUES, cuesOffset);
        }
        out.endMaster(seekHead);
        padRegion(out, regionStart, seekHead, SEEK_HEAD_RESERVE, "SeekHead");
    }

    private static void seekEntry(EbmlBuffer out, int id, long segmentPosition) {
        int seek = out.startMaster(MatroskaIds.SEEK);
        out.putId(MatroskaIds.SEEK_ID);
        out.putSize(EbmlBuffer.idLength(id));
        out.putId(id);
        out.putUnsigned(MatroskaIds.SEEK_POSITION, segmentPosition);
        out.endMaster(seek);
    }

    /** Info's reserved length: Info with a Duration element. */
    private int infoLength() {
        EbmlBuffer scratch = new EbmlBuffer(256);
        writeInfoElement(scratch, true, 0);
        int length = scratch.length();
        scratch.release();
        return length;
    }

    /** Info without Duration while writing (a live file has none), with it at close. */
    private void writeInfo(EbmlBuffer out, boolean withDuration) {
        int regionStart = out.length();
        int info = writeInfoElement(out, withDuration, durationMs());
        padRegion(out, regionStart, info, infoReserve, "Info");
    }

    private int writeInfoElement(EbmlBuffer out, boolean withDuration, double durationMs) {
        int info = out.startMaster(MatroskaIds.INFO);
        out.putBinary(MatroskaIds.SEGMENT_UUID, segmentUuid);
        out.putUnsigned(MatroskaIds.TIMESTAMP_SCALE, TIMESTAMP_SCALE_NANOS);
        if (withDuration) {
            out.putFloat(MatroskaIds.DURATION, durationMs);
        }
        out.putDate(MatroskaIds.DATE_UTC, dateUtc);
        if (!options.title().isEmpty()) {
            out.putString(MatroskaIds.TITLE, options.title());
        }
        out.putString(MatroskaIds.MUXING_APP, options.muxingApp());
        out.putString(MatroskaIds.WRITING_APP, "callrec");
        out.endMaster(info);
        return info;
    }

    private void writeTracks(EbmlBuffer out) throws TracksReserveExhaustedException {
        int regionStart = out.length();
        int tracksElement = out.startMaster(MatroskaIds.TRACKS);
        for (Track t : tracks) {
            t.entry.writeTo(out);
        }
        out.endMaster(tracksElement);
        int used = out.length() - regionStart;
        if (used > TRACKS_RESERVE) {
            out.clear();
            throw new TracksReserveExhaustedException("Tracks need " + used + " bytes for " + tracks.size()
                    + " tracks but only " + TRACKS_RESERVE + " bytes are reserved at the start of the file");
        }
        padRegion(out, regionStart, tracksElement, TRACKS_RESERVE, "Tracks");
    }

    /** Fills the rest of a reserved region with a Void element, so what follows stays where it is. */
    private static void padRegion(EbmlBuffer out, int regionStart, int masterMark, int reserve, String what) {
        int gap = reserve - (out.length() - regionStart);
        if (gap < 0) {
            throw new IllegalStateException(what + " takes " + (reserve - gap) + " bytes, reserved " + reserve);
        }
        if (gap == 1) {
            out.shrinkMasterSize(masterMark);
            gap = 2;
        }
        if (gap > 0) {
            out.putVoid(gap);
        }
    }

    /** The end of the last frame of the longest track: its last timestamp plus its frame step. */
    private double durationMs() {
        long end = 0;
        for (Track t : tracks) {
            if (t.lastWrittenMs >= 0) {
                end = Math.max(end, t.lastWrittenMs + t.frameStepMs);
            }
        }
        return end;
    }

    // ---- channel ------------------------------------------------------------------------------------------

    private void writeAt(long position, EbmlBuffer bytes) throws IOException {
        writeAt(position, ByteBuffer.wrap(bytes.array(), 0, bytes.length()));
    }

    /** Writes all of {@code bytes} at {@code position}, moving the channel only when it is elsewhere. */
    private void writeAt(long position, ByteBuffer bytes) throws IOException {
        try {
            if (channelPosition != position) {
                channel.position(position);
                channelPosition = position;
            }
            while (bytes.hasRemaining()) {
                channelPosition += channel.write(bytes);
            }
        } catch (IOException e) {
            channelPosition = -1; // unknown: the next write seeks
            throw e;
        }
    }

    private Track track(int number) {
        if (number < 1 || number > tracks.size()) {
            throw new IllegalArgumentException("no track " + number + " (tracks 1.." + tracks.size() + ")");
        }
        return tracks.get(number - 1);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Matroska writer already closed");
        }
    }

    private static long randomUid() {
        long uid;
        do {
            uid = ThreadLocalRandom.current().nextLong();
        } while (uid == 0);
        return uid;
    }
}
