package io.callrec.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DtmfInfoBodyTest {

    private static Optional<Character> parse(String ct, String body) {
        return DtmfInfoBody.parse(ct, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void dtmfRelayBodies() {
        assertEquals(Optional.of('1'), parse("application/dtmf-relay", "Signal=1\r\nDuration=160\r\n"));
        assertEquals(Optional.of('*'), parse("application/dtmf-relay", "Signal=*\nDuration=250"));
        assertEquals(Optional.of('#'), parse("Application/DTMF-Relay", "duration=100\r\nsignal = #\r\n"));
        assertEquals(Optional.of('*'), parse("application/dtmf-relay", "Signal=10\r\nDuration=160"));
        assertEquals(Optional.of('#'), parse("application/dtmf-relay", "Signal=11\r\nDuration=160"));
        assertEquals(Optional.of('D'), parse("application/dtmf-relay; charset=utf-8", "Signal=d\r\nDuration=160"));
    }

    @Test
    void bareDtmfBodies() {
        assertEquals(Optional.of('5'), parse("application/dtmf", "5"));
        assertEquals(Optional.of('0'), parse("application/dtmf", " 0\r\n"));
        assertEquals(Optional.of('*'), parse("application/dtmf", "10"));
    }

    @Test
    void anythingElseIsNoDigit() {
        assertEquals(Optional.empty(), parse("application/dtmf-relay", "Duration=160"));
        assertEquals(Optional.empty(), parse("application/dtmf-relay", "Signal=12\r\nDuration=160"));
        assertEquals(Optional.empty(), parse("application/dtmf-relay", "Signal=\r\n"));
        assertEquals(Optional.empty(), parse("application/dtmf", "55"));
        assertEquals(Optional.empty(), parse("application/dtmf", "x"));
        assertEquals(Optional.empty(), parse("application/dtmf", ""));
        assertEquals(Optional.empty(), parse("text/plain", "5"));
        assertEquals(Optional.empty(), parse(null, "5"));
        assertEquals(Optional.empty(), parse("application/dtmf-relay", "Signal=1\r\n" + "x".repeat(300)));
        assertEquals(Optional.empty(), DtmfInfoBody.parse("application/dtmf", null));
    }
}
