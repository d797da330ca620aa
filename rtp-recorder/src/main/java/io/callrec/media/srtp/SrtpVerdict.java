package io.callrec.media.srtp;

/**
 * What became of one packet given to a {@link CryptoContext}. Only {@link #OK} changed the packet; every other
 * verdict left the caller's buffer as it was (position, limit and bytes), so the caller drops or counts it.
 */
public enum SrtpVerdict {
    /** Protected or unprotected in place; the buffer's limit moved by the context's overhead. */
    OK,
    /** Not an RTP (or RTCP) packet, or too short to carry the tag and trailer. */
    MALFORMED,
    /** Another SSRC's packet: contexts are per SSRC, so the caller picked the wrong one. */
    WRONG_SSRC,
    /**
     * This index was already seen within the replay window. For a receiver, a replayed (or duplicated) packet; for
     * a sender, a packet it already protected: sending it again would reuse keystream, so it is refused.
     */
    REPLAYED,
    /** The index is older than the 64-packet replay window (or before the stream's first packet). */
    TOO_OLD,
    /** The authentication tag does not match: forged, corrupted, or keyed differently. */
    AUTH_FAILED,
    /** The master key has protected all the packets it may (2^48 SRTP, 2^31 SRTCP): the stream must be re-keyed. */
    KEY_EXHAUSTED
}
