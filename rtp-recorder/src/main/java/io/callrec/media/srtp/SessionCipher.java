package io.callrec.media.srtp;

/**
 * The transforms of one context, keyed with its session keys: AES-CM and HMAC-SHA1, or AES-GCM, with the IVs of
 * RFC 3711 §4.1.1 and RFC 7714 §8.1/§9.1 built in reused arrays. SRTP and SRTCP differ only in where they put
 * things, which their contexts decide.
 */
final class SessionCipher {
    private final byte[] salt;
    private final byte[] counterIv = new byte[16];
    /** AES-CM profiles only. */
    private final AesKeystream keystream;
    /** AES-CM profiles only. */
    final HmacTag hmac;
    /** AEAD profiles only. */
    final GcmCipher gcm;

    SessionCipher(SrtpProfile profile, SessionKeys keys, int tagLength) {
        this.salt = keys.salt();
        if (profile.isAead()) {
            this.gcm = new GcmCipher(keys.encryptionKey());
            this.keystream = null;
            this.hmac = null;
        } else {
            this.gcm = null;
            this.keystream = new AesKeystream(keys.encryptionKey());
            this.hmac = new HmacTag(keys.authKey(), tagLength);
        }
    }

    boolean isAead() {
        return gcm != null;
    }

    /**
     * AES-CM en- or decryption of {@code a[offset, offset + length)} for packet {@code index} of {@code ssrc}; the
     * IV is (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), index below 2^48.
     */
    void counterMode(int ssrc, long index, byte[] a, int offset, int length) {
        System.arraycopy(salt, 0, counterIv, 0, 14);
        counterIv[14] = 0;
        counterIv[15] = 0;
        xorInt(counterIv, 4, ssrc);
        xorIndex48(counterIv, 8, index);
        keystream.apply(counterIv, a, offset, length);
    }

    /**
     * Sets the AES-GCM IV for packet {@code index} of {@code ssrc}: salt XOR (0x0000 || SSRC || 48-bit index), the
     * index being ROC || SEQ for SRTP and 0x0000 || SRTCP index for SRTCP.
     */
    void gcmIv(int ssrc, long index) {
        byte[] iv = gcm.iv;
        System.arraycopy(salt, 0, iv, 0, GcmCipher.IV_LENGTH);
        xorInt(iv, 2, ssrc);
        xorIndex48(iv, 6, index);
    }

    static void putInt(byte[] a, int at, int value) {
        a[at] = (byte) (value >>> 24);
        a[at + 1] = (byte) (value >>> 16);
        a[at + 2] = (byte) (value >>> 8);
        a[at + 3] = (byte) value;
    }

    static int getInt(byte[] a, int at) {
        return (a[at] & 0xff) << 24 | (a[at + 1] & 0xff) << 16 | (a[at + 2] & 0xff) << 8 | (a[at + 3] & 0xff);
    }

    private static void xorInt(byte[] a, int at, int value) {
        a[at] ^= (byte) (value >>> 24);
        a[at + 1] ^= (byte) (value >>> 16);
        a[at + 2] ^= (byte) (value >>> 8);
        a[at + 3] ^= (byte) value;
    }

    private static void xorIndex48(byte[] a, int at, long index) {
        for (int i = 0; i < 6; i++) {
            a[at + i] ^= (byte) (index >>> (40 - 8 * i));
        }
    }
}
