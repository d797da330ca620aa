package io.callrec.sip.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatagramPeekTest {

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource(delimiter = '|', value = {
        "INVITE   | To: <sip:1000@example.net>                  | INVITE",
        "REGISTER | To: <sip:alice@example.net>                 | REGISTER",
        "OPTIONS  | To: <sip:ping@example.net>                  | OPTIONS",
        "MESSAGE  | t: <sip:bob@example.net>                    | OPTIONS",
        "INVITE   | To: <sip:1000@example.net>;tag=a1           | ",
        "INVITE   | TO :\"x\" <sip:1000@example.net> ; Tag = a1 | ",
        "BYE      | t: <sip:bob@example.net>;tag=z              | ",
        "INVITE   | To: <sip:1000@example.net;tagged=yes>       | INVITE",
        "ACK      | To: <sip:1000@example.net>                  | ",
        "CANCEL   | To: <sip:1000@example.net>                  | ",
    })
    void methodAndToTagDecide(String method, String to, String expected) {
        String text = method + " sip:x@example.net SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
                + "Tot: not the To header;tag=1\r\n" + to + "\r\nCall-ID: 1\r\n\r\nbody;tag=no";
        assertEquals(expected == null ? null : RequestClass.valueOf(expected), peek(text));
    }

    @Test
    void aToAfterTheHeadersIsNotRead() {
        assertEquals(RequestClass.INVITE, peek("INVITE sip:x SIP/2.0\r\nCall-ID: 1\r\n\r\nTo: <sip:x>;tag=1\r\n"));
        assertEquals(RequestClass.INVITE, peek("INVITE sip:x SIP/2.0\nTo: <sip:x>\n\n"), "bare LF line ends");
    }

    @Test
    void whatIsNotARequestLineIsNotLimited() {
        assertNull(peek("SIP/2.0 200 OK\r\nTo: <sip:x>\r\n\r\n"));
        assertNull(peek("\r\n\r\n"));
        assertNull(peek(""));
        assertNull(peek("invite sip:x SIP/2.0\r\n\r\n"));
        assertNull(peek("INVITE"));
        assertNull(peek("ABCDEFGHIJKLMNOPQRSTUVWXYZ sip:x SIP/2.0\r\n\r\n"));
    }

    @Test
    void onlyTheGivenRangeIsRead() {
        byte[] data = "xxINVITE sip:x SIP/2.0\r\nTo: <sip:x>;tag=1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(RequestClass.INVITE, DatagramPeek.limitedClass(data, 2, 28), "the tag lies past the range");
        assertNull(DatagramPeek.limitedClass(data, 2, data.length - 2));
    }

    private static RequestClass peek(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return DatagramPeek.limitedClass(b, 0, b.length);
    }
}
