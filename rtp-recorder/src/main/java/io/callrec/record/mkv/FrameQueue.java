package io.callrec.record.mkv;

import java.nio.ByteBuffer;

/**
 * The frames of one track waiting for the interleave window to pass, oldest first. Frame bytes are copied into one
 * array and their bookkeeping kept in primitive ring arrays, so a steady stream allocates nothing: the data array is
 * compacted when its end is reached and grows only when more than half of it is live.
 */
final class FrameQueue {
    private long[] times = new long[64];
    private int[] offsets = new int[64];
    private int[] lengths = new int[64];
    private boolean[] keyframes = new boolean[64];
    private int head;
    private int count;

    private byte[] data;
    /** Data of the queued frames lies in {@code data[dataStart..dataEnd)}, in queue order. */
    private int dataStart;
    private int dataEnd;

    FrameQueue(int initialDataCapacity) {
        data = new byte[Math.max(256, initialDataCapacity)];
    }

    boolean isEmpty() {
        return count == 0;
    }

    int size() {
        return count;
    }

    /** Bytes held by queued frames. */
    int bytes() {
        return dataEnd - dataStart;
    }

    /** Appends a frame, copying {@code frame.position()..limit()}; {@code frame} is not kept or moved. */
    void add(long time, boolean keyframe, ByteBuffer frame) {
        int length = frame.remaining();
        makeRoom(length);
        frame.get(frame.position(), data, dataEnd, length);
        if (count == times.length) {
            growIndex();
        }
        int slot = (head + count) & (times.length - 1);
        times[slot] = time;
        offsets[slot] = dataEnd;
        lengths[slot] = length;
        keyframes[slot] = keyframe;
        count++;
        dataEnd += length;
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
        dataStart = offsets[head] + lengths[head];
        head = (head + 1) & (times.length - 1);
        count--;
        if (count == 0) {
            dataStart = 0;
            dataEnd = 0;
        }
    }

    private void requireFrame() {
        if (count == 0) {
            throw new IllegalStateException("no frame queued");
        }
    }

    private void makeRoom(int length) {
        if (dataEnd + length <= data.length) {
            return;
        }
        int live = dataEnd - dataStart;
        long needed = (long) live + length;
        if (needed > Integer.MAX_VALUE / 2) {
            throw new IllegalStateException("frame queue would exceed 1 GiB: " + live + " + " + length + " bytes");
        }
        // Keep at least half the array free after compaction, so each compaction is paid for by as many bytes
        // consumed as it moves.
        byte[] target = needed * 2 > data.length ? new byte[(int) needed * 2] : data;
        System.arraycopy(data, dataStart, target, 0, live);
        for (int i = 0; i < count; i++) {
            offsets[(head + i) & (times.length - 1)] -= dataStart;
        }
        data = target;
        dataStart = 0;
        dataEnd = live;
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
