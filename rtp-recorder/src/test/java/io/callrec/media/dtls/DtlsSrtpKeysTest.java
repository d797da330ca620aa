package io.callrec.media.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callrec.media.srtp.SrtpProfile;

import org.junit.jupiter.api.Test;

class DtlsSrtpKeysTest {
    /** Bytes 0, 1, 2...: each byte says where it was in the exported material. */
    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static byte[] range(int from, int to) {
        return java.util.Arrays.copyOfRange(counting(to), from, to);
    }

    @Test
    void splitsAesCmMaterialAsRfc5764LaysItOut() {
        // 16-byte keys, 14-byte salts: client key 0..15, server key 16..31, client salt 32..45, server salt 46..59.
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        assertEquals(60, DtlsSrtpKeys.materialLength(p));
        DtlsSrtpKeys asServer = DtlsSrtpKeys.split(p, counting(60), DtlsRole.SERVER);
        assertArrayEquals(range(0, 16), asServer.fromParty().masterKey(), "the party is the client");
        assertArrayEquals(range(32, 46), asServer.fromParty().masterSalt());
        assertArrayEquals(range(16, 32), asServer.toParty().masterKey());
        assertArrayEquals(range(46, 60), asServer.toParty().masterSalt());
        DtlsSrtpKeys asClient = DtlsSrtpKeys.split(p, counting(60), DtlsRole.CLIENT);
        assertEquals(asServer.fromParty(), asClient.toParty());
        assertEquals(asServer.toParty(), asClient.fromParty());
    }

    @Test
    void splitsGcm256Material() {
        // 32-byte keys, 12-byte salts: 0..31, 32..63, 64..75, 76..87.
        SrtpProfile p = SrtpProfile.AEAD_AES_256_GCM;
        DtlsSrtpKeys asClient = DtlsSrtpKeys.split(p, counting(88), DtlsRole.CLIENT);
        assertArrayEquals(range(32, 64), asClient.fromParty().masterKey(), "the party is the server");
        assertArrayEquals(range(76, 88), asClient.fromParty().masterSalt());
        assertArrayEquals(range(0, 32), asClient.toParty().masterKey());
        assertArrayEquals(range(64, 76), asClient.toParty().masterSalt());
        assertEquals(p, asClient.profile());
    }

    @Test
    void refusesMaterialOfAnotherLength() {
        assertThrows(IllegalArgumentException.class,
                () -> DtlsSrtpKeys.split(SrtpProfile.AEAD_AES_128_GCM, new byte[60], DtlsRole.SERVER));
    }

    @Test
    void profilesCarryTheirRegisteredDtlsIds() {
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.byDtlsProfileId(0x0001).orElseThrow());
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_32, SrtpProfile.byDtlsProfileId(0x0002).orElseThrow());
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.byDtlsProfileId(0x0007).orElseThrow());
        assertEquals(SrtpProfile.AEAD_AES_256_GCM, SrtpProfile.byDtlsProfileId(0x0008).orElseThrow());
        assertEquals(56, DtlsSrtpKeys.materialLength(SrtpProfile.AEAD_AES_128_GCM));
    }
}
