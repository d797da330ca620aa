package io.callrec.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalStorageProbeTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void writableDirectoryIsAvailableAndCreatedOnDemand(@TempDir Path dir) {
        Path root = dir.resolve("data/recordings");
        StorageStatus s = new LocalStorageProbe(root, 0, clock).probe();
        assertTrue(s.available(), s.toString());
        assertTrue(Files.isDirectory(root));
        assertEquals(clock.instant(), s.checkedAt());
        try (var files = Files.list(root)) {
            assertEquals(0, files.count(), "the probe must not leave files behind");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsUnavailable(@TempDir Path dir) throws Exception {
        Path blocker = dir.resolve("data");
        Files.writeString(blocker, "not a directory");
        StorageStatus s = new LocalStorageProbe(blocker, 0, clock).probe();
        assertFalse(s.available());
        assertTrue(s.reason().contains("cannot create"), s.reason());
    }

    @Test
    void belowTheFreeSpaceFloorIsUnavailable(@TempDir Path dir) {
        StorageStatus s = new LocalStorageProbe(dir, Long.MAX_VALUE, clock).probe();
        assertFalse(s.available());
        assertTrue(s.reason().startsWith("disk almost full"), s.reason());
    }

    @Test
    void unavailableStatusNeedsAReason() {
        assertThrows(IllegalArgumentException.class, () -> new StorageStatus(false, " ", Instant.EPOCH));
    }
}
