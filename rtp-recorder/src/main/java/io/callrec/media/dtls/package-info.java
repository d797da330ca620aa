/**
 * DTLS-SRTP (RFC 5763, RFC 5764): callrec's certificate and its fingerprint, the {@code a=fingerprint} values of the
 * parties, and the handshake (BouncyCastle's bctls) that yields a leg's SRTP master keys. The relay
 * ({@code io.callrec.media.relay}) feeds a handshake the datagrams of its leg; the SDP side
 * ({@code io.callrec.media}) decides the roles and remembers the fingerprints.
 */
package io.callrec.media.dtls;
