package io.callrec.atrest;

import static io.callrec.atrest.SealedWriterTest.KEYS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtRestFilesTest {
    @TempDir
    Path dir;

    @Test
    void withoutACurrentKeyFilesAreWrittenInPlainAndReadAsTheyAre() throws Exception {
        byte[] text = "{\"version\":1}".getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("manifest.json");
        AtRestFiles.write(file, text, AtRestKeys.none());
        assertArrayEquals(text, Files.readAllBytes(file));
        assertFalse(AtRestFiles.isSealed(file));
        try (InputStream in = AtRestFiles.openPlaintext(file, AtRestKeys.none())) {
            assertArrayEquals(text, in.readAllBytes());
        }
        assertSame(text, AtRestFiles.plaintext(text, KEYS));
        FileDigest d = AtRestFiles.digest(file, KEYS);
        assertEquals(new FileDigest(text.length, sha256(text), null), d);
    }

    @Test
    void withACurrentKeyTheSameCallsEncryptAndDecrypt() throws Exception {
        byte[] text = SealedWriterTest.randomBytes(new Random(9), 200_000);
        Path file = dir.resolve("peer.mkv");
        AtRestFiles.write(file, text, KEYS);
        assertTrue(AtRestFiles.isSealed(file));
        byte[] stored = Files.readAllBytes(file);
        assertArrayEquals(text, AtRestFiles.plaintext(stored, KEYS));
        try (InputStream in = AtRestFiles.openPlaintext(file, KEYS)) {
            assertArrayEquals(text, in.readAllBytes());
        }
        FileDigest d = AtRestFiles.digest(file, KEYS);
        assertEquals(text.length, d.bytes());
        assertEquals(sha256(text), d.sha256());
        assertEquals(new FileDigest.Stored(SealedWriterTest.KEY.id(), stored.length, sha256(stored)), d.stored());
    }

    /** Finished files are stored and hashed one after another on a few threads: no read buffer per file. */
    @Test
    void storingAndHashingAFileAllocateNoBufferPerFile() throws Exception {
        byte[] text = SealedWriterTest.randomBytes(new Random(3), 200_000);
        Path plain = dir.resolve("peer.mkv");
        Files.write(plain, text);
        Path stored = dir.resolve("stored.mkv");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        // The thread's first file makes the buffer it keeps.
        AtRestFiles.store(plain, stored, AtRestKeys.none());
        int files = 20;
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < files; i++) {
            assertEquals(sha256(text), AtRestFiles.store(plain, stored, AtRestKeys.none()).sha256());
        }
        long perFile = (threads.getThreadAllocatedBytes(thread) - before) / files;
        assertTrue(perFile < 16 * 1024, "storing and hashing a file allocated " + perFile + " bytes");
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
