package io.callrec.media.relay;

/**
 * SRTP counters of an {@link RtpRelay} over all sessions since it started: what the relay decrypted from parties
 * that send SRTP and encrypted for parties that receive it, and the packets it dropped instead. Drops are counted,
 * never logged per packet: a peer with a wrong key would otherwise flood the log.
 *
 * @param decrypted    RTP and RTCP packets that authenticated and were decrypted
 * @param encrypted    packets protected for a party that receives SRTP
 * @param authFailed   packets whose authentication tag did not verify: forged, corrupted or keyed differently
 * @param replayed     packets whose index had already been received (replays and duplicates)
 * @param tooOld       packets older than the 64-packet replay window
 * @param malformed    packets too short for their tag, or not RTP/RTCP enough to be processed
 * @param keyExhausted packets past the last index a master key may protect (2^48 SRTP, 2^31 SRTCP)
 * @param tooManySsrcs packets of one SSRC more than a leg may have contexts for (8 per direction)
 * @param sendRefused  packets not protected because their index had already been sent (a duplicate from the other
 *                     leg, or one more than 64 packets late): protecting it again would reuse keystream
 * @param awaitingKeys packets from or to a party whose SRTP keys were still being negotiated (media that races ahead
 *                     of the SDP answer): never sent in the clear to a party that expects SRTP
 */
public record SrtpTotals(long decrypted, long encrypted, long authFailed, long replayed, long tooOld, long malformed,
                         long keyExhausted, long tooManySsrcs, long sendRefused, long awaitingKeys) {

    /** Packets SRTP dropped, all reasons together. */
    public long dropped() {
        return authFailed + replayed + tooOld + malformed + keyExhausted + tooManySsrcs + sendRefused + awaitingKeys;
    }
}
