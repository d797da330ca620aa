package io.callrec.record;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Frames kept in arrival order until their source's clock is placed on the timeline, then read back once, in order.
 * Bytes are appended to one array and the rest kept in primitive arrays, so holding a frame allocates only when the
 * store grows (a copy, a box and an array per frame before); the owner drops the whole store once it is read.
 *
 * @param <T> what each frame belongs to (its track)
 */
final class HeldFrames<T> {
    private Object[] owners = new Object[64];
    private long[] timestamps = new long[64];
    private boolean[] keyframes = new boolean[64];
    private int[] ends = new int[64];
    private byte[] data = new byte[16 * 1024];
    private int count;
    private int bytes;
    private ByteBuffer view = ByteBuffer.wrap(data);

    /** Copies {@code frame.position()..limit()}; {@code frame} is neither kept nor moved. */
    void add(T owner, long timestamp, boolean keyframe, ByteBuffer frame) {
        int length = frame.remaining();
        if (length > data.length - bytes) {
            long needed = (long) bytes + length;
            if (needed > Integer.MAX_VALUE / 2) {
                throw new IllegalStateException("held frames would exceed 1 GiB: " + bytes + " + " + length
                        + " bytes");
            }
            data = Arrays.copyOf(data, (int) Math.max(needed, 2L * data.length));
            view = ByteBuffer.wrap(data);
        }
        if (count == owners.length) {
            int capacity = count * 2;
            owners = Arrays.copyOf(owners, capacity);
            timestamps = Arrays.copyOf(timestamps, capacity);
            keyframes = Arrays.copyOf(keyframes, capacity);
            ends = Arrays.copyOf(ends, capacity);
        }
        frame.get(frame.position(), data, bytes, length);
        bytes += length;
        owners[count] = owner;
        timestamps[count] = timestamp;
        keyframes[count] = keyframe;
        ends[count] = bytes;
        count++;
    }

    int size() {
        return count;
    }

    /** Bytes of all frames held. */
    int bytes() {
        return bytes;
    }

    @SuppressWarnings("unchecked")
    T owner(int i) {
        check(i);
        return (T) owners[i];
    }

    long timestamp(int i) {
        check(i);
        return timestamps[i];
    }

    boolean keyframe(int i) {
        check(i);
        return keyframes[i];
    }

    /** Frame {@code i} in {@code position()..limit()} of a view that is reused: valid until the next call. */
    ByteBuffer frame(int i) {
        check(i);
        int start = i == 0 ? 0 : ends[i - 1];
        return view.limit(ends[i]).position(start);
    }

    private void check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("frame " + i + " of " + count + " held");
        }
    }
}
