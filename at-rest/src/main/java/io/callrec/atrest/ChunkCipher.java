package io.callrec.atrest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens the chunks of one encrypted file with the JDK's {@code AES/GCM/NoPadding}.
 *
 * <ul>
 *   <li>Key: each file has its own, HKDF-SHA256 (RFC 5869) of the configured key with the header's random salt. So
 *       nonces need to be unique within one file only, and no number of files wears out the configured key.</li>
 *   <li>Nonce: chunk index (8 bytes) || generation (4 bytes). A chunk is sealed again (the journal's last chunk at
 *       every flush, the Matroska header when it is patched) under the next generation, never under a nonce used
 *       before.</li>
 *   <li>Additional data: SHA-256 of the header || chunk index (8 bytes) || 1 for the file's last chunk, else 0. A
 *       chunk moved to another place or file, a header changed, or a file cut at a chunk boundary fails to open.</li>
 * </ul>
 *
 * Not thread-safe: one per reader or writer.
 */
final class ChunkCipher {
    static final int TAG_BYTES = 16;
    private static final byte[] HKDF_INFO = "callrec at-rest v1 file key".getBytes(StandardCharsets.US_ASCII);

    private final Cipher cipher;
    private final SecretKeySpec fileKey;
    private final byte[] nonce = new byte[12];
    private final byte[] aad = new byte[32 + 8 + 1];

    ChunkCipher(AtRestKey key, SealedHeader header) {
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
            this.fileKey = new SecretKeySpec(hkdf(key.material(), header.salt(), HKDF_INFO), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has AES/GCM and HmacSHA256", e);
        }
        System.arraycopy(header.sha256(), 0, aad, 0, 32);
    }

    /**
     * Seals {@code plain}'s remaining bytes into {@code out} (ciphertext then tag, {@code plain.remaining() + 16}
     * bytes). {@code plain} is consumed; neither buffer is kept.
     */
    void seal(long index, int generation, boolean last, ByteBuffer plain, ByteBuffer out) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, fileKey, parameters(index, generation, last));
            cipher.updateAAD(aad);
            cipher.doFinal(plain, out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed for chunk " + index, e);
        }
    }

    /**
     * Opens {@code sealed}'s remaining bytes (ciphertext then tag) into {@code out}.
     *
     * @return false when the chunk does not authenticate as chunk {@code index} with that flag (altered, moved, or
     *         not the last/not a middle chunk); {@code out} then holds nothing usable
     */
    boolean open(long index, int generation, boolean last, ByteBuffer sealed, ByteBuffer out) {
        try {
            cipher.init(Cipher.DECRYPT_MODE, fileKey, parameters(index, generation, last));
            cipher.updateAAD(aad);
            cipher.doFinal(sealed, out);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM opening failed for chunk " + index, e);
        }
    }

    private GCMParameterSpec parameters(long index, int generation, boolean last) {
        ByteBuffer.wrap(nonce).putLong(index).putInt(generation);
        ByteBuffer.wrap(aad, 32, 9).putLong(index).put((byte) (last ? 1 : 0));
        return new GCMParameterSpec(TAG_BYTES * 8, nonce);
    }

    /** HKDF-SHA256 (RFC 5869) for one 32-byte output: extract with the salt, expand with {@code info}. */
    static byte[] hkdf(byte[] inputKey, byte[] salt, byte[] info) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        byte[] pseudoRandomKey = mac.doFinal(inputKey);
        mac.init(new SecretKeySpec(pseudoRandomKey, "HmacSHA256"));
        mac.update(info);
        mac.update((byte) 1);
        return mac.doFinal();
    }
}
