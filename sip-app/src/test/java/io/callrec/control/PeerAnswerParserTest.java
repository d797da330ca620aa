package io.callrec.control;

import static io.callrec.control.PeerAnswerParser.Answer.IGNORED;
import static io.callrec.control.PeerAnswerParser.Answer.NO;
import static io.callrec.control.PeerAnswerParser.Answer.NOT_AN_ANSWER;
import static io.callrec.control.PeerAnswerParser.Answer.YES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerAnswerParserTest {
    private final PeerAnswerParser parser = PeerAnswerParser.defaults();

    private PeerAnswerParser.Answer parse(String ct, String body) {
        return parser.parse(ct, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void yesAndNoInAnyCase() {
        assertEquals(YES, parse("text/plain", "yes"));
        assertEquals(YES, parse("text/plain;charset=UTF-8", "  YES\r\n"));
        assertEquals(YES, parse("Text/Plain", "Yes."));
        assertEquals(NO, parse("text/plain", "No!"));
        assertEquals(NO, parse("text/plain", "nO"));
    }

    @Test
    void otherTextIsNotAnAnswer() {
        assertEquals(NOT_AN_ANSWER, parse("text/plain", "yes please record, but who is this?"));
        assertEquals(NOT_AN_ANSWER, parse("text/plain", "yesno"));
        assertEquals(NOT_AN_ANSWER, parse("text/plain", "y"));
        assertEquals(NOT_AN_ANSWER, parse("text/plain", ""));
        assertEquals(NOT_AN_ANSWER, parse("text/plain", "yes" + " ".repeat(1000)));
        assertEquals(NOT_AN_ANSWER, parse("text/html", "yes"));
        assertEquals(NOT_AN_ANSWER, parse(null, "yes"));
        // Found by PeerAnswerParserFuzz: ";".split(";") is an empty array, and the media type read threw.
        assertEquals(NOT_AN_ANSWER, parse(";", "yes"));
        assertEquals(NOT_AN_ANSWER, parse(";;", "no"));
    }

    @Test
    void cpimWrappedText() {
        String cpim = "From: <sip:bob@example.com>\r\nTo: <sip:alice@example.com>\r\nDateTime: 2026-05-01T12:00:00Z\r\n"
                + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYes";
        assertEquals(YES, parse("message/cpim", cpim));
        assertEquals(NO, parse("Message/CPIM", cpim.replace("\r\n", "\n").replace("Yes", "no")));
        assertEquals(NOT_AN_ANSWER, parse("message/cpim", "From: x\r\n\r\nContent-Type: text/plain\r\n\r\nmaybe"));
        assertEquals(NOT_AN_ANSWER, parse("message/cpim", "garbage without headers"));
        assertEquals(NOT_AN_ANSWER, parse("message/cpim", "From: x\r\n\r\nSubject: y\r\n\r\nyes"));
        // IMDN inside CPIM, as RCS clients send delivery notifications.
        assertEquals(IGNORED, parse("message/cpim", "From: x\r\nNS: imdn <urn:ietf:params:imdn>\r\n\r\n"
                + "Content-Type: message/imdn+xml\r\nContent-Disposition: notification\r\n\r\n<imdn/>"));
        // A CPIM inside a CPIM inside a CPIM is not unwrapped forever.
        String nested = "From: x\r\n\r\nContent-Type: message/cpim\r\n\r\n" + "From: y\r\n\r\nContent-Type: message/cpim"
                + "\r\n\r\n" + cpim;
        assertEquals(NOT_AN_ANSWER, parse("message/cpim", nested));
    }

    @Test
    void isComposingAndNotificationsAreIgnored() {
        assertEquals(IGNORED, parse("application/im-iscomposing+xml",
                "<?xml version=\"1.0\"?><isComposing><state>active</state></isComposing>"));
        assertEquals(IGNORED, parse("message/imdn+xml", "<imdn/>"));
    }

    @Test
    void configuredWords() {
        PeerAnswerParser de = new PeerAnswerParser(List.of("ja", "Yes", "OK"), List.of("nein", "no"));
        assertEquals(YES, de.parseText("JA"));
        assertEquals(YES, de.parseText("ok"));
        assertEquals(NO, de.parseText("Nein."));
        assertEquals(NOT_AN_ANSWER, de.parseText("vielleicht"));
        assertThrows(IllegalArgumentException.class, () -> new PeerAnswerParser(List.of("ok"), List.of("OK")));
        assertThrows(IllegalArgumentException.class, () -> new PeerAnswerParser(List.of(" "), List.of("no")));
        assertThrows(IllegalArgumentException.class, () -> new PeerAnswerParser(List.of(), List.of("no")));
    }
}
