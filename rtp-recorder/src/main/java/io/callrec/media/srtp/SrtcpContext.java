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
 * | tag |} with the tag over everything before it; AES-GCM {@code | ciphertext | tag (16) | E+index |} with the 8
 * bytes and the E+index word as associated data (when E is clear, the whole RTCP packet is associated data and only
 * the tag is computed).
 *
 * <p>The SRTCP tag of AES_CM_128_HMAC_SHA1_32 is 80 bits by RFC 5764 §4.1.2 and in libsrtp (so Asterisk,
 * FreeSWITCH, PJSIP, browsers), but ffmpeg and libre (baresip) send 32-bit SRTCP tags for the SDES suite, whose
 * RFC 4568 text only says "the authentication tag is 32 bits". So for that suite a receiver accepts both lengths
 * (trying first the one that verified last) and reports it in {@link #tagLength()}; a sender writes 80 bits unless
 * made with {@link #sender(SrtpKeyMaterial, int, int)} to answer such a peer in kind.
 */
public final class SrtcpContext extends CryptoContext {
    /** Largest SRTCP index: 31 bits. */
    static final long MAX_INDEX = 0x7fffffffL;
    private static final int CLEAR_PREFIX = 8;
    private static final int INDEX_WORD = SrtpProfile.SRTCP_INDEX_LENGTH;
    private static final int E_FLAG = 0x80000000;

    private final SessionCipher cipher;
    /** AES_CM_128_HMAC_SHA1_32 receivers only: the 32-bit tag some peers send. */
    private final HmacTag shortTag;
    private final byte[] indexWord = new byte[INDEX_WORD];
    private final ReplayWindow window = new ReplayWindow();
    private int tagLength;
    private long nextIndex;

    SrtcpContext(SrtpProfile profile, SessionKeys keys, int ssrc, boolean sender, long firstIndex, int tagLength) {
        super(profile, ssrc, sender);
        if (firstIndex < 0 || firstIndex > MAX_INDEX) {
            throw new IllegalArgumentException("SRTCP index " + firstIndex + " is not a 31-bit value");
        }
        boolean shortTags = profile.rtpTagLength() < profile.rtcpTagLength();
        if (tagLength != profile.rtcpTagLength() && !(shortTags && tagLength == profile.rtpTagLength())) {
            throw new IllegalArgumentException(profile + " has no " + tagLength + "-byte SRTCP tag");
        }
        this.cipher = new SessionCipher(profile, keys, tagLength);
        this.shortTag = !sender && shortTags ? new HmacTag(keys.authKey(), profile.rtpTagLength()) : null;
        this.tagLength = tagLength;
        this.nextIndex = firstIndex;
    }

    /**
     * A context that protects the RTCP we send with sender SSRC {@code ssrc}, keyed by our master key. One per SSRC
     * for the life of the key, as for {@link SrtpContext#sender}: a second one would reuse SRTCP indexes.
     */
    public static SrtcpContext sender(SrtpKeyMaterial master, int ssrc) {
        return sender(master, ssrc, master.profile().rtcpTagLength());
    }

    /**
     * A sender writing SRTCP tags of {@code tagLength} bytes: the profile's, or for AES_CM_128_HMAC_SHA1_32 also 4,
     * for a peer that sends (and so expects) 32-bit SRTCP tags (see the class comment).
     *
     * @throws IllegalArgumentException for any other length
     */
    public static SrtcpContext sender(SrtpKeyMaterial master, int ssrc, int tagLength) {
        return new SrtcpContext(master.profile(), SrtpKeyDerivation.srtcp(master), ssrc, true, 0, tagLength);
    }

    /** A context that unprotects the RTCP a peer sends with sender SSRC {@code ssrc}, keyed by the peer's master key. */
    public static SrtcpContext receiver(SrtpKeyMaterial master, int ssrc) {
        SrtpProfile profile = master.profile();
        return new SrtcpContext(profile, SrtpKeyDerivation.srtcp(master), ssrc, false, 0, profile.rtcpTagLength());
    }

    @Override
    public int overhead() {
        return INDEX_WORD + tagLength;
    }

    /** The tag length a sender writes, or the one of the last authentic packet a receiver took. */
    public int tagLength() {
        return tagLength;
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
            cipher.gcm.seal(a, offset, CLEAR_PREFIX, indexWord, INDEX_WORD, offset + CLEAR_PREFIX,
                    length - CLEAR_PREFIX);
            putInt(a, offset + length + GcmCipher.TAG_LENGTH, word);
        } else {
            cipher.counterMode(ssrc(), index, a, offset + CLEAR_PREFIX, length - CLEAR_PREFIX);
            putInt(a, offset + length, word);
            cipher.hmac.write(a, offset, length + INDEX_WORD, null, 0);
        }
        nextIndex++;
        resultLength = length + overhead();
        return SrtpVerdict.OK;
    }

    @Override
    SrtpVerdict unprotect(byte[] a, int offset, int length) {
        return cipher.isAead() ? unprotectAead(a, offset, length) : unprotectCounterMode(a, offset, length);
    }

    private SrtpVerdict unprotectAead(byte[] a, int offset, int length) {
        SrtpVerdict verdict = checkHeader(a, offset, length, CLEAR_PREFIX + overhead());
        if (verdict != SrtpVerdict.OK) {
            return verdict;
        }
        int plain = length - overhead();
        int word = getInt(a, offset + length - INDEX_WORD);
        long index = word & MAX_INDEX;
        verdict = window.check(index);
        if (verdict != SrtpVerdict.OK) {
            return verdict;
        }
        System.arraycopy(a, offset + length - INDEX_WORD, indexWord, 0, INDEX_WORD);
        cipher.gcmIv(ssrc(), index);
        boolean authentic = (word & E_FLAG) != 0
                ? cipher.gcm.open(a, offset, CLEAR_PREFIX, indexWord, INDEX_WORD, offset + CLEAR_PREFIX,
                        plain - CLEAR_PREFIX + GcmCipher.TAG_LENGTH)
                : cipher.gcm.open(a, offset, plain, indexWord, INDEX_WORD, offset + plain, GcmCipher.TAG_LENGTH);
        if (!authentic) {
            return SrtpVerdict.AUTH_FAILED;
        }
        return accept(index, plain);
    }

    /**
     * The tag is checked before the replay window here: where it ends, and so where the index word is, depends on
     * its length when both lengths are possible.
     */
    private SrtpVerdict unprotectCounterMode(byte[] a, int offset, int length) {
        int shortest = shortTag != null ? shortTag.length() : cipher.hmac.length();
        SrtpVerdict verdict = checkHeader(a, offset, length, CLEAR_PREFIX + INDEX_WORD + shortest);
        if (verdict != SrtpVerdict.OK) {
            return verdict;
        }
        int tag = tagLength;
        if (!authentic(a, offset, length, tag)) {
            tag = shortTag == null ? 0 : tag == shortTag.length() ? cipher.hmac.length() : shortTag.length();
            if (tag == 0 || !authentic(a, offset, length, tag)) {
                return SrtpVerdict.AUTH_FAILED;
            }
        }
        int plain = length - tag - INDEX_WORD;
        int word = getInt(a, offset + plain);
        long index = word & MAX_INDEX;
        verdict = window.check(index);
        if (verdict != SrtpVerdict.OK) {
            return verdict;
        }
        if ((word & E_FLAG) != 0) {
            cipher.counterMode(ssrc(), index, a, offset + CLEAR_PREFIX, plain - CLEAR_PREFIX);
        }
        tagLength = tag;
        return accept(index, plain);
    }

    private boolean authentic(byte[] a, int offset, int length, int tag) {
        if (length < CLEAR_PREFIX + INDEX_WORD + tag) {
            return false;
        }
        HmacTag hmac = tag == cipher.hmac.length() ? cipher.hmac : shortTag;
        return hmac.verify(a, offset, length - tag, null, 0);
    }

    private SrtpVerdict accept(long index, int plain) {
        window.accept(index);
        resultLength = plain;
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
