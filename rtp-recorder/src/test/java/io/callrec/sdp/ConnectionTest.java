package io.callrec.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectionTest {
    @Test
    void parsesThreeFields() throws SdpParseException {
        assertEquals(new Connection("IN", "IP4", "192.0.2.1"), Connection.parse("IN IP4 192.0.2.1", 4, "c="));
        SdpParseException e = assertThrows(SdpParseException.class, () -> Connection.parse("IN IP4", 4, "c="));
        assertEquals(4, e.lineNumber());
        assertThrows(SdpParseException.class, () -> Connection.parse("IN IP4 1.2.3.4 extra", 4, "c="));
    }

    @Test
    void ofPicksTheAddressType() {
        assertEquals(new Connection("IN", "IP4", "203.0.113.1"), Connection.of("203.0.113.1"));
        assertEquals(new Connection("IN", "IP6", "2001:db8::1"), Connection.of("2001:db8::1"));
        assertEquals("IN IP6 2001:db8::1", Connection.of("2001:db8::1").value());
    }

    @Test
    void holdAddressAndInetAddress() {
        assertTrue(Connection.of("0.0.0.0").holdAddress());
        assertTrue(Connection.of("::").holdAddress());
        assertFalse(Connection.of("192.0.2.1").holdAddress());
        assertFalse(new Connection("IN", "IP4", "host.example").holdAddress());
        assertEquals(Optional.empty(), new Connection("IN", "IP4", "host.example").inetAddress());
        assertEquals(Optional.empty(), new Connection("ATM", "NSAP", "1.2.3.4").inetAddress());
        assertEquals("233.252.0.1", new Connection("IN", "IP4", "233.252.0.1/127/2").inetAddress()
                .orElseThrow().getHostAddress());
    }
}
