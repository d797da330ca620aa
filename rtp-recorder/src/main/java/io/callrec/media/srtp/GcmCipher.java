package io.callrec.media.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM with a 16-byte tag (RFC 7714 §5) in place in a packet, over the JDK's {@code AES/GCM/NoPadding}: one
 * {@link Cipher} per context, re-initialised per packet with the packet's 12-byte IV. Not thread-safe.
 *
 * <p>The JDK allocates per packet here and no reuse avoids it: {@code GCMParameterSpec} is immutable, {@code init}
 * builds new GCM engine state, and the JDK's GCM buffers a packet's bytes internally (about the packet's size).
 * A forged packet costs an {@link AEADBadTagException}.
 */
final class GcmCipher {
    static final int TAG_LENGTH = 16;
    static final int IV_LENGTH = 12;

    private final Cipher cipher;
    private final SecretKey key;
    /** The caller writes each packet's IV here before {@link #seal} or {@link #open}. */
    final byte[] iv = new byte[IV_LENGTH];

    GcmCipher(byte[] sessionKey) {
        key = new SecretKeySpec(sessionKey, "AES");
        try {
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's AES/GCM is not usable", e);
        }
    }

    /**
     * Encrypts {@code data[offset, offset + count)} in place and writes the tag after it. The associated data is
     * {@code data[aadOffset, aadOffset + aadLength)} followed by {@code extraAad[0, extraAadLength)}.
     */
    void seal(byte[] data, int aadOffset, int aadLength, byte[] extraAad, int extraAadLength, int offset, int count) {
        try {
            start(Cipher.ENCRYPT_MODE, data, aadOffset, aadLength, extraAad, extraAadLength);
            cipher.doFinal(data, offset, count, data, offset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Checks the tag that ends {@code data[offset, offset + countWithTag)} and, if it matches, decrypts the bytes
     * before it in place. False (nothing decrypted) if it does not match.
     */
    boolean open(byte[] data, int aadOffset, int aadLength, byte[] extraAad, int extraAadLength, int offset,
                 int countWithTag) {
        try {
            start(Cipher.DECRYPT_MODE, data, aadOffset, aadLength, extraAad, extraAadLength);
            cipher.doFinal(data, offset, countWithTag, data, offset);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    private void start(int mode, byte[] data, int aadOffset, int aadLength, byte[] extraAad, int extraAadLength)
            throws GeneralSecurityException {
        cipher.init(mode, key, new GCMParameterSpec(TAG_LENGTH * 8, iv));
        cipher.updateAAD(data, aadOffset, aadLength);
        if (extraAadLength > 0) {
            cipher.updateAAD(extraAad, 0, extraAadLength);
        }
    }
}
