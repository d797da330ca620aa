package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SipResponseTest {

    private static final String OK = "SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK1\r\n"
            + "call-id: abc@host\r\n"
            + "CSeq: 7 OPTIONS\r\n"
            + "Allow: INVITE, ACK\r\n"
            + "Allow: BYE\r\n"
            + "Content-Length: 0\r\n\r\n";

    @Test
    void readsStatusAndHeadersCaseInsensitively() {
        SipResponse r = SipResponse.parse(OK).orElseThrow();
        assertEquals(200, r.status());
        assertEquals("OK", r.reason());
        assertEquals("abc@host", r.callId());
        assertEquals("OPTIONS", r.cseqMethod());
        assertEquals(List.of("INVITE, ACK", "BYE"), r.headerValues("allow"));
        assertEquals(Optional.empty(), r.header("Supported"));
        assertEquals(List.of(), r.formatProblems());
    }

    @Test
    void aRequestOrGarbageIsNoResponse() {
        assertTrue(SipResponse.parse("OPTIONS sip:a@b SIP/2.0\r\n\r\n").isEmpty());
        assertTrue(SipResponse.parse("\u0000\u0001xyz").isEmpty());
        assertTrue(SipResponse.parse("SIP/2.0 2000 OK\r\n\r\n").isEmpty());
    }

    @Test
    void flagsALineFeedInTheReasonPhraseAndHeadersCutShortByABlankLine() {
        // What JAIN-SIP 1.3.0-91 answers to "CSeq: abc INVITE" over UDP (captured from callrec).
        String bad = "SIP/2.0 400 Bad Request (CSeq: abc INVITE\n:Number format exception)\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:42121;branch=z9hG4bK39\r\n"
                + "CSeq: abc INVITE\r\n"
                + "Content-Type: message/sipfrag\r\n\r\n"
                + "Content-Length: 272\r\n\r\n\r\nINVITE sip:callrec@127.0.0.1:24060 SIP/2.0\r\n";
        SipResponse r = SipResponse.parse(bad).orElseThrow();
        assertEquals(400, r.status());
        assertEquals(List.of(), r.headerValues("Content-Length"), "the blank line ends the headers early");
        List<String> problems = r.formatProblems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("abc INVITE\\x0a:Number"), problems.toString());
    }

    @Test
    void flagsAHeaderLineWithoutAName() {
        SipResponse r = SipResponse.parse("SIP/2.0 400 Bad\r\nVia: x\r\n:oops\r\n\r\n").orElseThrow();
        assertEquals(List.of("not a header line: :oops"), r.formatProblems());
    }

    @Test
    void flagsAResponseWithoutItsBlankLine() {
        SipResponse r = SipResponse.parse("SIP/2.0 200 OK\r\nVia: x\r\n").orElseThrow();
        assertEquals(List.of("no blank line after the headers"), r.formatProblems());
    }

    @Test
    void printableShowsControlCharacters() {
        assertEquals("a\\x00b\\x0d\\x0a", SipResponse.printable("a\u0000b\r\n"));
    }
}
