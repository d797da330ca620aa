package io.callrec.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SdpParseExceptionTest {
    @Test
    void messageNamesTheLineWhenThereIsOne() {
        SdpParseException e = new SdpParseException(7, "m= port \"x\" is not a number");
        assertEquals("SDP line 7: m= port \"x\" is not a number", e.getMessage());
        assertEquals(7, e.lineNumber());
        assertEquals("m= port \"x\" is not a number", e.reason());
        assertEquals("SDP: too big", new SdpParseException(0, "too big").getMessage());
    }
}
