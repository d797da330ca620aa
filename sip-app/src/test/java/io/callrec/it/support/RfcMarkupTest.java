package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RfcMarkupTest {

    @Test
    void linesEndInCrlfAndTrailingSpacesStay() {
        assertArrayEquals(bytes("SIP/2.0 100 \r\nl: 0\r\n\r\n"), RfcMarkup.expand("SIP/2.0 100 \nl: 0\n\n"));
    }

    @Test
    void allOneLineJoinsItsLinesAsTheyAre() {
        // RFC 4475 2.1: whitespace at a fold point starts the next line, and it is kept.
        String text = "To: \"a\"\n<allOneLine>\nFrom: <sip:x@\nexample.com>\n ;tag=1\n</allOneLine>\nl: 0\n";
        assertArrayEquals(bytes("To: \"a\"\r\nFrom: <sip:x@example.com> ;tag=1\r\nl: 0\r\n"), RfcMarkup.expand(text));
    }

    @Test
    void hexIsTheOctetsItNamesWhateverTheLayout() {
        assertArrayEquals(new byte[] {'a', 0x00, 0x7f, (byte) 0xd0, (byte) 0xbd, 'b', '\r', '\n'},
                RfcMarkup.expand("a<hex>00 7F\nD0bd</hex>b\n"));
    }

    @Test
    void repeatRepeats() {
        assertArrayEquals(bytes("Call-ID: onereallyreallyreallylong\r\n"),
                RfcMarkup.expand("Call-ID: one<repeat count=3>really</repeat>long\n"));
    }

    @Test
    void bytesOutsideMarkupMustBePrintable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RfcMarkup.expand("To: a\u0000b\n"));
        assertTrue(e.getMessage().contains("line 1, column 6"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RfcMarkup.expand("To: \u00e9\n"));
        assertThrows(IllegalArgumentException.class, () -> RfcMarkup.expand("To: a\tb\n"));
    }

    @Test
    void brokenMarkupIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> RfcMarkup.expand("<allOneLine>\na\n"));
        assertThrows(IllegalArgumentException.class, () -> RfcMarkup.expand("a\n</allOneLine>\n"));
        assertThrows(IllegalArgumentException.class, () -> RfcMarkup.expand("<hex>0</hex>\n"));
        assertThrows(IllegalArgumentException.class, () -> RfcMarkup.expand("<hex>zz</hex>\n"));
        assertThrows(IllegalArgumentException.class, () -> RfcMarkup.expand("no final line break"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
