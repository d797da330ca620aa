package io.callrec.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Sha256Test {
    /** FIPS 180-2 test vector. */
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void knownVector() {
        assertEquals(ABC, Sha256.of("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void fileStreamAndBytesAgreeAcrossBufferBoundaries(@TempDir Path dir) throws Exception {
        byte[] data = new byte[(3 << 20) + 17];
        new Random(7).nextBytes(data);
        Path f = dir.resolve("x");
        Files.write(f, data);
        String expected = Sha256.of(data);
        assertEquals(expected, Sha256.of(f));
        assertEquals(expected, Sha256.of(new ByteArrayInputStream(data)));
    }

    @Test
    void hexIsLowerCase64() {
        assertTrue(Sha256.isHex(ABC));
        assertFalse(Sha256.isHex(ABC.toUpperCase()));
        assertFalse(Sha256.isHex(ABC.substring(1)));
        assertFalse(Sha256.isHex(null));
    }
}
