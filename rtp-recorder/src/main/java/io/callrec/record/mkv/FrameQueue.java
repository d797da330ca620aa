package io.callrec.record.mkv;

import io.callrec.media.buffer.ByteArrayPool;
import java.nio.ByteBuffer;

/**
 * The frames of one track waiting for the interleave window to pass, oldest first. Frame bytes are copied into one
 * array used as a ring (each frame whole: one that does not fit before the end goes to the start) and their
 * bookkeeping kept in primitive ring arrays, so a steady stream allocates nothing and moves no bytes. The data array
 * grows only when the live frames and the new one do not fit, by half, so it settles at about the largest window of
 * frames plus a frame: compacting into the front half instead, as before, kept it at two to four times its live
 * bytes (eight queues per A+V recording). The data array comes from {@link ByteArrayPool#RECORDINGS} and goes back
 * with {@link #release()}.
 */
final class FrameQueue {
    private long[] times = new long[64];
    private int[] offsets = new int[64];
    private int[] lengths = new int[64];
    private boolean[] keyframes = new boolean[64];
    private int head;
    private int count;

    private byte[] data;
    /** Where the next frame's bytes go; the head frame's start is {@code offsets[head]}. */
    private int tail;
    /** Bytes of the queued frames. */
    private int live;

    FrameQueue(int initialDataCapacity) {
        data = ByteArrayPool.RECORDINGS.take(Math.max(256, initialDataCapacity));
    }

    /** Drops the queued frames and gives the data array back to the pool; the queue must not be used afterwards. */
    void release() {
        ByteArrayPool.RECORDINGS.give(data);
        data = new byte[0];
        head = 0;
        count = 0;
        tail = 0;
        live = 0;
    }

    boolean isEmpty() {
        return count == 0;
    }

    int size() {
        return count;
    }

    /** Bytes held by queued frames. */
    int bytes() {
        return live;
    }

    /** Appends a frame, copying {@code frame.position()..limit()}; {@code frame} is not kept or moved. */
    void add(long time, boolean keyframe, ByteBuffer frame) {
        int length = frame.remaining();
        int at = place(length);
        if (at < 0) {
            grow(length);
            at = tail;
        }
        frame.get(frame.position(), data, at, length);
        if (count == times.length) {
            growIndex();
        }
        int slot = (head + count) & (times.length - 1);
        times[slot] = time;
        offsets[slot] = at;
        lengths[slot] = length;
        keyframes[slot] = keyframe;
        count++;
        live += length;
        tail = at + length;
    }

    /**
     * Where {@code length} bytes fit without touching queued frames: after the newest frame, or at the start of the
     * array once the end is reached (the bytes left there stay unused until the queue wraps past them); -1 if there
     * is no room. Once wrapped, a byte is kept free before the head frame, so {@code tail >= head offset} always
     * means not wrapped.
     */
    private int place(int length) {
        if (count == 0) {
            return length <= data.length ? 0 : -1;
        }
        int headOffset = offsets[head];
        if (tail >= headOffset) { // not wrapped: the frames lie in [headOffset, tail)
            if (length <= data.length - tail) {
                return tail;
            }
            return length < headOffset ? 0 : -1;
        }
        return tail + length < headOffset ? tail : -1;
    }

    long headTime() {
        requireFrame();
        return times[head];
    }

    boolean headKeyframe() {
        requireFrame();
        return keyframes[head];
    }

    /** The array holding the head frame at {@link #headOffset()}; valid until the next {@link #add}. */
    byte[] headArray() {
        return data;
    }

    int headOffset() {
        requireFrame();
        return offsets[head];
    }

    int headLength() {
        requireFrame();
        return lengths[head];
    }

    void removeHead() {
        requireFrame();
        live -= lengths[head];
        head = (head + 1) & (times.length - 1);
        count--;
        if (count == 0) {
            tail = 0;
        }
    }

    private void requireFrame() {
        if (count == 0) {
            throw new IllegalStateException("no frame queued");
        }
    }

    /** A larger array with the queued frames moved to its start, in order; only when a frame found no room. */
    private void grow(int length) {
        long needed = (long) live + length;
        if (needed > Integer.MAX_VALUE / 2) {
            throw new IllegalStateException("frame queue would exceed 1 GiB: " + live + " + " + length + " bytes");
        }
        byte[] target = ByteArrayPool.RECORDINGS.take(
                (int) Math.max(needed + needed / 2, data.length + data.length / 2));
        int to = 0;
        for (int i = 0; i < count; i++) {
            int slot = (head + i) & (times.length - 1);
            System.arraycopy(data, offsets[slot], target, to, lengths[slot]);
            offsets[slot] = to;
            to += lengths[slot];
        }
        ByteArrayPool.RECORDINGS.give(data);
        data = target;
        tail = to;
    }

    private void growIndex() {
        int capacity = times.length * 2;
        long[] newTimes = new long[capacity];
        int[] newOffsets = new int[capacity];
        int[] newLengths = new int[capacity];
        boolean[] newKeyframes = new boolean[capacity];
        for (int i = 0; i < count; i++) {
            int slot = (head + i) & (times.length - 1);
            newTimes[i] = times[slot];
            newOffsets[i] = offsets[slot];
            newLengths[i] = lengths[slot];
            newKeyframes[i] = keyframes[slot];
        }
        times = newTimes;
        offsets = newOffsets;
        lengths = newLengths;
        keyframes = newKeyframes;
        head = 0;
    }

    @Override
    public String toString() {
        return "FrameQueue[" + count + " frames, " + bytes() + " bytes, capacity " + data.length + "]";
    }

    /** For tests: the capacity of the data array. */
    int dataCapacity() {
        return data.length;
    }

    /** For tests: the queued times, oldest first. */
    long[] queuedTimes() {
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = times[(head + i) & (times.length - 1)];
        }
        return out;
    }
}
