package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CaptureTest {

    @Test
    void filterJoinsPortRanges() {
        assertEquals("udp and (portrange 16000-16099 or portrange 17000-17003)",
                Capture.udpPortRanges(PortRange.of(16000, 100), PortRange.of(17000, 4)));
        assertEquals("udp and (portrange 5-6)", Capture.udpPortRanges(new PortRange(5, 6)));
    }

    @Test
    void filterNeedsARange() {
        assertThrows(IllegalArgumentException.class, Capture::udpPortRanges);
    }
}
