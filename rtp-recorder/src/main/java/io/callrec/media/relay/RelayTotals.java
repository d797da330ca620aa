package io.callrec.media.relay;

/**
 * Counters of an {@link RtpRelay} over all sessions since it started.
 *
 * @param packets              packets sent on to the other party
 * @param bytes                bytes of those packets
 * @param droppedStranger      packets from a source that is not the latched/declared one
 * @param droppedMalformed     packets that are neither valid RTP nor valid RTCP
 * @param droppedOversized     datagrams above the largest size relayed ({@value PacketForwarder#MAX_PACKET_BYTES} bytes)
 * @param droppedNoDestination packets whose receiving party has no address (not yet known, on hold or rejected)
 * @param sendFailed           packets the kernel did not take (socket buffer full or send error)
 * @param tapErrors            exceptions thrown by a {@link RecordingTap}
 * @param errors               other unexpected exceptions while handling a packet
 * @param srtp                 what SRTP did on the legs that use it
 * @param dtls                 DTLS-SRTP handshakes, and DTLS datagrams dropped
 */
public record RelayTotals(long packets, long bytes, long droppedStranger, long droppedMalformed,
                          long droppedOversized, long droppedNoDestination, long sendFailed, long tapErrors,
                          long errors, SrtpTotals srtp, DtlsTotals dtls) {

    /** Packets received but not forwarded, all reasons together. */
    public long dropped() {
        return droppedStranger + droppedMalformed + droppedOversized + droppedNoDestination + sendFailed + srtp.dropped()
                + dtls.stray() + dtls.dropped();
    }
}
