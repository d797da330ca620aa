package io.callrec.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Files for tests under {@code target/}. */
public final class TestFiles {
    private TestFiles() {
    }

    /** A file of {@code size} random bytes (seeded by the size, so equal sizes give equal files). */
    public static Path randomFile(Path dir, String name, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        Files.createDirectories(dir);
        Path f = dir.resolve(name);
        Files.write(f, data);
        return f;
    }
}
