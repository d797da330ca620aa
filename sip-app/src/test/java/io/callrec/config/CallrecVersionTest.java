package io.callrec.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CallrecVersionTest {

    @Test
    void versionComesFromTheFilteredResource() {
        String version = CallrecVersion.version();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
        assertArrayEquals(new String[] {"callrec " + version}, new CallrecVersion().getVersion());
    }
}
