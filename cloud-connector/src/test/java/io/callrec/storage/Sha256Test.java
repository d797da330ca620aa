package io.callrec.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
        Path f = dir.resolve("x");
        byte[] data = randomFile(f, (3 << 20) + 17);
        String expected = Sha256.of(data);
        assertEquals(expected, Sha256.of(f));
        assertEquals(expected, Sha256.of(new ByteArrayInputStream(data)));
    }

    /** Finished files are hashed one after another on a few threads: no read buffer per file. */
    @Test
    void hashingAFileOrAStreamAllocatesNoBufferPerFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x");
        byte[] data = randomFile(f, 200_000);
        String expected = Sha256.of(data);
        // The thread's first hash makes the buffer it keeps.
        Sha256.of(f);
        Sha256.of(new ByteArrayInputStream(data));
        int files = 20;
        long before = allocated();
        for (int i = 0; i < files; i++) {
            assertEquals(expected, Sha256.of(f));
        }
        long perFile = (allocated() - before) / files;
        before = allocated();
        for (int i = 0; i < files; i++) {
            assertEquals(expected, Sha256.of(new ByteArrayInputStream(data)));
        }
        long perStream = (allocated() - before) / files;
        assertTrue(perFile < 16 * 1024, "hashing a file allocated " + perFile + " bytes");
        assertTrue(perStream < 16 * 1024, "hashing a stream allocated " + perStream + " bytes");
    }

    private static byte[] randomFile(Path file, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(7).nextBytes(data);
        Files.write(file, data);
        return data;
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void hexIsLowerCase64() {
        assertTrue(Sha256.isHex(ABC));
        assertFalse(Sha256.isHex(ABC.toUpperCase()));
        assertFalse(Sha256.isHex(ABC.substring(1)));
        assertFalse(Sha256.isHex(null));
    }
}
