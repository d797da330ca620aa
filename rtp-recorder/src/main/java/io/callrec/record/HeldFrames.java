package io.callrec.record;

import io.callrec.media.buffer.ByteArrayPool;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Frames kept in arrival order until their source's clock is placed on the timeline, then read back once, in order.
 * Bytes are appended to one array and the rest kept in primitive arrays, so holding a frame allocates only when the
 * store grows (a copy, a box and an array per frame before); the owner {@link #release releases} the whole store once
 * it is read. The bytes come from {@link ByteArrayPool#RECORDINGS}: recordings starting together each hold seconds of
 * frames (the first Sender Reports come late), long enough for the collector to promote them.
 *
 * @param <T> what each frame belongs to (its track)
 */
final class HeldFrames<T> {
    private Object[] owners = new Object[64];
    private long[] timestamps = new long[64];
    private boolean[] keyframes = new boolean[64];
    private int[] ends = new int[64];
    private final ByteArrayPool pool;
    private byte[] data;
    private int count;
    private int bytes;
    private ByteBuffer view;

    HeldFrames() {
        this(ByteArrayPool.RECORDINGS);
    }

    HeldFrames(ByteArrayPool pool) {
        this.pool = pool;
        this.data = pool.take(16 * 1024);
        this.view = ByteBuffer.wrap(data);
    }

    /** Copies {@code frame.position()..limit()}; {@code frame} is neither kept nor moved. */
    void add(T owner, long timestamp, boolean keyframe, ByteBuffer frame) {
        int length = frame.remaining();
        if (length > data.length - bytes) {
            long needed = (long) bytes + length;
            if (needed > Integer.MAX_VALUE / 2) {
                throw new IllegalStateException("held frames would exceed 1 GiB: " + bytes + " + " + length
                        + " bytes");
            }
            byte[] bigger = pool.take((int) Math.max(needed, 2L * data.length));
            System.arraycopy(data, 0, bigger, 0, bytes);
            pool.give(data);
            data = bigger;
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

    /** Gives the bytes back to the pool; the store is empty and unusable afterwards. */
    void release() {
        pool.give(data);
        data = null;
        view = null;
        count = 0;
        bytes = 0;
    }

    private void check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("frame " + i + " of " + count + " held");
        }
    }
}
