package io.callrec.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RtpMapTest {
    @Test
    void parsesEncodingClockRateAndChannels() {
        assertEquals(Optional.of(new RtpMap(96, "opus", 48000, 2)), RtpMap.parse("96 opus/48000/2"));
        assertEquals(Optional.of(new RtpMap(101, "telephone-event", 8000, 1)), RtpMap.parse("101 telephone-event/8000"));
        assertEquals(Optional.of(new RtpMap(97, "H264", 90000, 1)), RtpMap.parse("97  H264/90000"));
    }

    @Test
    void malformedValuesAreEmpty() {
        for (String bad : new String[] {"", "96", "96 opus", "96 opus/", "96 /8000", "96 opus/0", "96 opus/8000/0",
                "96 opus/8000/2/1", "128 opus/8000", "-1 opus/8000", "x opus/8000", "96 opus/8k", "96 opus/8000 extra",
                "96 opus/99999999999"}) {
            assertEquals(Optional.empty(), RtpMap.parse(bad), bad);
        }
    }

    @Test
    void staticTableOfRfc3551() {
        assertEquals(Optional.of(new RtpMap(0, "PCMU", 8000, 1)), RtpMap.staticPayloadType(0));
        assertEquals(Optional.of(new RtpMap(8, "PCMA", 8000, 1)), RtpMap.staticPayloadType(8));
        assertEquals(Optional.of(new RtpMap(9, "G722", 8000, 1)), RtpMap.staticPayloadType(9));
        assertEquals(Optional.of(new RtpMap(10, "L16", 44100, 2)), RtpMap.staticPayloadType(10));
        assertEquals(Optional.of(new RtpMap(13, "CN", 8000, 1)), RtpMap.staticPayloadType(13));
        assertEquals(Optional.of(new RtpMap(18, "G729", 8000, 1)), RtpMap.staticPayloadType(18));
        assertEquals(Optional.of(new RtpMap(34, "H263", 90000, 1)), RtpMap.staticPayloadType(34));
        for (int unassigned : new int[] {-1, 1, 2, 19, 20, 24, 27, 29, 30, 35, 96, 127, 128}) {
            assertEquals(Optional.empty(), RtpMap.staticPayloadType(unassigned), "PT " + unassigned);
        }
    }

    @Test
    void constructorChecksRanges() {
        assertThrows(IllegalArgumentException.class, () -> new RtpMap(128, "x", 8000, 1));
        assertThrows(IllegalArgumentException.class, () -> new RtpMap(96, "", 8000, 1));
        assertThrows(IllegalArgumentException.class, () -> new RtpMap(96, "x", 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RtpMap(96, "x", 8000, 0));
        assertThrows(NullPointerException.class, () -> new RtpMap(96, null, 8000, 1));
    }
}
