package io.callrec.media.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES in counter mode (RFC 3711 §4.1.1) over the JDK's AES block function ({@code AES/ECB/NoPadding}): XORs data with
 * the encryptions of successive 128-bit counter blocks.
 *
 * <p>Why not {@code AES/CTR/NoPadding}: the only way to give the JDK's CTR cipher a new counter is
 * {@code Cipher.init} with a new {@code IvParameterSpec}, which allocates (the spec, and the JDK's copies of IV and
 * key: about 110 bytes a packet), and an in-place {@code doFinal} copies the whole input first. Here the counter
 * blocks are written into a reused array and encrypted in one {@code update}, which allocates nothing; a test checks
 * that the output is the JDK's CTR output. Not thread-safe: one instance per context.
 */
final class AesKeystream {
    private static final int BLOCK = 16;
    /** Keystream produced per {@code update}: a 1200-byte video packet takes one pass. */
    private static final int CHUNK = 2048;

    private final Cipher aes;
    private final byte[] counter = new byte[BLOCK];
    private final byte[] counterBlocks = new byte[CHUNK];
    private final byte[] keystream = new byte[CHUNK];

    /** @param key a 16- or 32-byte AES key (the array is copied) */
    AesKeystream(byte[] key) {
        try {
            aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's AES is not usable", e);
        }
    }

    /**
     * XORs {@code data[offset, offset + length)} with the keystream that starts at counter block {@code iv}
     * (16 bytes, big-endian, incremented as one 128-bit number as NIST SP 800-38A does). Encrypts or decrypts.
     */
    void apply(byte[] iv, byte[] data, int offset, int length) {
        System.arraycopy(iv, 0, counter, 0, BLOCK);
        while (length > 0) {
            int n = Math.min(length, CHUNK);
            int blockBytes = (n + BLOCK - 1) & -BLOCK;
            for (int b = 0; b < blockBytes; b += BLOCK) {
                System.arraycopy(counter, 0, counterBlocks, b, BLOCK);
                increment(counter);
            }
            try {
                aes.update(counterBlocks, 0, blockBytes, keystream, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("keystream buffer of " + CHUNK + " bytes too small", e);
            }
            for (int i = 0; i < n; i++) {
                data[offset + i] ^= keystream[i];
            }
            offset += n;
            length -= n;
        }
    }

    private static void increment(byte[] block) {
        for (int i = BLOCK - 1; i >= 0; i--) {
            if (++block[i] != 0) {
                return;
            }
        }
    }
}
