package io.callrec.atrest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkCipherTest {
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    /** RFC 5869 appendix A.1 (the first 32 of its 42 output bytes: one HMAC block). */
    @Test
    void hkdfMatchesRfc5869TestCase1() throws Exception {
        byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
        byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf",
                HEX.formatHex(ChunkCipher.hkdf(ikm, salt, info)));
    }

    /**
     * A reader written from docs/security.md alone, with plain JCA calls, decrypts what the writer wrote: the
     * documentation describes the format exactly (key derivation, nonce, additional data, chunk layout).
     */
    @Test
    void theDocumentedFormatIsTheWrittenOne() throws Exception {
        byte[] key = new byte[32];
        new Random(3).nextBytes(key);
        byte[] plain = SealedWriterTest.randomBytes(new Random(4), 2500);
        Path file = dir.resolve("f");
        AtRestKeys keys = AtRestKeys.of(AtRestKey.of(key));
        try (WritableFile out = AtRestFiles.create(file, keys, 1024)) {
            out.write(ByteBuffer.wrap(plain));
        }
        byte[] stored = Files.readAllBytes(file);

        ByteBuffer b = ByteBuffer.wrap(stored);
        byte[] header = new byte[56];
        b.get(header);
        int n = ByteBuffer.wrap(header).getInt(12);
        byte[] keyId = java.util.Arrays.copyOfRange(header, 16, 24);
        byte[] salt = java.util.Arrays.copyOfRange(header, 24, 56);
        assertArrayEquals(java.util.Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key), 8), keyId);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        byte[] prk = mac.doFinal(key);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        byte[] fileKey = mac.doFinal(("callrec at-rest v1 file key\u0001").getBytes(StandardCharsets.US_ASCII));
        byte[] headerHash = MessageDigest.getInstance("SHA-256").digest(header);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long index = 0; b.hasRemaining(); index++) {
            int frame = Math.min(b.remaining(), n + 20);
            boolean last = b.remaining() == frame;
            int generation = b.getInt();
            byte[] sealed = new byte[frame - 4];
            b.get(sealed);
            byte[] nonce = ByteBuffer.allocate(12).putLong(index).putInt(generation).array();
            byte[] aad = ByteBuffer.allocate(41).put(headerHash).putLong(index).put((byte) (last ? 1 : 0)).array();
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(fileKey, "AES"), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(aad);
            out.write(gcm.doFinal(sealed));
        }
        assertArrayEquals(plain, out.toByteArray());
    }
}
