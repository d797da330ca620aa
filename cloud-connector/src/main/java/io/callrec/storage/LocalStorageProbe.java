package io.callrec.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * Checks that a local storage directory can take a recording: it exists (or can be created), a file can be
 * written and removed in it, and the file system keeps at least {@code minFreeBytes} free.
 */
public final class LocalStorageProbe {
    private final Path root;
    private final long minFreeBytes;
    private final Clock clock;

    public LocalStorageProbe(Path root, long minFreeBytes, Clock clock) {
        this.root = Objects.requireNonNull(root, "root");
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("minFreeBytes < 0: " + minFreeBytes);
        }
        this.minFreeBytes = minFreeBytes;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Path root() {
        return root;
    }

    public StorageStatus probe() {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            return StorageStatus.down("cannot create " + root + ": " + e.getClass().getSimpleName(), clock.instant());
        }
        Path marker = null;
        try {
            // A real write catches read-only mounts and permission problems that Files.isWritable misses (root, ACLs).
            marker = Files.createTempFile(root, ".probe-", ".tmp");
            Files.write(marker, new byte[] {1});
        } catch (IOException e) {
            return StorageStatus.down("cannot write in " + root + ": " + e.getClass().getSimpleName(), clock.instant());
        } finally {
            if (marker != null) {
                try {
                    Files.deleteIfExists(marker);
                } catch (IOException ignored) {
                    // the next probe tries again; a leftover marker is harmless
                }
            }
        }
        try {
            long free = Files.getFileStore(root).getUsableSpace();
            if (free < minFreeBytes) {
                return StorageStatus.down("disk almost full: " + (free >> 20) + " MiB free, floor "
                        + (minFreeBytes >> 20) + " MiB", clock.instant());
            }
        } catch (IOException e) {
            return StorageStatus.down("cannot read free space of " + root, clock.instant());
        }
        return StorageStatus.up(clock.instant());
    }
}
