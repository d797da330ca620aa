package io.callrec.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SanitizingParserFactoryTest {
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
}
