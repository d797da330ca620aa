package io.callrec.media.relay;

/**
 * DTLS-SRTP counters of an {@link RtpRelay} over all sessions since it started. A failed handshake leaves its leg
 * without keys: nothing passes from or to that party (counted as {@code srtp.awaitingKeys}).
 *
 * @param handshakes          handshakes that gave a leg its keys
 * @param failed              handshakes that gave none, all reasons (the two below included)
 * @param fingerprintMismatch of those, a party whose certificate was not the one its {@code a=fingerprint} named
 * @param timedOut            of those, not done within the bound (15 s)
 * @param stray               DTLS datagrams on a leg that does not use DTLS-SRTP (plain or SDES), or on an RTCP port:
 *                            dropped, never answered
 * @param dropped             DTLS datagrams for a leg's handshake that could not take them (its queue full, or the
 *                            handshake over and no longer reading)
 */
public record DtlsTotals(long handshakes, long failed, long fingerprintMismatch, long timedOut, long stray,
                         long dropped) {
}
