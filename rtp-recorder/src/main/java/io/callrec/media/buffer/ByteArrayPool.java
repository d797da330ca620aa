package io.callrec.media.buffer;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Byte arrays a recording uses for as long as it runs (packet rings, frames held for sync, interleave queues,
 * cluster buffers), handed back when it ends so that the next recordings reuse them.
 *
 * <p>Why: those arrays live for a whole call, so the collector promotes them; when the call ends they are garbage in
 * the old generation, which only a concurrent mark frees, and a server starting and ending hundreds of recordings
 * grows its heap by that garbage rather than by what it holds (0.44 MiB live per A+V recording, over 2 MiB of
 * resident memory each). Reused, they stay live in the pool instead of being allocated again.
 *
 * <p>Arrays come in size classes (powers of two and 1.5 times them, 4 KiB to 1 MiB), so a reused array is at most a
 * third larger than asked for; larger requests are plain allocations and never pooled. A returned array is zeroed
 * before anyone else can take it: one recording's media never reaches another's buffers. What the pool keeps is
 * bounded ({@code maxPooledBytes}); beyond that, returned arrays are left to the collector.
 */
public final class ByteArrayPool {
    private static final int MIN_SHIFT = 12;
    private static final int MAX_SHIFT = 20;
    /** Largest array the pool deals in. */
    public static final int MAX_POOLED = 1 << MAX_SHIFT;
    /** Classes: 4 KiB, 6 KiB, 8 KiB, 12 KiB, ... 768 KiB, 1 MiB. */
    private static final int[] CLASSES = classes();

    /**
     * The pool of the recorder's buffers: up to an eighth of the heap, at most 64 MiB (100 A+V recordings hold about
     * 45 MiB of such arrays).
     */
    public static final ByteArrayPool RECORDINGS = new ByteArrayPool(
            Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8));

    private final long maxPooledBytes;
    private final ArrayDeque<byte[]>[] free;
    private long pooledBytes; // guarded by this
    private long reused;      // guarded by this

    @SuppressWarnings("unchecked")
    public ByteArrayPool(long maxPooledBytes) {
        this.maxPooledBytes = maxPooledBytes;
        this.free = new ArrayDeque[CLASSES.length];
        for (int i = 0; i < free.length; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    private static int[] classes() {
        int[] out = new int[(MAX_SHIFT - MIN_SHIFT) * 2 + 1];
        int n = 0;
        for (int s = MIN_SHIFT; s < MAX_SHIFT; s++) {
            out[n++] = 1 << s;
            out[n++] = 3 << (s - 1);
        }
        out[n] = 1 << MAX_SHIFT;
        return out;
    }

    /** The size class a request of {@code bytes} is served from, or -1 if it is too large to pool. */
    static int classOf(int bytes) {
        if (bytes > MAX_POOLED) {
            return -1;
        }
        int i = Arrays.binarySearch(CLASSES, Math.max(bytes, 0));
        return i >= 0 ? i : -i - 1;
    }

    /** The length of the array {@link #take} returns for {@code bytes}. */
    public static int sizeFor(int bytes) {
        int c = classOf(bytes);
        return c < 0 ? bytes : CLASSES[c];
    }

    /** An array of at least {@code bytes}, all zero: a reused one of its class if there is one, else a new one. */
    public byte[] take(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative size " + bytes);
        }
        int c = classOf(bytes);
        if (c < 0) {
            return new byte[bytes];
        }
        synchronized (this) {
            byte[] a = free[c].pollLast();
            if (a != null) {
                pooledBytes -= a.length;
                reused++;
                return a;
            }
        }
        return new byte[CLASSES[c]];
    }

    /**
     * Hands {@code array} back: the caller must not touch it again. Arrays not of a class size (not from
     * {@link #take}) and arrays past the bound are left to the collector. Null is ignored.
     */
    public void give(byte[] array) {
        if (array == null) {
            return;
        }
        int c = classOf(array.length);
        if (c < 0 || CLASSES[c] != array.length) {
            return;
        }
        synchronized (this) {
            if (pooledBytes + array.length > maxPooledBytes) {
                return;
            }
        }
        Arrays.fill(array, (byte) 0); // outside the lock: zeroing 1 MiB takes ~0.1 ms
        synchronized (this) {
            if (pooledBytes + array.length <= maxPooledBytes) {
                pooledBytes += array.length;
                free[c].addLast(array);
            }
        }
    }

    /** Bytes held for reuse now. */
    public synchronized long pooledBytes() {
        return pooledBytes;
    }

    /** Arrays served from the pool so far. */
    public synchronized long reused() {
        return reused;
    }
}
