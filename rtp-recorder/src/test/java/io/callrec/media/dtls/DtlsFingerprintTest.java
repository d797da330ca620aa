package io.callrec.media.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

class DtlsFingerprintTest {
    @Test
    void formatsAsUpperCaseHexPairsWithTheHashNameInLowerCase() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        DtlsFingerprint f = DtlsFingerprint.of("SHA-256", "abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals("sha-256 BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:"
                + "15:AD", f.format());
    }

    @Test
    void parsesWhatBaresipAndBrowsersWrite() {
        String baresip = "SHA-256 EE:EA:4B:9D:D2:0A:FC:3E:BE:EF:D5:50:27:5B:22:C2:4F:A1:23:81:11:06:A0:75:EC:8D:DF:E3:BF:"
                + "59:16:88";
        DtlsFingerprint f = DtlsFingerprint.parse(baresip);
        assertEquals("sha-256", f.algorithm());
        assertEquals(32, f.digest().length);
        assertEquals(f, DtlsFingerprint.parse(baresip.toLowerCase()));
        assertEquals(baresip.substring(8), f.format().substring(8));
        assertEquals(20, DtlsFingerprint.parse("sha-1 " + "AB:".repeat(19) + "CD").digest().length);
    }

    @Test
    void refusesWhatIsNotAFingerprint() {
        assertThrows(IllegalArgumentException.class, () -> DtlsFingerprint.parse("sha-256"));
        assertThrows(IllegalArgumentException.class, () -> DtlsFingerprint.parse("md5 AB:CD"));
        assertThrows(IllegalArgumentException.class, () -> DtlsFingerprint.parse("sha-256 AB:CD"), "too short");
        assertThrows(IllegalArgumentException.class, () -> DtlsFingerprint.parse("sha-1 " + "XY:".repeat(19) + "CD"));
    }

    @Test
    void matchesOnlyItsCertificate() {
        DtlsIdentity identity = DtlsIdentity.generate(new SecureRandom());
        assertTrue(identity.fingerprint().matches(identity.certificateDer()));
        assertFalse(identity.fingerprint().matches(DtlsIdentity.generate(new SecureRandom()).certificateDer()));
        assertEquals(identity.fingerprint(), DtlsFingerprint.parse(identity.fingerprint().format()));
    }
}
