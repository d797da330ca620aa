package io.callrec.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.ParseException;
import javax.sip.header.ContentTypeHeader;
import org.junit.jupiter.api.Test;

class BodyCharsetTest {
    private static ContentTypeHeader type(String charset) throws ParseException {
        ContentTypeHeader t = SipFactories.headers().createContentTypeHeader("text", "plain");
        if (charset != null) {
            t.setParameter("charset", charset);
        }
        return t;
    }

    @Test
    void asciiCompatibleCharsetsAndNoneAreRelayed() throws ParseException {
        assertTrue(BodyCharset.relayable(null));
        assertTrue(BodyCharset.relayable(type(null)));
        for (String name : new String[] {"UTF-8", "utf-8", "utf8", "US-ASCII", "ISO-8859-1", "windows-1252"}) {
            assertTrue(BodyCharset.relayable(type(name)), name);
        }
        assertEquals("utf8", BodyCharset.of(type("utf8")));
        assertNull(BodyCharset.of(type(null)));
    }

    @Test
    void unknownOrNonAsciiCharsetsAreNot() throws ParseException {
        // UTF-4 is what the fuzzer sent; the others are real charsets whose ASCII is not ASCII's bytes.
        for (String name : new String[] {"UTF-4", "UTF-16", "UTF-16LE", "UTF-32", "IBM037", "x-unknown-1"}) {
            assertFalse(BodyCharset.relayable(type(name)), name);
        }
    }
}
