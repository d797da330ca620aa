package io.callrec.record;

import java.nio.ByteBuffer;

/**
 * The hand-over from relay threads (many producers) to one recorder worker: two fixed buffers, producers append to
 * the front one under a short lock, the worker swaps them and reads the back one without holding the lock. Nothing is
 * allocated per packet; when the front buffer is full the packet is dropped and counted (the relay never waits).
 *
 * <p>Entry layout: {@code int length, long arrivalMicros, byte flags, short stream, byte[length] packet}.
 */
final class PacketRing {
    static final int ENTRY_HEADER = 4 + 8 + 1 + 2;
    static final int FLAG_SIDE_B = 1;
    static final int FLAG_RTCP = 2;

    private ByteBuffer front;
    private ByteBuffer back;
    private long overflowPackets; // guarded by this
    private long overflowBytes;   // guarded by this

    PacketRing(int capacityBytes) {
        int half = Math.max(ENTRY_HEADER + 2048, capacityBytes / 2);
        this.front = ByteBuffer.allocate(half);
        this.back = ByteBuffer.allocate(half);
    }

    /**
     * Copies a packet in (relay thread). {@code packet.position()..limit()} is read; position/limit are left as found.
     *
     * @return false if there was no room: the packet is lost for the recording (counted)
     */
    boolean offer(ByteBuffer packet, long arrivalMicros, int flags, int stream) {
        int length = packet.remaining();
        synchronized (this) {
            if (front.remaining() < ENTRY_HEADER + length) {
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

    /**
     * Worker thread: takes everything offered so far. The returned buffer (flipped: position 0, limit = end of the
     * last entry) is the worker's until its next call.
     */
    ByteBuffer take() {
        ByteBuffer taken;
        synchronized (this) {
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
