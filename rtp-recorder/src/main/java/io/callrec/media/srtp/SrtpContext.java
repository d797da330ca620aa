package io.callrec.media.srtp;

import static io.callrec.media.srtp.SessionCipher.getInt;
import static io.callrec.media.srtp.SessionCipher.putInt;

/**
 * SRTP (RFC 3711; RFC 7714 for AES-GCM) for the RTP packets of one SSRC in one direction. See {@link CryptoContext}
 * for buffer ownership, verdicts and threading.
 *
 * <p>Each packet's 48-bit index is estimated from its sequence number and the highest index seen (RFC 3711 §3.3.1),
 * so the roll-over counter follows sequence wrap-around, also when packets around the wrap come out of order. The
 * replay window (64 packets) guards both directions: a receiver refuses a replayed or too old packet before any
 * cryptography, and records an index only once its tag verified; a sender refuses to protect an index twice, which
 * would reuse keystream (a duplicate from the other leg, for instance).
 *
 * <p>AES-CM: the payload (everything after the header, CSRCs and extension) is encrypted, then header and payload
 * followed by the ROC are authenticated with HMAC-SHA1, truncated to 80 or 32 bits (§4.2). AES-GCM: the header is
 * the associated data and the 16-byte tag follows the ciphertext (RFC 7714 §7.1, IV per §8.1). No MKI.
 */
public final class SrtpContext extends CryptoContext {
    private final SessionCipher cipher;
    private final byte[] roc = new byte[4];
    private final ReplayWindow window = new ReplayWindow();
    private final long initialRoc;
    /** Index of the packet being worked on, set by {@link #admit}. */
    private long index;

    SrtpContext(SrtpProfile profile, SessionKeys keys, int ssrc, boolean sender, long initialRoc) {
        super(profile, ssrc, sender);
        if (initialRoc < 0 || initialRoc > 0xffffffffL) {
            throw new IllegalArgumentException("ROC " + initialRoc + " is not a 32-bit unsigned value");
        }
        this.cipher = new SessionCipher(profile, keys, profile.rtpTagLength());
        this.initialRoc = initialRoc;
    }

    /**
     * A context that protects the RTP packets we send with SSRC {@code ssrc}, keyed by our master key. Make one per
     * SSRC for the life of the key and keep it: a second sender for the same SSRC and key would start again at the
     * same indexes and reuse keystream (for AES-GCM, it would also reveal the authentication key).
     */
    public static SrtpContext sender(SrtpKeyMaterial master, int ssrc) {
        return new SrtpContext(master.profile(), SrtpKeyDerivation.srtp(master), ssrc, true, 0);
    }

    /** A context that unprotects the RTP packets a peer sends with SSRC {@code ssrc}, keyed by the peer's master key. */
    public static SrtpContext receiver(SrtpKeyMaterial master, int ssrc) {
        return new SrtpContext(master.profile(), SrtpKeyDerivation.srtp(master), ssrc, false, 0);
    }

    @Override
    public int overhead() {
        return profile().rtpTagLength();
    }

    /** The roll-over counter of the highest index seen so far (the initial one before any packet). */
    public long rolloverCounter() {
        long highest = window.highest();
        return highest < 0 ? initialRoc : highest >>> 16;
    }

    @Override
    SrtpVerdict protect(byte[] a, int offset, int length) {
        int header = headerLength(a, offset, length);
        SrtpVerdict verdict = admit(a, offset, header);
        if (verdict != SrtpVerdict.OK) {
            return verdict;
        }
        if (cipher.isAead()) {
            cipher.gcmIv(ssrc(), index);
            cipher.gcm.seal(a, offset, header, null, 0, offset + header, length - header);
        } else {
            cipher.counterMode(ssrc(), index, a, offset + header, length - header);
            putInt(roc, 0, (int) (index >>> 16));
            cipher.hmac.write(a, offset, length, roc, roc.length);
        }
        window.accept(index);
        resultLength = length + overhead();
        return SrtpVerdict.OK;
    }

    @Override
    SrtpVerdict unprotect(byte[] a, int offset, int length) {
        int authenticated = length - overhead();
        int header = authenticated < 0 ? -1 : headerLength(a, offset, authenticated);
        SrtpVerdict verdict = admit(a, offset, header);
        if (verdict != SrtpVerdict.OK) {
            return verdict;
        }
        if (cipher.isAead()) {
            cipher.gcmIv(ssrc(), index);
            if (!cipher.gcm.open(a, offset, header, null, 0, offset + header, length - header)) {
                return SrtpVerdict.AUTH_FAILED;
            }
        } else {
            putInt(roc, 0, (int) (index >>> 16));
            if (!cipher.hmac.verify(a, offset, authenticated, roc, roc.length)) {
                return SrtpVerdict.AUTH_FAILED;
            }
            cipher.counterMode(ssrc(), index, a, offset + header, authenticated - header);
        }
        window.accept(index);
        resultLength = authenticated;
        return SrtpVerdict.OK;
    }

    /** Checks what needs no key (header, SSRC, index, replay) and sets {@link #index}. */
    private SrtpVerdict admit(byte[] a, int offset, int header) {
        if (header < 0) {
            return SrtpVerdict.MALFORMED;
        }
        if (getInt(a, offset + 8) != ssrc()) {
            return SrtpVerdict.WRONG_SSRC;
        }
        int seq = (a[offset + 2] & 0xff) << 8 | (a[offset + 3] & 0xff);
        long highest = window.highest();
        index = highest < 0 ? initialRoc << 16 | seq : PacketIndex.estimate(highest, seq);
        if (index > PacketIndex.MAX) {
            return SrtpVerdict.KEY_EXHAUSTED;
        }
        return window.check(index);
    }

    /**
     * Length of the RTP header with its CSRCs and extension (RFC 3550 §5.1), or -1 if {@code a[offset, offset +
     * length)} is not a version 2 RTP packet whose header fits. Padding is not checked: it is encrypted.
     */
    static int headerLength(byte[] a, int offset, int length) {
        if (length < 12) {
            return -1;
        }
        int b0 = a[offset] & 0xff;
        if (b0 >>> 6 != 2) {
            return -1;
        }
        int header = 12 + 4 * (b0 & 0x0f);
        if ((b0 & 0x10) != 0) {
            if (length < header + 4) {
                return -1;
            }
            header += 4 + 4 * ((a[offset + header + 2] & 0xff) << 8 | (a[offset + header + 3] & 0xff));
        }
        return header <= length ? header : -1;
    }
}
