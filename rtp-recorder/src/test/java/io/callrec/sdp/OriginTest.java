package io.callrec.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OriginTest {
    @Test
    void parsesSixFieldsAndRewritesOnlyTheConnection() throws SdpParseException {
        Origin o = Origin.parse("jdoe 3724394400 3724394405 IN IP4 198.51.100.1", 2);
        assertEquals(new Origin("jdoe", "3724394400", "3724394405", "IN", "IP4", "198.51.100.1"), o);
        Origin ours = o.withConnection(Connection.of("2001:db8::10"));
        assertEquals("jdoe 3724394400 3724394405 IN IP6 2001:db8::10", ours.value());
    }

    @Test
    void wrongFieldCountNamesTheLine() {
        SdpParseException e = assertThrows(SdpParseException.class, () -> Origin.parse("jdoe 1 IN IP4 x", 2));
        assertEquals(2, e.lineNumber());
        assertThrows(SdpParseException.class, () -> Origin.parse("a b c d e f g", 2));
    }
}
