package io.callrec.media.srtp;

/**
 * The SRTP key derivation function (RFC 3711 §4.3) with a key derivation rate of 0: session keys are derived once per
 * master key, never again. The PRF is AES in counter mode keyed with the master key (AES-128, or AES-256 for a
 * 32-byte master key as RFC 6188 §7 defines it); the AEAD profiles use the same KDF with their 96-bit master salt
 * multiplied by 2^16, i.e. followed by two zero bytes (RFC 7714 §11 and its erratum 4938).
 */
public final class SrtpKeyDerivation {
    static final int LABEL_RTP_ENCRYPTION = 0x00;
    static final int LABEL_RTP_AUTH = 0x01;
    static final int LABEL_RTP_SALT = 0x02;
    static final int LABEL_RTCP_ENCRYPTION = 0x03;
    static final int LABEL_RTCP_AUTH = 0x04;
    static final int LABEL_RTCP_SALT = 0x05;

    /** The PRF input x is 112 bits: the salt, with the label XORed in its eighth byte (key_id = label || 48 zero bits). */
    private static final int X_LENGTH = 14;
    private static final int LABEL_BYTE = 7;

    private SrtpKeyDerivation() {
    }

    /** The session keys for SRTP (labels 0, 1, 2). */
    public static SessionKeys srtp(SrtpKeyMaterial master) {
        return derive(master, LABEL_RTP_ENCRYPTION, LABEL_RTP_AUTH, LABEL_RTP_SALT);
    }

    /** The session keys for SRTCP (labels 3, 4, 5). */
    public static SessionKeys srtcp(SrtpKeyMaterial master) {
        return derive(master, LABEL_RTCP_ENCRYPTION, LABEL_RTCP_AUTH, LABEL_RTCP_SALT);
    }

    private static SessionKeys derive(SrtpKeyMaterial master, int encryptionLabel, int authLabel, int saltLabel) {
        SrtpProfile p = master.profile();
        AesKeystream prf = new AesKeystream(master.masterKey());
        byte[] salt = master.masterSalt();
        return new SessionKeys(prf(prf, salt, encryptionLabel, p.keyLength()),
                prf(prf, salt, authLabel, p.authKeyLength()),
                prf(prf, salt, saltLabel, p.saltLength()));
    }

    /** {@code length} bytes of PRF output for {@code label} (RFC 3711 §4.3.1 and §4.3.3). */
    static byte[] prf(byte[] masterKey, byte[] masterSalt, int label, int length) {
        return prf(new AesKeystream(masterKey), masterSalt, label, length);
    }

    private static byte[] prf(AesKeystream aes, byte[] masterSalt, int label, int length) {
        if (masterSalt.length > X_LENGTH) {
            throw new IllegalArgumentException("master salt of " + masterSalt.length + " bytes, at most " + X_LENGTH);
        }
        // IV = x * 2^16: the 14 bytes of x, then a 16-bit block counter starting at zero.
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, masterSalt.length);
        iv[LABEL_BYTE] ^= (byte) label;
        byte[] out = new byte[length];
        aes.apply(iv, out, 0, length);
        return out;
    }
}
