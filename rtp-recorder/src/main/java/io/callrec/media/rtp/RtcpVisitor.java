package io.callrec.media.rtp;

import java.nio.ByteBuffer;

/**
 * Receives the parts of a compound RTCP packet from {@link RtcpPackets#walk}, in packet order. Every method has a
 * no-op default, so a visitor overrides only what it needs. Arguments are plain values; nothing is allocated.
 */
public interface RtcpVisitor {

    /**
     * A sender report (RFC 3550 §6.4.1). Its report blocks follow as {@link #reportBlock} calls.
     *
     * @param ntp64        NTP timestamp of the report (see {@link NtpTime})
     * @param rtpTimestamp the RTP timestamp of the same instant, unsigned 32-bit
     * @param packetCount  sender's packet count, unsigned 32-bit
     * @param octetCount   sender's payload octet count, unsigned 32-bit
     */
    default void senderReport(int ssrc, long ntp64, long rtpTimestamp, long packetCount, long octetCount) {
    }

    /** A receiver report (RFC 3550 §6.4.2). Its report blocks follow as {@link #reportBlock} calls. */
    default void receiverReport(int ssrc) {
    }

    /**
     * One report block of the preceding SR or RR.
     *
     * @param cumulativeLost signed 24-bit count, sign-extended
     * @param highestSeq     extended highest sequence number received, unsigned 32-bit
     * @param lastSr         middle 32 bits of the last SR's NTP time (LSR), unsigned
     * @param delaySinceLastSr DLSR in units of 1/65536 s, unsigned
     */
    default void reportBlock(int reporterSsrc, int sourceSsrc, int fractionLost, int cumulativeLost,
                             long highestSeq, long jitter, long lastSr, long delaySinceLastSr) {
    }

    /**
     * The CNAME item of an SDES chunk. The text is {@code packet[offset, offset + length)} (absolute indexes into the
     * buffer given to {@code walk}), UTF-8; valid only during the call.
     */
    default void sdesCname(int ssrc, ByteBuffer packet, int offset, int length) {
    }

    /** One SSRC leaving, from a BYE packet (called once per SSRC listed). */
    default void bye(int ssrc) {
    }

    /**
     * A transport-layer (RTPFB, 205) or payload-specific (PSFB, 206) feedback message (RFC 4585 §6.1). For a Full
     * Intra Request (RFC 5104, PSFB FMT 4), whose header media SSRC is unused, it is called once per FCI entry with
     * that entry's SSRC as {@code mediaSsrc}.
     */
    default void feedback(int packetType, int fmt, int senderSsrc, int mediaSsrc) {
    }

    /** Any other packet type (APP, XR, unknown): only its type and its length in bytes. */
    default void other(int packetType, int length) {
    }
}
