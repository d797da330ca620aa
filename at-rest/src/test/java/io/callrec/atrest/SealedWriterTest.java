package io.callrec.atrest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealedWriterTest {
    static final int CHUNK = 1024;
    static final AtRestKey KEY = AtRestKey.of(filled(32, 7));
    static final AtRestKeys KEYS = AtRestKeys.of(KEY);

    @TempDir
    Path dir;

    @Test
    void roundTripsEverySizeAroundChunkBoundaries() throws IOException {
        Random random = new Random(1);
        for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 7, 10_000}) {
            byte[] plain = randomBytes(random, size);
            Path file = dir.resolve("f" + size);
            try (WritableFile out = AtRestFiles.create(file, KEYS, CHUNK)) {
                int at = 0;
                while (at < size) { // pieces of random size, across chunk boundaries
                    int n = Math.min(size - at, 1 + random.nextInt(700));
                    out.write(ByteBuffer.wrap(plain, at, n));
                    at += n;
                }
                assertEquals(size, out.size());
                assertEquals(size, out.position());
            }
            SealedHeader header = SealedInputStream.readHeader(Files.newInputStream(file));
            assertEquals(header.storedLength(size), Files.size(file), "stored length of " + size);
            assertEquals(size, header.plainLength(Files.size(file)));
            assertArrayEquals(plain, readAll(file), "plaintext of " + size);
        }
    }

    @Test
    void theStoredFileHoldsNoneOfThePlaintextAndTwoWritesOfOneTextDiffer() throws IOException {
        byte[] plain = new byte[5 * CHUNK]; // zeros: the easiest text to spot
        Path a = write("a", plain);
        Path b = write("b", plain);
        byte[] storedA = Files.readAllBytes(a);
        byte[] storedB = Files.readAllBytes(b);
        assertEquals(-1, indexOf(storedA, new byte[32]), "no run of 32 zero bytes survives encryption");
        assertNotEquals(Arrays.toString(Arrays.copyOfRange(storedA, 24, 200)),
                Arrays.toString(Arrays.copyOfRange(storedB, 24, 200)), "a fresh salt, key and ciphertext per file");
    }

    @Test
    void writingOverAnEarlierChunkSealsItAgainUnderItsNextGeneration() throws IOException {
        byte[] plain = randomBytes(new Random(2), 3 * CHUNK + 100);
        Path file = dir.resolve("patched");
        try (WritableFile out = AtRestFiles.create(file, KEYS, CHUNK)) {
            out.write(ByteBuffer.wrap(plain));
            out.position(CHUNK - 2).write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4})); // across chunks 0 and 1
            out.position(10).write(ByteBuffer.wrap(new byte[] {9, 9}));
            out.position(out.size());
            out.write(ByteBuffer.wrap(new byte[] {5}));
        }
        byte[] expected = Arrays.copyOf(plain, plain.length + 1);
        System.arraycopy(new byte[] {1, 2, 3, 4}, 0, expected, CHUNK - 2, 4);
        expected[10] = 9;
        expected[11] = 9;
        expected[plain.length] = 5;
        assertArrayEquals(expected, readAll(file));
        ByteBuffer stored = ByteBuffer.wrap(Files.readAllBytes(file));
        SealedHeader h = SealedInputStream.readHeader(new ByteArrayInputStream(stored.array()));
        assertEquals(2, stored.getInt((int) h.slotOffset(0)), "chunk 0 sealed three times: generations 0, 1, 2");
        assertEquals(1, stored.getInt((int) h.slotOffset(1)), "chunk 1 sealed twice");
        assertEquals(0, stored.getInt((int) h.slotOffset(2)), "chunk 2 sealed once");
    }

    @Test
    void aWritePastTheEndLeavesZerosBetween() throws IOException {
        Path file = dir.resolve("gap");
        try (WritableFile out = AtRestFiles.create(file, KEYS, CHUNK)) {
            out.write(ByteBuffer.wrap(new byte[] {1}));
            out.position(2500).write(ByteBuffer.wrap(new byte[] {2}));
        }
        byte[] expected = new byte[2501];
        expected[0] = 1;
        expected[2500] = 2;
        assertArrayEquals(expected, readAll(file));
    }

    @Test
    void truncateCutsThePlaintextAndTheFileFollows() throws IOException {
        byte[] plain = randomBytes(new Random(3), 4 * CHUNK + 10);
        for (int cut : new int[] {0, 1, CHUNK, CHUNK + 1, 2 * CHUNK - 1, 4 * CHUNK, 4 * CHUNK + 9}) {
            Path file = dir.resolve("cut" + cut);
            try (WritableFile out = AtRestFiles.create(file, KEYS, CHUNK)) {
                out.write(ByteBuffer.wrap(plain));
                out.flush();
                out.truncate(cut);
                assertEquals(cut, out.size());
                assertEquals(cut, out.position(), "the position follows the end");
                out.write(ByteBuffer.wrap(new byte[] {42, 43}));
            }
            byte[] expected = Arrays.copyOf(plain, cut + 2);
            expected[cut] = 42;
            expected[cut + 1] = 43;
            assertArrayEquals(expected, readAll(file), "cut at " + cut);
        }
    }

    @Test
    void aFlushedButUnfinishedFileReadsOnlyWhenRecovering() throws IOException {
        byte[] plain = randomBytes(new Random(4), 2 * CHUNK + 300);
        Path file = dir.resolve("journal");
        try (WritableFile out = AtRestFiles.create(file, KEYS, CHUNK)) {
            out.write(ByteBuffer.wrap(plain, 0, 100));
            out.flush();
            assertArrayEquals(Arrays.copyOf(plain, 100), recover(Files.readAllBytes(file), null));
            out.write(ByteBuffer.wrap(plain, 100, plain.length - 100));
            out.flush();
            byte[] crashed = Files.readAllBytes(file); // what a kill -9 now would leave
            assertArrayEquals(plain, recover(crashed, null), "everything flushed survives");
            SealedFileException e = assertThrows(SealedFileException.class, () -> readAll(crashed));
            assertTrue(e.getMessage().contains("never finished"), e.getMessage());
        }
        assertArrayEquals(plain, readAll(file), "closed: complete");
    }

    @Test
    void aTornLastChunkLosesThatChunkOnly() throws IOException {
        byte[] plain = randomBytes(new Random(5), 3 * CHUNK + 500);
        Path file = dir.resolve("torn");
        try (WritableFile out = AtRestFiles.create(file, KEYS, CHUNK)) {
            out.write(ByteBuffer.wrap(plain));
            out.flush();
        }
        byte[] stored = Files.readAllBytes(file);
        // A power cut while the last chunk was being sealed again: half old, half new bytes.
        int lastChunk = SealedHeader.LENGTH + 3 * (CHUNK + SealedHeader.CHUNK_OVERHEAD);
        stored[lastChunk + 200] ^= 0x55;
        String[] damage = new String[1];
        assertArrayEquals(Arrays.copyOf(plain, 3 * CHUNK), recover(stored, damage));
        assertTrue(damage[0].contains("chunk 3 does not authenticate"), damage[0]);
        // Cut inside the last chunk's overhead: the same.
        byte[] cut = Arrays.copyOf(Files.readAllBytes(file), lastChunk + 7);
        assertArrayEquals(Arrays.copyOf(plain, 3 * CHUNK), recover(cut, damage));
        assertTrue(damage[0].contains("torn"), damage[0]);
    }

    private Path write(String name, byte[] plain) throws IOException {
        Path file = dir.resolve(name);
        try (WritableFile out = AtRestFiles.create(file, KEYS, CHUNK)) {
            out.write(ByteBuffer.wrap(plain));
        }
        return file;
    }

    static byte[] readAll(Path file) throws IOException {
        try (InputStream in = AtRestFiles.openPlaintext(file, KEYS)) {
            return in.readAllBytes();
        }
    }

    static byte[] readAll(byte[] stored) throws IOException {
        try (InputStream in = SealedInputStream.open(new ByteArrayInputStream(stored), stored.length, KEYS)) {
            return in.readAllBytes();
        }
    }

    static byte[] recover(byte[] stored, String[] damage) throws IOException {
        try (SealedInputStream in = SealedInputStream.recovering(new ByteArrayInputStream(stored), stored.length,
                KEYS)) {
            byte[] out = in.readAllBytes();
            if (damage != null) {
                damage[0] = in.damage();
            }
            return out;
        }
    }

    static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** Where {@code needle} first occurs in {@code haystack}, or -1 (ISO-8859-1 maps bytes to chars one to one). */
    static int indexOf(byte[] haystack, byte[] needle) {
        return new String(haystack, java.nio.charset.StandardCharsets.ISO_8859_1)
                .indexOf(new String(needle, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}
