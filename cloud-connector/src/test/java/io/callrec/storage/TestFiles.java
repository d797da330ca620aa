package io.callrec.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

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

    /** Removes what an earlier run left, so that each run starts empty. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
