package io.callrec.record;

import io.callrec.media.buffer.ByteArrayPool;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The hand-over from relay threads (many producers) to one recorder worker: two buffers, producers append to the
 * front one under a short lock, the worker swaps them and reads the back one without holding the lock. Buffers start
 * small and double when a burst needs it, up to half the configured capacity each, so an audio recording holds a few
 * KiB rather than the room a video burst needs (hundreds of recordings share one heap). Nothing is allocated per
 * packet in steady state; when the front buffer is full at its largest the packet is dropped and counted (the relay
 * never waits). The buffers come from {@link ByteArrayPool#RECORDINGS} and go back there when the recording ends
 * ({@link #release}).
 *
 * <p>Entry layout: {@code int length, long arrivalMicros, byte flags, short stream, byte[length] packet}.
 */
final class PacketRing {
    static final int ENTRY_HEADER = 4 + 8 + 1 + 2;
    static final int FLAG_SIDE_B = 1;
    static final int FLAG_RTCP = 2;

    static final int INITIAL_BYTES = 8 * 1024;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    private final int maxHalf;
    private final ByteArrayPool pool;
    /*
     * Plain arrays and a fill index rather than ByteBuffers: at hundreds of recordings each offer lands on memory
     * that is cold in the cache, and every object it touches is one more miss (the relay thread paid ~430 ns an
     * offer with a ByteBuffer per half, ~300 ns without, 400 recordings' rings fed in 20 ms bursts).
     */
    private byte[] front; // guarded by this
    private int frontFill; // guarded by this
    private byte[] back;
    private boolean released; // guarded by this
    private long overflowPackets; // guarded by this
    private long overflowBytes;   // guarded by this

    PacketRing(int capacityBytes) {
        this(capacityBytes, ByteArrayPool.RECORDINGS);
    }

    PacketRing(int capacityBytes, ByteArrayPool pool) {
        this.maxHalf = Math.max(ENTRY_HEADER + 2048, capacityBytes / 2);
        this.pool = pool;
        int initial = Math.min(INITIAL_BYTES, maxHalf);
        this.front = pool.take(initial);
        this.back = pool.take(initial);
    }

    /** What a half may hold: its array, or less when the pool's size class is larger than the bound. */
    private int room(byte[] half) {
        return Math.min(half.length, maxHalf);
    }

    /**
     * Copies a packet in (relay thread). {@code packet.position()..limit()} is read; position/limit are left as found.
     *
     * @return false if there was no room: the packet is lost for the recording (counted)
     */
    boolean offer(ByteBuffer packet, long arrivalMicros, int flags, int stream) {
        int length = packet.remaining();
        synchronized (this) {
            if (released) {
                return false; // a relay thread that saw the recording just before it was detached
            }
            int at = frontFill;
            if (room(front) - at < ENTRY_HEADER + length && !grow(ENTRY_HEADER + length)) {
                overflowPackets++;
                overflowBytes += length;
                return false;
            }
            byte[] f = front;
            INT.set(f, at, length);
            LONG.set(f, at + 4, arrivalMicros);
            f[at + 12] = (byte) flags;
            SHORT.set(f, at + 13, (short) stream);
            packet.get(packet.position(), f, at + ENTRY_HEADER, length);
            frontFill = at + ENTRY_HEADER + length;
        }
        return true;
    }

    /** Doubles the front half (rare: a burst bigger than anything before); false if it is at its largest. */
    private boolean grow(int needed) {
        int size = room(front);
        while (size - frontFill < needed && size < maxHalf) {
            size = Math.min(maxHalf, size * 2);
        }
        if (size - frontFill < needed) {
            return false;
        }
        byte[] bigger = pool.take(size);
        System.arraycopy(front, 0, bigger, 0, frontFill);
        pool.give(front);
        front = bigger;
        return true;
    }

    /**
     * Gives both halves back to the pool once the recording has ended (its worker has taken everything); later
     * offers are refused without counting as overflow. Idempotent.
     */
    void release() {
        byte[] a;
        byte[] b;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            a = front;
            b = back;
        }
        pool.give(a);
        pool.give(b);
    }

    /** Bytes held by the two halves now (for memory accounting). */
    synchronized int allocatedBytes() {
        return front.length + back.length;
    }

    /**
     * Worker thread: takes everything offered so far. The returned buffer (position 0, limit = end of the last entry)
     * is the worker's until its next call; its backing array stays the same while the half does not grow.
     */
    ByteBuffer take() {
        byte[] taken;
        int fill;
        synchronized (this) {
            if (released) {
                return EMPTY; // a control step queued behind the stop: nothing is left to take
            }
            taken = front;
            fill = frontFill;
            front = back;
            frontFill = 0;
        }
        back = taken;
        return ByteBuffer.wrap(taken, 0, fill);
    }

    synchronized long overflowPackets() {
        return overflowPackets;
    }

    synchronized long overflowBytes() {
        return overflowBytes;
    }
}
