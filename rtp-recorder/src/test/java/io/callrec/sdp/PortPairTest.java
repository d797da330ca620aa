package io.callrec.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PortPairTest {
    @Test
    void acceptsPortsInRangeAndMuxedPairs() {
        PortPair p = new PortPair(1, 65535);
        assertEquals(1, p.rtp());
        assertEquals(65535, p.rtcp());
        assertEquals(new PortPair(5000, 5000), new PortPair(5000, 5000));
    }

    @Test
    void rejectsPortsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new PortPair(0, 5001));
        assertThrows(IllegalArgumentException.class, () -> new PortPair(5000, 0));
        assertThrows(IllegalArgumentException.class, () -> new PortPair(65536, 5001));
        assertThrows(IllegalArgumentException.class, () -> new PortPair(5000, -1));
    }
}
