package io.callrec.storage.local;

import io.callrec.storage.ContentMismatchException;
import io.callrec.storage.ObjectNotFoundException;
import io.callrec.storage.Sha256;
import io.callrec.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalStorageBackendTest {
    @TempDir
    Path dir;

    private LocalStorageBackend backend(long floor) {
        return new LocalStorageBackend(dir.resolve("data"), floor, Clock.systemUTC());
    }

    private Path file(String name, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        Path f = dir.resolve(name);
        Files.write(f, data);
        return f;
    }

    @Test
    void allocateMakesTheRecordingsDirectory() throws Exception {
        LocalStorageBackend b = backend(0);
        b.allocate("r-1");
        assertTrue(Files.isDirectory(dir.resolve("data/recordings/r-1")));
        assertTrue(b.probe().available());
    }

    @Test
    void allocateIsRefusedBelowTheFreeSpaceFloor() throws Exception {
        long free = Files.getFileStore(dir).getUsableSpace();
        LocalStorageBackend b = backend(free + (1L << 30));
        StorageException e = assertThrows(StorageException.class, () -> b.allocate("r-1"));
        assertTrue(e.retryable());
        assertTrue(e.getMessage().startsWith("disk almost full"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("data/recordings/r-1")));
        assertFalse(b.probe().available());
    }

    @Test
    void allocateIsRefusedWhereNothingCanBeWritten() throws Exception {
        // Tests may run as root, which ignores permission bits: a file where the directory must go stops anyone.
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/recordings"), "in the way");
        StorageException e = assertThrows(StorageException.class, () -> backend(0).allocate("r-1"));
        assertTrue(e.getMessage().startsWith("cannot create"), e.getMessage());
    }

    @Test
    void putCopiesAndVerifiesLeavingTheSource() throws Exception {
        Path src = file("peer.mkv", 3_000_001);
        String sha = Sha256.of(src);
        LocalStorageBackend b = backend(0);
        b.put("r-1", "peer.mkv", src, sha);
        Path stored = dir.resolve("data/recordings/r-1/peer.mkv");
        assertEquals(sha, Sha256.of(stored));
        assertTrue(Files.exists(src));
        assertEquals(Optional.of(3_000_001L), b.size("r-1", "peer.mkv"));
        b.put("r-1", "peer.mkv", src, sha); // a retry after a crash is harmless
        assertEquals(sha, Sha256.of(stored));
        try (var listing = Files.list(stored.getParent())) {
            assertEquals(1, listing.count(), "no temporary files left behind");
        }
    }

    @Test
    void moveInRenamesOnTheSameFileSystem() throws Exception {
        Path src = file("peer.mkv", 100_000);
        Object inode = Files.readAttributes(src, BasicFileAttributes.class).fileKey();
        String sha = Sha256.of(src);
        backend(0).moveIn("r-1", "peer.mkv", src, sha);
        Path stored = dir.resolve("data/recordings/r-1/peer.mkv");
        assertFalse(Files.exists(src));
        assertEquals(inode, Files.readAttributes(stored, BasicFileAttributes.class).fileKey(), "renamed, not copied");
        assertEquals(sha, Sha256.of(stored));
    }

    @Test
    void aFileThatDoesNotMatchItsHashIsNotStored() throws Exception {
        Path src = file("peer.mkv", 1000);
        String wrong = Sha256.of(new byte[] {1});
        LocalStorageBackend b = backend(0);
        ContentMismatchException copy = assertThrows(ContentMismatchException.class,
                () -> b.put("r-1", "peer.mkv", src, wrong));
        assertTrue(copy.getMessage().contains("1000 bytes") && copy.getMessage().contains(wrong), copy.getMessage());
        assertThrows(ContentMismatchException.class, () -> b.moveIn("r-1", "peer.mkv", src, wrong));
        assertTrue(Files.exists(src), "a refused move leaves the file where it was");
        assertEquals(Optional.empty(), b.size("r-1", "peer.mkv"));
        try (var listing = Files.list(dir.resolve("data/recordings/r-1"))) {
            assertEquals(0, listing.count());
        }
    }

    @Test
    void openReadsRanges() throws Exception {
        Path src = file("peer.mkv", 10_000);
        byte[] all = Files.readAllBytes(src);
        LocalStorageBackend b = backend(0);
        b.put("r-1", "peer.mkv", src, Sha256.of(src));
        assertArrayEquals(all, read(b.open("r-1", "peer.mkv", 0, -1)));
        assertArrayEquals(Arrays.copyOfRange(all, 100, 300), read(b.open("r-1", "peer.mkv", 100, 200)));
        assertArrayEquals(Arrays.copyOfRange(all, 9_990, 10_000), read(b.open("r-1", "peer.mkv", 9_990, 500)),
                "a range past the end stops at the end");
        assertArrayEquals(Arrays.copyOfRange(all, 9_000, 10_000), read(b.open("r-1", "peer.mkv", 9_000, -1)));
        assertEquals(0, read(b.open("r-1", "peer.mkv", 10_000, -1)).length);
        StorageException beyond = assertThrows(StorageException.class, () -> b.open("r-1", "peer.mkv", 10_001, 1));
        assertTrue(beyond.getMessage().contains("10000 bytes"), beyond.getMessage());
        assertThrows(ObjectNotFoundException.class, () -> b.open("r-1", "requester.mkv", 0, -1));
        assertThrows(ObjectNotFoundException.class, () -> b.open("r-2", "peer.mkv", 0, -1));
    }

    @Test
    void namesCannotLeaveTheRecordingsSpace() throws Exception {
        Path src = file("x", 10);
        LocalStorageBackend b = backend(0);
        String sha = Sha256.of(src);
        assertThrows(IllegalArgumentException.class, () -> b.put("..", "x", src, sha));
        assertThrows(IllegalArgumentException.class, () -> b.put("r-1", "../../x", src, sha));
        assertThrows(IllegalArgumentException.class, () -> b.open("r-1", "..", 0, -1));
        assertThrows(IllegalArgumentException.class, () -> b.put("r-1", "x", src, sha.toUpperCase()));
    }

    private static byte[] read(InputStream in) throws Exception {
        try (in) {
            return in.readAllBytes();
        }
    }
}
