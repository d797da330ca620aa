package io.callrec.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void noTextStillGivesAReason() {
        assertEquals("malformed message", SanitizingParserFactory.printable(null));
    }
}
