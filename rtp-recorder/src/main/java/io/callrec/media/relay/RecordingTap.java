package io.callrec.media.relay;

import java.nio.ByteBuffer;

/** The recorder's hook on the relay's fast path; the relay knows nothing about files. */
public interface RecordingTap {
    /**
     * Called on a relay thread for each packet after it was forwarded (also when it could not be forwarded because the
     * other side has no destination yet). Must never block and must not keep {@code packet} after returning (copy what
     * it needs): the buffer is reused. {@code packet.position()..limit()} is the datagram; the buffer is read-only and
     * the callee must not change its position/limit. An exception thrown here is counted and logged; forwarding goes on.
     *
     * @param stream       the stream the packet belongs to
     * @param from         the party that sent it
     * @param rtcp         true for RTCP (also RTCP multiplexed on the RTP port)
     * @param packet       the datagram, unchanged, read-only; not owned by the callee
     * @param receivedNanos {@link System#nanoTime()}-based receive time
     */
    void onPacket(RelayStream stream, Side from, boolean rtcp, ByteBuffer packet, long receivedNanos);
}
