package io.callrec.record.mkv;

import java.nio.ByteBuffer;

/**
 * Builds one Cluster in memory, block by block, and decides when the next block needs a new one. The buffer is
 * reused from cluster to cluster; a finished cluster is handed out whole so the file gets it in one write, which is
 * what keeps a file cut at any moment readable up to its last cluster.
 */
final class ClusterBuilder {
    /** Why a block starts a new cluster (or does not). */
    enum Split { NONE, TIMECODE_RANGE, MAX_DURATION, KEYFRAME, SIZE }

    /** Room in front of the content for the Cluster id (4 bytes) and the largest size (8 bytes). */
    static final int HEADER_ROOM = 12;
    /** A video keyframe starts a new cluster once the current one is this old, so seeking lands on cluster starts. */
    static final long KEYFRAME_CLUSTER_MS = 1000;
    /** SimpleBlock timecodes are signed 16-bit, relative to the cluster timestamp (in ms with our scale). */
    static final long MIN_RELATIVE = Short.MIN_VALUE;
    static final long MAX_RELATIVE = Short.MAX_VALUE;
    private static final int SIMPLE_BLOCK_FIXED = 3;
    private static final int KEYFRAME_FLAG = 0x80;
    /**
     * A second of G.711 (8 KB) and its block headers fit; a video file's clusters grow the buffer once, to about
     * {@code MatroskaWriter.MAX_CLUSTER_BYTES}.
     */
    static final int INITIAL_BYTES = 16 * 1024;

    private final long maxDurationMs;
    private final int maxBytes;
    private final EbmlBuffer buffer;
    private ByteBuffer view;
    private long timestampMs;
    private int blocks;

    /**
     * @param maxDurationMs a cluster spans less than this from its timestamp (at most 32767 ms)
     * @param maxBytes      content size after which the next block starts a new cluster (bounds memory)
     */
    ClusterBuilder(long maxDurationMs, int maxBytes) {
        if (maxDurationMs < 1 || maxDurationMs > MAX_RELATIVE) {
            throw new IllegalArgumentException("max cluster duration " + maxDurationMs + " ms outside 1.." + MAX_RELATIVE);
        }
        this.maxDurationMs = maxDurationMs;
        this.maxBytes = maxBytes;
        this.buffer = new EbmlBuffer(Math.min(INITIAL_BYTES, HEADER_ROOM + maxBytes));
        clear();
    }

    boolean isEmpty() {
        return blocks == 0;
    }

    int blocks() {
        return blocks;
    }

    long timestampMs() {
        return timestampMs;
    }

    /** Content bytes so far (Timestamp element and blocks, without the Cluster header). */
    int contentLength() {
        return buffer.length() - HEADER_ROOM;
    }

    /** Whether a block at {@code timeMs} must go into a new cluster; {@code NONE} also when this one is empty. */
    Split splitBefore(long timeMs, boolean videoKeyframe) {
        if (blocks == 0) {
            return Split.NONE;
        }
        long relative = timeMs - timestampMs;
        if (relative < MIN_RELATIVE || relative > MAX_RELATIVE) {
            return Split.TIMECODE_RANGE;
        }
        if (relative >= maxDurationMs) {
            return Split.MAX_DURATION;
        }
        if (videoKeyframe && relative >= KEYFRAME_CLUSTER_MS) {
            return Split.KEYFRAME;
        }
        if (contentLength() >= maxBytes) {
            return Split.SIZE;
        }
        return Split.NONE;
    }

    /**
     * Adds a SimpleBlock; the first block of a cluster sets its timestamp. The caller has asked {@link #splitBefore}
     * and finished the cluster if needed: a block whose relative timecode does not fit is refused.
     *
     * @return the block's position relative to the start of the cluster's content (for CueRelativePosition)
     */
    int addBlock(int trackNumber, long timeMs, boolean keyframe, byte[] frame, int offset, int length) {
        if (blocks == 0) {
            timestampMs = timeMs;
            buffer.putUnsigned(MatroskaIds.TIMESTAMP, timeMs);
        }
        long relative = timeMs - timestampMs;
        if (relative < MIN_RELATIVE || relative > MAX_RELATIVE) {
            throw new IllegalStateException("block at " + timeMs + " ms is " + relative
                    + " ms from the cluster at " + timestampMs + " ms: outside a 16-bit timecode");
        }
        int position = buffer.length() - HEADER_ROOM;
        buffer.putId(MatroskaIds.SIMPLE_BLOCK);
        buffer.putSize(EbmlBuffer.sizeLength(trackNumber) + SIMPLE_BLOCK_FIXED + (long) length);
        buffer.putSize(trackNumber);
        buffer.putFixed(relative, 2);
        buffer.putByte(keyframe ? KEYFRAME_FLAG : 0);
        buffer.putBytes(frame, offset, length);
        blocks++;
        return position;
    }

    /**
     * Completes the Cluster element (header in front of the content) and returns it, {@code position()..limit()},
     * ready for one channel write. The view is valid until the next {@link #clear()} or {@link #addBlock}.
     */
    ByteBuffer finish() {
        if (blocks == 0) {
            throw new IllegalStateException("an empty cluster is never written");
        }
        long contentSize = contentLength();
        int sizeLength = EbmlBuffer.sizeLength(contentSize);
        int start = HEADER_ROOM - 4 - sizeLength;
        byte[] bytes = buffer.array();
        bytes[start] = (byte) (MatroskaIds.CLUSTER >>> 24);
        bytes[start + 1] = (byte) (MatroskaIds.CLUSTER >>> 16);
        bytes[start + 2] = (byte) (MatroskaIds.CLUSTER >>> 8);
        bytes[start + 3] = (byte) MatroskaIds.CLUSTER;
        EbmlBuffer.writeSize(bytes, start + 4, contentSize, sizeLength);
        if (view == null || view.array() != bytes) {
            view = ByteBuffer.wrap(bytes);
        }
        view.limit(buffer.length()).position(start);
        return view;
    }

    /** Forgets the blocks; the buffer is kept. */
    void clear() {
        buffer.clear();
        buffer.ensureSpace(HEADER_ROOM);
        for (int i = 0; i < HEADER_ROOM; i++) {
            buffer.putByte(0);
        }
        blocks = 0;
        timestampMs = 0;
    }

    /** Gives the buffer back to the pool once the file is closed. */
    void release() {
        buffer.release();
    }
}
