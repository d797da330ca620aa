package io.callrec.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SanitizingParserFactoryTest {
    private static final MessageParser PARSER = new SanitizingParserFactory().createMessageParser(null);

    private static String request(String via, String from) {
        return "OPTIONS sip:bob@192.0.2.2 SIP/2.0\r\nVia: " + via + "\r\nMax-Forwards: 70\r\nFrom: " + from
                + "\r\nTo: <sip:bob@192.0.2.2>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    }

    @Test
    void lineBreaksNulsAndParenthesesNeverReachAReasonPhrase() {
        String reason = SanitizingParserFactory.printable("CSeq: abc INVITE\n:Number format\u0000 (x)\r\n");
        assertEquals("CSeq: abc INVITE :Number format x", reason);
    }

    @Test
    void longTextIsCut() {
        assertTrue(SanitizingParserFactory.printable("x".repeat(500)).length() <= 80);
    }

    @Test
    void theParsersCharArrayIdentityIsDropped() {
        assertEquals("ID expected", SanitizingParserFactory.printable("[C@6e1e2bc ID expected"));
    }

    @Test
    void everyParsedRequestGoesThroughTheWireChecks() throws Exception {
        MessageParser parser = new SanitizingParserFactory().createMessageParser(null);
        byte[] twoTo = ("OPTIONS sip:u@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-1\r\n"
                + "To: <sip:u@example.com>\r\nt: <sip:v@example.com>\r\nFrom: <sip:c@example.net>;tag=1\r\n"
                + "Call-ID: c1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        ParseException e = assertThrows(ParseException.class, () -> parser.parseSIPMessage(twoTo, true, false, null));
        assertEquals("more than one To header", e.getMessage());
        // The channel hears of it as of a broken request line, which is what closes a TCP connection.
        List<Class<?>> told = new ArrayList<>();
        ParseExceptionListener channel = (ex, message, headerClass, header, text) -> {
            told.add(headerClass);
            throw ex;
        };
        assertThrows(ParseException.class, () -> parser.parseSIPMessage(twoTo, false, false, channel));
        assertEquals(List.of(RequestLine.class), told);
    }

    @Test
    void noTextStillGivesAReason() {
        assertEquals("malformed message", SanitizingParserFactory.printable(null));
    }

    @Test
    void aBackslashBeforeALineEndIsRefusedBeforeJainSipLoopsOnIt() {
        // Found by SipMessageFuzz: in a Via comment, JAIN-SIP 1.3.0-91 takes "\" + line end as an escape, runs past
        // the end of the header and appends to a buffer until the heap is exhausted (20 s of CPU, then an OOM).
        // The parser trims a header line before reading it: spaces or NULs after the backslash change nothing.
        String[][] cases = {{"", "\r\n"}, {"", "\n"}, {" \t\u0000", "\r\n"}};
        for (String[] c : cases) {
            byte[] message = request("SIP/2.0/UDP 192.0.2.1 (a\\" + c[0], "<sip:alice@192.0.2.1>;tag=1")
                    .replace("\r\n", c[1]).getBytes(StandardCharsets.UTF_8);
            ParseException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> assertThrows(ParseException.class, () -> PARSER.parseSIPMessage(message, true, false, null)));
            assertTrue(e.getMessage().contains("backslash"), e.getMessage());
        }
    }

    @Test
    void aRuntimeExceptionInsideJainSipIsAParseException() throws IOException {
        // Found by SipMessageFuzz: JAIN-SIP compares a Contact whose URI has no host with a previous one and throws a
        // NullPointerException; the stack would log the whole datagram as an error and send no 400.
        byte[] message;
        try (InputStream in = getClass().getResourceAsStream(
                "SipMessageFuzzInputs/theServerReadsAnyDatagramSafelyAndRelaysHeadersIntact/crash-contact-star-null-pointer")) {
            message = in.readAllBytes();
        }
        // As the stack reads a datagram: a header that does not parse is set aside, and parsing goes on.
        ParseExceptionListener setAside = (e, m, headerClass, header, text) -> m.addUnparsed(header);
        ParseException e = assertThrows(ParseException.class,
                () -> PARSER.parseSIPMessage(message, true, false, setAside));
        assertEquals("malformed message: NullPointerException", e.getMessage());
    }

    @Test
    void quotedPairsInsideALineStillParse() throws ParseException {
        byte[] message = request("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-1", "\"a \\\"b\\\\\" <sip:alice@192.0.2.1>;tag=1")
                .getBytes(StandardCharsets.UTF_8);
        SIPMessage parsed = PARSER.parseSIPMessage(message, true, false, null);
        assertNotNull(parsed);
        assertEquals("a \\\"b\\\\", parsed.getFrom().getAddress().getDisplayName());
    }
}
