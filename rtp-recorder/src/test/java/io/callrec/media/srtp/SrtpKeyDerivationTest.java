package io.callrec.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SrtpKeyDerivationTest {
    private static final byte[] B3_MASTER_KEY = Hex.bytes("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] B3_MASTER_SALT = Hex.bytes("0EC675AD498AFEEBB6960B3AABE6");

    /** RFC 3711 appendix B.3: cipher key, cipher salt and the first 94 bytes of the authentication key stream. */
    @Test
    void rfc3711AppendixB3() {
        assertArrayEquals(Hex.bytes("C61E7A93744F39EE10734AFE3FF7A087"),
                SrtpKeyDerivation.prf(B3_MASTER_KEY, B3_MASTER_SALT, 0x00, 16));
        assertArrayEquals(Hex.bytes("30CBBC08863D8C85D49DB34A9AE1"),
                SrtpKeyDerivation.prf(B3_MASTER_KEY, B3_MASTER_SALT, 0x02, 14));
        assertArrayEquals(Hex.bytes("""
                CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE
                E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25
                6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2"""),
                SrtpKeyDerivation.prf(B3_MASTER_KEY, B3_MASTER_SALT, 0x01, 94));
    }

    /** The SRTP session keys of an AES-CM profile are B.3's, the HMAC-SHA1 key being the first 160 bits. */
    @Test
    void srtpSessionKeysOfAnAesCmProfile() {
        SessionKeys keys = SrtpKeyDerivation.srtp(
                new SrtpKeyMaterial(SrtpProfile.AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT));
        assertArrayEquals(Hex.bytes("C61E7A93744F39EE10734AFE3FF7A087"), keys.encryptionKey());
        assertArrayEquals(Hex.bytes("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"), keys.authKey());
        assertArrayEquals(Hex.bytes("30CBBC08863D8C85D49DB34A9AE1"), keys.salt());
    }

    /** SRTCP's keys use labels 3, 4, 5: different from SRTP's, same as the PRF gives for those labels. */
    @Test
    void srtcpSessionKeysUseTheirOwnLabels() {
        SrtpKeyMaterial master = new SrtpKeyMaterial(SrtpProfile.AES_CM_128_HMAC_SHA1_32, B3_MASTER_KEY,
                B3_MASTER_SALT);
        SessionKeys rtcp = SrtpKeyDerivation.srtcp(master);
        assertArrayEquals(SrtpKeyDerivation.prf(B3_MASTER_KEY, B3_MASTER_SALT, 0x03, 16), rtcp.encryptionKey());
        assertArrayEquals(SrtpKeyDerivation.prf(B3_MASTER_KEY, B3_MASTER_SALT, 0x04, 20), rtcp.authKey());
        assertArrayEquals(SrtpKeyDerivation.prf(B3_MASTER_KEY, B3_MASTER_SALT, 0x05, 14), rtcp.salt());
        assertFalse(Arrays.equals(SrtpKeyDerivation.srtp(master).encryptionKey(), rtcp.encryptionKey()));
    }

    /** RFC 6188 §7.2: the AES_256_CM_PRF, with a 32-byte master key. */
    @Test
    void rfc6188Aes256Prf() {
        byte[] key = Hex.bytes("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6");
        byte[] salt = Hex.bytes("3b04803de51ee7c96423ab5b78d2");
        assertArrayEquals(Hex.bytes("5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4"),
                SrtpKeyDerivation.prf(key, salt, 0x00, 32));
        assertArrayEquals(Hex.bytes("fa31791685ca444a9e07c6c64e93"), SrtpKeyDerivation.prf(key, salt, 0x02, 14));
        assertArrayEquals(Hex.bytes("fd9c32d39ed5fbb5a9dc96b30818454d1313dc05"),
                SrtpKeyDerivation.prf(key, salt, 0x01, 20));
    }

    /**
     * AEAD profiles: a 96-bit master salt counts as that salt times 2^16 (RFC 7714 erratum 4938), and session keys
     * are the key length, salts 12 bytes, no authentication key.
     */
    @Test
    void aeadProfilesTakeTheirTwelveByteSaltTimesTwoToTheSixteen() {
        byte[] key = Hex.bytes("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6");
        byte[] salt12 = Hex.bytes("3b04803de51ee7c96423ab5b");
        byte[] salt14 = Hex.bytes("3b04803de51ee7c96423ab5b0000");
        SessionKeys keys = SrtpKeyDerivation.srtp(new SrtpKeyMaterial(SrtpProfile.AEAD_AES_256_GCM, key, salt12));
        assertArrayEquals(SrtpKeyDerivation.prf(key, salt14, 0x00, 32), keys.encryptionKey());
        assertArrayEquals(Arrays.copyOf(SrtpKeyDerivation.prf(key, salt14, 0x02, 14), 12), keys.salt());
        assertEquals(0, keys.authKey().length);

        SessionKeys rtcp = SrtpKeyDerivation.srtcp(new SrtpKeyMaterial(SrtpProfile.AEAD_AES_128_GCM,
                Arrays.copyOf(key, 16), salt12));
        assertEquals(16, rtcp.encryptionKey().length);
        assertArrayEquals(SrtpKeyDerivation.prf(Arrays.copyOf(key, 16), salt14, 0x05, 12), rtcp.salt());
    }

    @Test
    void keysNeverReachToString() {
        SessionKeys keys = SrtpKeyDerivation.srtp(
                new SrtpKeyMaterial(SrtpProfile.AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT));
        assertFalse(keys.toString().toLowerCase().contains("c61e7a93"), keys.toString());
    }
}
