package io.callrec.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ControlIdsTest {

    @Test
    void validIds() {
        assertTrue(ControlIds.isValid("a"));
        assertTrue(ControlIds.isValid("Req-1.2_x"));
        assertTrue(ControlIds.isValid("x".repeat(64)));
        assertFalse(ControlIds.isValid("x".repeat(65)));
        assertFalse(ControlIds.isValid(""));
        assertFalse(ControlIds.isValid(null));
        assertFalse(ControlIds.isValid("a b"));
        assertFalse(ControlIds.isValid("a/b"));
        assertFalse(ControlIds.isValid("\u00e9"));
    }

    @Test
    void serverMadeIdsArePrefixedUnguessableAndValid() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String c = ControlIds.newConsentId();
            String r = ControlIds.newRecordingId();
            assertTrue(c.matches("c-[A-Za-z0-9_-]{22}"), c);
            assertTrue(r.matches("r-[A-Za-z0-9_-]{22}"), r);
            assertTrue(seen.add(c) && seen.add(r));
        }
        assertEquals(2000, seen.size());
    }
}
