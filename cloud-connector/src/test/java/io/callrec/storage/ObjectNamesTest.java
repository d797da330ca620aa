package io.callrec.storage;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObjectNamesTest {
    @Test
    void idsAreTheSpecsAlphabetUpTo64Characters() {
        assertTrue(ObjectNames.isValidId("r-AbCdEfGhIjKlMnOpQrStUv_9"));
        assertTrue(ObjectNames.isValidId("x".repeat(64)));
        assertFalse(ObjectNames.isValidId("x".repeat(65)));
        assertFalse(ObjectNames.isValidId(""));
        assertFalse(ObjectNames.isValidId(null));
        for (String bad : new String[] {".", "..", "a/b", "a\\b", "a%2Fb", "a b", "é", "a\nb"}) {
            assertFalse(ObjectNames.isValidId(bad), bad);
        }
    }

    @Test
    void namesAreFlatAndNeverStartWithADot() {
        assertTrue(ObjectNames.isValidName("peer.mkv"));
        assertTrue(ObjectNames.isValidName("manifest.json"));
        assertTrue(ObjectNames.isValidName("requester-audio.pcap"));
        for (String bad : new String[] {".", "..", ".hidden", "../x", "a/b", "%2e%2e", "", "x".repeat(129)}) {
            assertFalse(ObjectNames.isValidName(bad), bad);
        }
    }

    @Test
    void keysAreUnderRecordingsAndRefuseTraversal() {
        assertEquals("recordings/r-1/peer.mkv", ObjectNames.key("r-1", "peer.mkv"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ObjectNames.key("..", "peer.mkv"));
        assertTrue(e.getMessage().contains("recording id"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ObjectNames.key("r-1", "../../etc/passwd"));
        IllegalArgumentException printable = assertThrows(IllegalArgumentException.class,
                () -> ObjectNames.check("r-1", "a\u0000b\nc"));
        assertTrue(printable.getMessage().contains("a?b?c"), "control characters never reach a log line");
    }
}
