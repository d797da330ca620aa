package io.callrec.media.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SrtpProfileTest {

    @Test
    void sizesAsTheRfcsStateThem() {
        SrtpProfile cm80 = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        assertEquals(30, cm80.keyMaterialLength());
        assertEquals(10, cm80.rtpTagLength());
        assertEquals(14, cm80.rtcpOverhead());
        assertEquals(20, cm80.authKeyLength());
        SrtpProfile cm32 = SrtpProfile.AES_CM_128_HMAC_SHA1_32;
        assertEquals(4, cm32.rtpTagLength());
        assertEquals(10, cm32.rtcpTagLength(), "RFC 5764 §4.1.2: SRTCP keeps the 80-bit tag");
        assertEquals(28, SrtpProfile.AEAD_AES_128_GCM.keyMaterialLength());
        assertEquals(44, SrtpProfile.AEAD_AES_256_GCM.keyMaterialLength());
        assertEquals(20, SrtpProfile.AEAD_AES_256_GCM.rtcpOverhead());
        assertTrue(SrtpProfile.AEAD_AES_128_GCM.isAead());
        assertFalse(cm32.isAead());
    }

    @Test
    void namesAndDtlsIds() {
        assertEquals(Optional.of(SrtpProfile.AEAD_AES_256_GCM), SrtpProfile.bySdpName("AEAD_AES_256_GCM"));
        assertEquals(Optional.empty(), SrtpProfile.bySdpName("aes_cm_128_hmac_sha1_80"));
        assertEquals(Optional.empty(), SrtpProfile.bySdpName("AES_256_CM_HMAC_SHA1_80"));
        assertEquals(Optional.of(SrtpProfile.AES_CM_128_HMAC_SHA1_32), SrtpProfile.byDtlsProfileId(0x0002));
        assertEquals(Optional.of(SrtpProfile.AEAD_AES_128_GCM), SrtpProfile.byDtlsProfileId(0x0007));
        assertEquals(Optional.empty(), SrtpProfile.byDtlsProfileId(0x0005));
        assertEquals("SRTP_AES128_CM_HMAC_SHA1_80", SrtpProfile.AES_CM_128_HMAC_SHA1_80.dtlsName());
    }
}
