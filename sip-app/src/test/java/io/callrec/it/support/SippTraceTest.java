package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SippTraceTest {

    // The shape SIPp 3.6.1 writes with -trace_msg (CRLF line ends inside messages).
    private static final String LOG = "----------------------------------------------- 2026-11-25 15:54:50.168127\n"
            + "UDP message received [612] bytes :\n\n"
            + "INVITE sip:9123@127.0.0.1:11393 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:25278;branch=z9hG4bK-cr-1\r\n"
            + "Contact: <sip:a@127.0.0.1:1>\r\n"
            + "Contact: <sip:b@127.0.0.1:2>\r\n"
            + "Content-Length: 4\r\n\r\n"
            + "v=0\r\n\n"
            + "----------------------------------------------- 2026-11-25 15:54:50.5\n"
            + "TCP message sent (298 bytes):\n\n"
            + "SIP/2.0 486 Busy Here\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:25278;branch=z9hG4bK-cr-1\r\n"
            + "Content-Length: 0\r\n\r\n\n";

    @Test
    void splitsTheTraceIntoMessagesWithDirectionTransportAndTime() {
        SippTrace trace = SippTrace.parse(LOG);
        assertEquals(2, trace.messages().size(), trace.summary());
        SippTrace.Message invite = trace.messages().get(0);
        assertTrue(invite.received());
        assertEquals("UDP", invite.transport());
        assertTrue(invite.isRequest("INVITE"));
        assertEquals("sip:9123@127.0.0.1:11393", invite.requestUri());
        assertEquals(List.of("<sip:a@127.0.0.1:1>", "<sip:b@127.0.0.1:2>"), invite.headerValues("contact"));
        assertTrue(invite.text().endsWith("\n\nv=0\n"), invite.text());
        SippTrace.Message busy = trace.messages().get(1);
        assertFalse(busy.received());
        assertEquals("TCP", busy.transport());
        assertTrue(busy.isResponse(486));
        assertEquals(Optional.of("0"), busy.header("Content-Length"));
        assertEquals(Duration.ofNanos(331_873_000), Duration.between(invite.time(), busy.time()));
    }

    @Test
    void selectsByDirectionAndFirstLine() {
        SippTrace trace = SippTrace.parse(LOG);
        assertEquals(1, trace.received("INVITE").size());
        assertEquals(0, trace.sent("INVITE").size());
        assertEquals(1, trace.sent("SIP/2.0 486").size());
        assertEquals(0, trace.received("BYE").size());
    }

    @Test
    void anEmptyTraceHasNoMessages() {
        assertEquals(List.of(), SippTrace.parse("").messages());
        assertEquals("", SippTrace.parse("").summary());
    }
}
