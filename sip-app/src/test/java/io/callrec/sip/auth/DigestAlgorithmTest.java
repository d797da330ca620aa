package io.callrec.sip.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DigestAlgorithmTest {

    @Test
    void hashesAreLowerCaseHex() {
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", DigestAlgorithm.MD5.hash(""));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", DigestAlgorithm.SHA_256.hash(""));
    }

    @Test
    void tokensParseCaseInsensitivelyAndAbsentMeansMd5() {
        assertEquals(Optional.of(DigestAlgorithm.SHA_256), DigestAlgorithm.fromToken("sha-256"));
        assertEquals(Optional.of(DigestAlgorithm.MD5), DigestAlgorithm.fromToken("MD5"));
        assertEquals(Optional.of(DigestAlgorithm.MD5), DigestAlgorithm.fromToken(null));
        assertEquals(Optional.empty(), DigestAlgorithm.fromToken("MD5-sess"));
        assertEquals(Optional.empty(), DigestAlgorithm.fromToken("SHA-512-256"));
    }

    @Test
    void sha256IsOfferedFirst() {
        assertEquals(DigestAlgorithm.SHA_256, DigestAlgorithm.values()[0]);
    }
}
