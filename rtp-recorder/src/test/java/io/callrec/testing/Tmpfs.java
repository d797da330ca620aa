package io.callrec.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A small tmpfs mounted for a test that needs a disk to fill up. Mounting needs root (or CAP_SYS_ADMIN), which tests
 * have here and in CI: {@link #mount} fails, never skips, when it cannot mount. Closing unmounts it.
 */
public final class Tmpfs implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final int FILL_BLOCK = 64 << 10;
    private final Path path;

    private Tmpfs(Path path) {
        this.path = path;
    }

    /** Mounts a tmpfs of {@code bytes} on {@code dir} (created if needed), after unmounting a previous run's there. */
    public static Tmpfs mount(Path dir, long bytes) throws IOException {
        Path mount = dir.toAbsolutePath();
        ExternalCommand.run(COMMAND_TIMEOUT, "umount", mount.toString()); // a previous run's, if any
        Files.createDirectories(mount);
        CommandResult mounted = ExternalCommand.run(COMMAND_TIMEOUT, "mount", "-t", "tmpfs", "-o", "size=" + bytes,
                "tmpfs", mount.toString());
        if (!mounted.succeeded()) {
            throw new AssertionError("this test must mount a tmpfs (root or CAP_SYS_ADMIN needed): "
                    + mounted.describe());
        }
        return new Tmpfs(mount);
    }

    public Path path() {
        return path;
    }

    /** Free bytes on the tmpfs now. */
    public long free() throws IOException {
        return Files.getFileStore(path).getUsableSpace();
    }

    /**
     * Writes {@code file} (on this tmpfs) in blocks of {@value #FILL_BLOCK} bytes until at most {@code leaveFree} plus
     * one block is free; returns what is left free.
     */
    public long fill(Path file, long leaveFree) throws IOException {
        byte[] block = new byte[FILL_BLOCK];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (free() > leaveFree + block.length) {
                out.write(block);
                out.flush();
            }
        }
        return free();
    }

    /** Unmounts; fails if that does not work (a file still open on it, say). */
    @Override
    public void close() {
        ExternalCommand.run(COMMAND_TIMEOUT, "umount", path.toString()).requireSuccess();
    }
}
