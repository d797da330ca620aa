package io.callrec.record;

import io.callrec.media.buffer.ByteArrayPool;
import java.nio.ByteBuffer;

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
    private final int maxHalf;
    private final ByteArrayPool pool;
    private ByteBuffer front;
    private ByteBuffer back;
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
        this.front = buffer(initial);
        this.back = buffer(initial);
    }

    /** A buffer of exactly {@code size} bytes over a pooled array (which may be longer). */
    private ByteBuffer buffer(int size) {
        return ByteBuffer.wrap(pool.take(size), 0, size).slice();
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
            if (front.remaining() < ENTRY_HEADER + length && !grow(ENTRY_HEADER + length)) {
                overflowPackets++;
                overflowBytes += length;
                return false;
            }
            front.putInt(length).putLong(arrivalMicros).put((byte) flags).putShort((short) stream);
            int p = packet.position();
            front.put(packet);
            packet.position(p);
        }
        return true;
    }

    /** Doubles the front buffer (rare: a burst bigger than anything before); false if it is at its largest. */
    private boolean grow(int needed) {
        int size = front.capacity();
        while (size - front.position() < needed && size < maxHalf) {
            size = Math.min(maxHalf, size * 2);
        }
        if (size - front.position() < needed) {
            return false;
        }
        ByteBuffer bigger = buffer(size);
        front.flip();
        bigger.put(front);
        pool.give(front.array());
        front = bigger;
        return true;
    }

    /**
     * Gives both buffers back to the pool once the recording has ended (its worker has taken everything); later
     * offers are refused without counting as overflow. Idempotent.
     */
    void release() {
        ByteBuffer a;
        ByteBuffer b;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            a = front;
            b = back;
        }
        pool.give(a.array());
        pool.give(b.array());
    }

    /** Bytes held by the two buffers now (for memory accounting). */
    synchronized int allocatedBytes() {
        return front.capacity() + back.capacity();
    }

    /**
     * Worker thread: takes everything offered so far. The returned buffer (flipped: position 0, limit = end of the
     * last entry) is the worker's until its next call.
     */
    ByteBuffer take() {
        ByteBuffer taken;
        synchronized (this) {
            if (released) {
                return EMPTY; // a control step queued behind the stop: nothing is left to take
            }
            taken = front;
            front = back;
            front.clear();
        }
        back = taken;
        taken.flip();
        return taken;
    }

    synchronized long overflowPackets() {
        return overflowPackets;
    }

    synchronized long overflowBytes() {
        return overflowBytes;
    }
}
