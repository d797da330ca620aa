package io.callrec.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SipWarningTest {

    @Test
    void headerValueFollowsRfc3261() {
        assertEquals("399 callrec \"unknown type 'x'\"", SipWarning.headerValue("unknown type 'x'"));
    }

    @Test
    void quotesBackslashesAndLineBreaksCannotEscapeTheQuotedString() {
        assertEquals("399 callrec \"a \\\"b\\\" \\\\ c  d\"", SipWarning.headerValue("a \"b\" \\ c\r\nd"));
        assertEquals("399 callrec \"x y\"", SipWarning.headerValue("x\u0000y"));
    }

    @Test
    void longTextsAreCut() {
        String v = SipWarning.headerValue("w".repeat(5000));
        assertTrue(v.length() < SipWarning.MAX_TEXT + 20, v);
        assertTrue(v.endsWith("...\""), v);
    }

    @Test
    void infoAnswersCarryAWarningExactlyWhenTheyFail() {
        assertEquals(null, InfoAnswer.OK.warningHeader());
        assertEquals("399 callrec \"no\"", InfoAnswer.forbidden("no").warningHeader());
        assertThrows(IllegalArgumentException.class, () -> new InfoAnswer(403, null));
        assertThrows(IllegalArgumentException.class, () -> new InfoAnswer(200, "fine"));
    }
}
