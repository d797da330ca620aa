package io.callrec.atrest;

import static io.callrec.atrest.SealedWriterTest.CHUNK;
import static io.callrec.atrest.SealedWriterTest.KEYS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealedInputStreamTest {
    @TempDir
    Path dir;
    private byte[] plain;
    private byte[] stored;
    private SealedHeader header;

    @BeforeEach
    void writeAFileOfThreeChunksAndABit() throws IOException {
        plain = SealedWriterTest.randomBytes(new Random(11), 3 * CHUNK + 37);
        Path file = dir.resolve("f");
        try (WritableFile out = AtRestFiles.create(file, KEYS, CHUNK)) {
            out.write(ByteBuffer.wrap(plain));
        }
        stored = Files.readAllBytes(file);
        header = SealedInputStream.readHeader(new ByteArrayInputStream(stored));
    }

    @Test
    void everyRangeDecryptsToThePlaintextReadingOnlyTheChunksItTouches() throws IOException {
        int ranges = 0;
        for (int from = 0; from < plain.length; from++) {
            for (int length : new int[] {1, CHUNK - 1, CHUNK + 1, plain.length}) {
                int n = Math.min(length, plain.length - from);
                SealedHeader.StoredRange r = header.storedRange(from, n, stored.length);
                long chunks = (r.length() + header.slotLength() - 1) / header.slotLength();
                assertEquals((from + n - 1) / CHUNK - from / CHUNK + 1, chunks, "chunks for " + from + "+" + n);
                InputStream slice = new ByteArrayInputStream(stored, (int) r.offset(), (int) r.length());
                try (InputStream in = SealedInputStream.range(slice, header, KEYS, stored.length, from, n)) {
                    assertArrayEquals(Arrays.copyOfRange(plain, from, from + n), in.readAllBytes(),
                            "range " + from + "+" + n);
                }
                ranges++;
            }
        }
        assertTrue(ranges > 12_000, ranges + " ranges");
    }

    @Test
    void changingAnyStoredByteFailsTheRead() throws IOException {
        for (int i = 0; i < stored.length; i++) {
            for (int bit : new int[] {0x01, 0x80}) {
                byte[] tampered = stored.clone();
                tampered[i] ^= (byte) bit;
                try {
                    SealedWriterTest.readAll(tampered);
                    fail("byte " + i + " changed (^" + bit + ") and the file still read");
                } catch (SealedFileException expected) {
                    // altered header, chunk, tag, generation: every one is caught
                }
            }
        }
    }

    @Test
    void movingOrDroppingChunksFailsTheRead() {
        int slot = header.slotLength();
        int c0 = SealedHeader.LENGTH;
        byte[] swapped = stored.clone();
        System.arraycopy(stored, c0, swapped, c0 + slot, slot);
        System.arraycopy(stored, c0 + slot, swapped, c0, slot);
        assertThrows(SealedFileException.class, () -> SealedWriterTest.readAll(swapped), "chunks 0 and 1 swapped");
        byte[] dropped = new byte[stored.length - slot];
        System.arraycopy(stored, 0, dropped, 0, c0 + slot);
        System.arraycopy(stored, c0 + 2 * slot, dropped, c0 + slot, stored.length - c0 - 2 * slot);
        assertThrows(SealedFileException.class, () -> SealedWriterTest.readAll(dropped), "chunk 1 left out");
    }

    @Test
    void aFileCutAnywhereFailsTheReadAndSaysSo() throws IOException {
        for (int length = 0; length < stored.length; length++) {
            byte[] cut = Arrays.copyOf(stored, length);
            assertThrows(SealedFileException.class, () -> SealedWriterTest.readAll(cut), "cut to " + length);
        }
        byte[] atBoundary = Arrays.copyOf(stored, (int) header.slotOffset(2));
        SealedFileException e = assertThrows(SealedFileException.class, () -> SealedWriterTest.readAll(atBoundary));
        assertTrue(e.getMessage().contains("ends without its last chunk"), e.getMessage());
    }

    @Test
    void aStoredRangeShorterThanItShouldBeFails() {
        SealedHeader.StoredRange r = header.storedRange(CHUNK, 2 * CHUNK, stored.length);
        InputStream slice = new ByteArrayInputStream(stored, (int) r.offset(), (int) r.length() - 1);
        SealedFileException e = assertThrows(SealedFileException.class, () -> {
            try (InputStream in = SealedInputStream.range(slice, header, KEYS, stored.length, CHUNK, 2 * CHUNK)) {
                in.readAllBytes();
            }
        });
        assertTrue(e.getMessage().contains("ends"), e.getMessage());
    }

    @Test
    void anUnknownKeyIdIsAClearError() {
        AtRestKeys other = AtRestKeys.of(AtRestKey.of(SealedWriterTest.filled(32, 8)));
        UnknownKeyException e = assertThrows(UnknownKeyException.class,
                () -> SealedInputStream.open(new ByteArrayInputStream(stored), stored.length, other));
        assertTrue(e.getMessage().contains("encrypted with at-rest key " + SealedWriterTest.KEY.id()
                + ", which is not configured"), e.getMessage());
        assertTrue(e.getMessage().contains(other.current().orElseThrow().id()), "names the keys it has");
        UnknownKeyException none = assertThrows(UnknownKeyException.class,
                () -> SealedInputStream.open(new ByteArrayInputStream(stored), stored.length, AtRestKeys.none()));
        assertTrue(none.getMessage().contains("no at-rest keys are"), none.getMessage());
    }

    @Test
    void afterARotationOldFilesStillReadAndNewOnesUseTheNewKey() throws IOException {
        AtRestKey old = SealedWriterTest.KEY;
        AtRestKey current = AtRestKey.random();
        AtRestKeys rotated = AtRestKeys.of(current, List.of(old));
        Path fresh = dir.resolve("fresh");
        try (WritableFile out = AtRestFiles.create(fresh, rotated, CHUNK)) {
            out.write(ByteBuffer.wrap(plain));
        }
        assertEquals(current.id(), SealedInputStream.readHeader(Files.newInputStream(fresh)).keyId());
        try (InputStream a = AtRestFiles.openPlaintext(fresh, rotated);
             InputStream b = SealedInputStream.open(new ByteArrayInputStream(stored), stored.length, rotated)) {
            assertArrayEquals(plain, a.readAllBytes());
            assertArrayEquals(plain, b.readAllBytes(), "a file of the old key");
        }
        assertThrows(UnknownKeyException.class, () -> AtRestFiles.openPlaintext(fresh, AtRestKeys.of(old)));
    }
}
