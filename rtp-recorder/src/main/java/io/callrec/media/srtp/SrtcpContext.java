package io.callrec.media.srtp;

import static io.callrec.media.srtp.SessionCipher.getInt;
import static io.callrec.media.srtp.SessionCipher.putInt;

/**
 * SRTCP (RFC 3711 §3.4; RFC 7714 §9 for AES-GCM) for the RTCP compound packets of one SSRC (the sender SSRC of the
 * first packet in the compound) in one direction. See {@link CryptoContext} for buffer ownership, verdicts and
 * threading.
 *
 * <p>A sender numbers its packets with a 31-bit SRTCP index from 0 and always encrypts (E flag set); after index
 * 2^31 - 1 the master key is exhausted and {@link SrtpVerdict#KEY_EXHAUSTED} is returned, since the index must never
 * wrap under one key. A receiver takes the index from the packet, keeps its own 64-packet replay window, and also
 * accepts authenticated packets sent unencrypted (E flag clear).
 *
 * <p>Layouts, after the first 8 bytes (header and SSRC), which stay clear: AES-CM {@code | encrypted rest | E+index
 * | tag (80 bits, also for AES_CM_128_HMAC_SHA1_32) |} with the tag over everything before it; AES-GCM {@code |
 * ciphertext | tag (16) | E+index |} with the 8 bytes and the E+index word as associated data (when E is clear, the
 * whole RTCP packet is associated data and only the tag is computed).
 */
public final class SrtcpContext extends CryptoContext {
    /** Largest SRTCP index: 31 bits. */
    static final long MAX_INDEX = 0x7fffffffL;
    private static final int CLEAR_PREFIX = 8;
    private static final int E_FLAG = 0x80000000;

    private final SessionCipher cipher;
    private final byte[] indexWord = new byte[SrtpProfile.SRTCP_INDEX_LENGTH];
    private final ReplayWindow window = new ReplayWindow();
    private long nextIndex;

    SrtcpContext(SrtpProfile profile, SessionKeys keys, int ssrc, boolean sender, long firstIndex) {
        super(profile, ssrc, sender);
        if (firstIndex < 0 || firstIndex > MAX_INDEX) {
            throw new IllegalArgumentException("SRTCP index " + firstIndex + " is not a 31-bit value");
        }
        this.cipher = new SessionCipher(profile, keys, profile.rtcpTagLength());
        this.nextIndex = firstIndex;
    }

    /** A context that protects the RTCP we send with sender SSRC {@code ssrc}, keyed by our master key. */
    public static SrtcpContext sender(SrtpKeyMaterial master, int ssrc) {
        return new SrtcpContext(master.profile(), SrtpKeyDerivation.srtcp(master), ssrc, true, 0);
    }

    /** A context that unprotects the RTCP a peer sends with sender SSRC {@code ssrc}, keyed by the peer's master key. */
    public static SrtcpContext receiver(SrtpKeyMaterial master, int ssrc) {
        return new SrtcpContext(master.profile(), SrtpKeyDerivation.srtcp(master), ssrc, false, 0);
    }

    @Override
    public int overhead() {
        return profile().rtcpOverhead();
    }

    @Override
    SrtpVerdict protect(byte[] a, int offset, int length) {
        SrtpVerdict verdict = checkHeader(a, offset, length, CLEAR_PREFIX);
        if (verdict != SrtpVerdict.OK) {
            return verdict;
        }
        if (nextIndex > MAX_INDEX) {
            return SrtpVerdict.KEY_EXHAUSTED;
        }
        long index = nextIndex;
        int word = E_FLAG | (int) index;
        putInt(indexWord, 0, word);
        if (cipher.isAead()) {
            cipher.gcmIv(ssrc(), index);
            cipher.gcm.seal(a, offset, CLEAR_PREFIX, indexWord, indexWord.length, offset + CLEAR_PREFIX,
                    length - CLEAR_PREFIX);
            putInt(a, offset + length + GcmCipher.TAG_LENGTH, word);
        } else {
            cipher.counterMode(ssrc(), index, a, offset + CLEAR_PREFIX, length - CLEAR_PREFIX);
            putInt(a, offset + length, word);
            cipher.hmac.write(a, offset, length + indexWord.length, null, 0);
        }
        nextIndex++;
        return SrtpVerdict.OK;
    }

    @Override
    SrtpVerdict unprotect(byte[] a, int offset, int length) {
        SrtpVerdict verdict = checkHeader(a, offset, length, CLEAR_PREFIX + overhead());
        if (verdict != SrtpVerdict.OK) {
            return verdict;
        }
        int tag = profile().rtcpTagLength();
        int plain = length - overhead();
        int wordAt = cipher.isAead() ? offset + length - indexWord.length : offset + plain;
        int word = getInt(a, wordAt);
        boolean encrypted = (word & E_FLAG) != 0;
        long index = word & MAX_INDEX;
        verdict = window.check(index);
        if (verdict != SrtpVerdict.OK) {
            return verdict;
        }
        if (cipher.isAead()) {
            System.arraycopy(a, wordAt, indexWord, 0, indexWord.length);
            cipher.gcmIv(ssrc(), index);
            boolean authentic = encrypted
                    ? cipher.gcm.open(a, offset, CLEAR_PREFIX, indexWord, indexWord.length, offset + CLEAR_PREFIX,
                            plain - CLEAR_PREFIX + tag)
                    : cipher.gcm.open(a, offset, plain, indexWord, indexWord.length, offset + plain, tag);
            if (!authentic) {
                return SrtpVerdict.AUTH_FAILED;
            }
        } else {
            if (!cipher.hmac.verify(a, offset, plain + indexWord.length, null, 0)) {
                return SrtpVerdict.AUTH_FAILED;
            }
            if (encrypted) {
                cipher.counterMode(ssrc(), index, a, offset + CLEAR_PREFIX, plain - CLEAR_PREFIX);
            }
        }
        window.accept(index);
        return SrtpVerdict.OK;
    }

    /** Version 2, at least {@code minimum} bytes, and our SSRC in bytes 4..7. */
    private SrtpVerdict checkHeader(byte[] a, int offset, int length, int minimum) {
        if (length < minimum || (a[offset] & 0xc0) != 0x80) {
            return SrtpVerdict.MALFORMED;
        }
        return getInt(a, offset + 4) == ssrc() ? SrtpVerdict.OK : SrtpVerdict.WRONG_SSRC;
    }
}
