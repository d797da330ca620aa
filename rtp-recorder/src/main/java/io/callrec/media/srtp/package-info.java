/**
 * SRTP and SRTCP (RFC 3711, RFC 7714 for AES-GCM) and their SDES keying (RFC 4568): the crypto core with which the
 * relay will terminate and re-originate encryption on each leg of a call.
 *
 * <p>{@link io.callrec.media.srtp.SrtpContext} and {@link io.callrec.media.srtp.SrtcpContext} protect or unprotect one
 * SSRC's packets in place in the caller's buffer; {@link io.callrec.media.srtp.SdesCrypto} parses and formats
 * {@code a=crypto} and picks an answer from an offer. All cryptography is the JDK's own (JCA): AES (as the block
 * function of counter mode and of the key derivation), HmacSHA1 and AES/GCM.
 */
package io.callrec.media.srtp;
