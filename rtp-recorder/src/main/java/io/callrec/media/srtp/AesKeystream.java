package io.callrec.media.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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

    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle NATIVE_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final Cipher aes;
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
        // The counter as two longs: writing blocks and XORing 8 bytes at a time keeps a 1200-byte packet at about
        // the cost of the AES itself, where byte loops cost several times that.
        long high = (long) BIG_ENDIAN_LONG.get(iv, 0);
        long low = (long) BIG_ENDIAN_LONG.get(iv, 8);
        while (length > 0) {
            int n = Math.min(length, CHUNK);
            int blockBytes = (n + BLOCK - 1) & -BLOCK;
            for (int b = 0; b < blockBytes; b += BLOCK) {
                BIG_ENDIAN_LONG.set(counterBlocks, b, high);
                BIG_ENDIAN_LONG.set(counterBlocks, b + 8, low);
                if (++low == 0) {
                    high++;
                }
            }
            try {
                aes.update(counterBlocks, 0, blockBytes, keystream, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("keystream buffer of " + CHUNK + " bytes too small", e);
            }
            int i = 0;
            for (; i + 8 <= n; i += 8) {
                NATIVE_LONG.set(data, offset + i,
                        (long) NATIVE_LONG.get(data, offset + i) ^ (long) NATIVE_LONG.get(keystream, i));
            }
            for (; i < n; i++) {
                data[offset + i] ^= keystream[i];
            }
            offset += n;
            length -= n;
        }
    }
}
