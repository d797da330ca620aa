package io.callrec.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TmpfsTest {
    private static final Path DIR = Path.of("target", "tmpfs-test");

    @Test
    void fillsTheMountedDiskDownToWhatItIsAskedToLeaveAndUnmounts() throws IOException {
        long left;
        try (Tmpfs tmpfs = Tmpfs.mount(DIR, 1L << 20)) {
            left = tmpfs.fill(tmpfs.path().resolve("filler"), 200L << 10);
            assertTrue(left <= (200L << 10) + (64 << 10) && left > (200L << 10) - (64 << 10), "left " + left);
            IOException full = assertThrows(IOException.class, () -> Files.write(tmpfs.path().resolve("more"),
                    new byte[300 << 10]));
            assertTrue(full.getMessage().contains("No space left"), full.getMessage());
        }
        assertFalse(Files.exists(DIR.resolve("filler")), "unmounted: the filler went with the tmpfs");
    }

    @Test
    void mountingAgainReplacesALeftoverMount() throws IOException {
        Tmpfs leftover = Tmpfs.mount(DIR, 1L << 20); // as a run killed before its close leaves it
        Files.write(leftover.path().resolve("old"), new byte[1]);
        try (Tmpfs again = Tmpfs.mount(DIR, 2L << 20)) {
            assertFalse(Files.exists(again.path().resolve("old")), "a fresh, empty tmpfs");
            assertEquals(2L << 20, Files.getFileStore(again.path()).getTotalSpace());
        }
        assertFalse(ExternalCommand.run(Duration.ofSeconds(10), "mountpoint", "-q", DIR.toAbsolutePath().toString())
                .succeeded(), "nothing left mounted");
    }
}
