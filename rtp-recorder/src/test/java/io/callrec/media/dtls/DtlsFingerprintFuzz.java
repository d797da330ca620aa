package io.callrec.media.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Any {@code a=fingerprint} value a party sends: refused with {@link IllegalArgumentException} and a printable reason,
 * or read as a fingerprint of a known hash whose formatted form reads back as itself.
 */
class DtlsFingerprintFuzz {

    @FuzzTest(maxDuration = "20s", maxExecutions = 30000)
    @DictionaryEntries({"sha-256 ", "SHA-1 ", "sha-512 ", "sha-384 ", "sha-224 ", "md5 ", "AB:", "0f:", ":", " "})
    void aFingerprintIsReadOrRefusedWithAReason(byte[] attribute) {
        String value = new String(attribute, StandardCharsets.UTF_8);
        DtlsFingerprint fingerprint;
        try {
            fingerprint = DtlsFingerprint.parse(value);
        } catch (IllegalArgumentException refused) {
            String reason = refused.getMessage();
            assertTrue(reason != null && !reason.isBlank(), "a refusal says why");
            return;
        }
        assertTrue(fingerprint.digest().length >= 20 && fingerprint.digest().length <= 64, fingerprint.toString());
        assertEquals(fingerprint, DtlsFingerprint.parse(fingerprint.format()));
        assertTrue(fingerprint.format().matches("sha-(1|224|256|384|512) [0-9A-F]{2}(:[0-9A-F]{2})*"),
                fingerprint.format());
    }
}
