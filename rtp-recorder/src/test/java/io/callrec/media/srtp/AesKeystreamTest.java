package io.callrec.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class AesKeystreamTest {

    /** RFC 3711 appendix B.2: the AES-CM keystream for session key and salt, SSRC and index zero. */
    @Test
    void rfc3711AppendixB2Keystream() {
        AesKeystream aes = new AesKeystream(Hex.bytes("2B7E151628AED2A6ABF7158809CF4F3C"));
        byte[] iv = Hex.bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        byte[] keystream = new byte[48];
        aes.apply(iv, keystream, 0, keystream.length);
        assertArrayEquals(Hex.bytes("""
                E03EAD0935C95E80E166B16DD92B4EB4
                D23513162B02D0F72A43A2FE4A5F97AB
                41E95B3BB0A2E8DD477901E4FCA894C0"""), keystream);
    }

    /** The last blocks of B.2 (counter FEFF, FF00, FF01): the counter carries into the next byte. */
    @Test
    void rfc3711AppendixB2KeystreamAcrossACarry() {
        AesKeystream aes = new AesKeystream(Hex.bytes("2B7E151628AED2A6ABF7158809CF4F3C"));
        byte[] iv = Hex.bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        byte[] keystream = new byte[0xff02 * 16];
        aes.apply(iv, keystream, 0, keystream.length);
        assertArrayEquals(Hex.bytes("""
                EC8CDF7398607CB0F2D21675EA9EA1E4
                362B7C3C6773516318A077D7FC5073AE
                6A2CC3787889374FBEB4C81B17BA6C44"""), Arrays.copyOfRange(keystream, 0xfeff * 16, 0xff02 * 16));
    }

    /** Same output as the JDK's own AES/CTR, for odd lengths, offsets, AES-256 and a 128-bit counter wrap. */
    @Test
    void matchesTheJdksCounterMode() throws Exception {
        Random random = new Random(7);
        for (int keyLength : new int[] {16, 32}) {
            for (int length : new int[] {0, 1, 15, 16, 17, 160, 1188, 2048, 2049, 5000}) {
                byte[] key = new byte[keyLength];
                byte[] iv = new byte[16];
                random.nextBytes(key);
                random.nextBytes(iv);
                if (length == 5000) {
                    Arrays.fill(iv, 4, 16, (byte) 0xff); // the counter wraps through all its low bytes
                }
                byte[] data = new byte[length + 7];
                random.nextBytes(data);
                Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
                ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
                byte[] expected = data.clone();
                ctr.doFinal(data, 3, length, expected, 3);

                new AesKeystream(key).apply(iv, data, 3, length);
                assertArrayEquals(expected, data, "key " + keyLength + " bytes, length " + length);
            }
        }
    }
}
