package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PortRangeTest {

    @Test
    void ofCountsInclusively() {
        PortRange r = PortRange.of(16000, 100);
        assertEquals(16000, r.low());
        assertEquals(16099, r.high());
        assertEquals(100, r.size());
        assertEquals("16000-16099", r.toString());
    }

    @Test
    void containsIsInclusiveAtBothEnds() {
        PortRange r = new PortRange(20, 30);
        assertTrue(r.contains(20));
        assertTrue(r.contains(30));
        assertFalse(r.contains(19));
        assertFalse(r.contains(31));
    }

    @Test
    void rejectsReversedAndOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new PortRange(30, 20));
        assertThrows(IllegalArgumentException.class, () -> new PortRange(0, 20));
        assertThrows(IllegalArgumentException.class, () -> new PortRange(65530, 65536));
    }
}
