package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class ItDirsTest {

    @Test
    void targetIsTheModulesBuildDirectory() {
        Path target = ItDirs.moduleTarget();
        assertEquals("target", target.getFileName().toString());
        assertEquals("sip-app", target.getParent().getFileName().toString());
        assertTrue(Files.isDirectory(ItDirs.testClasses()));
        assertEquals(target.resolve("callrec.jar"), ItDirs.callrecJar());
    }

    @Test
    void logDirIsNamedAfterTheTestAndStartsEmpty(TestInfo test) throws IOException {
        Path dir = ItDirs.logDir(test);
        assertEquals(ItDirs.moduleTarget().resolve("it-logs").resolve("ItDirsTest.logDirIsNamedAfterTheTestAndStartsEmpty"), dir);
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/old.log"), "old");
        Path again = ItDirs.logDir(test);
        assertEquals(dir, again);
        assertFalse(Files.exists(dir.resolve("sub")), "old logs are cleared");
    }

    @Test
    void logDirNamesAreSafe() {
        Path dir = ItDirs.logDir("a/b c");
        assertEquals("a_b_c", dir.getFileName().toString());
    }
}
