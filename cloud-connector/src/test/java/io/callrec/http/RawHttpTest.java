package io.callrec.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RawHttpTest {

    @Test
    void parsesHeadersAndAPlainBody() {
        RawHttp.Response r = RawHttp.parse(("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nX-A: 1\r\nx-a: 2\r\n"
                + "Content-Length: 3\r\n\r\nabc").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(403, r.status());
        assertEquals("1", r.header("X-A"));
        assertEquals(java.util.List.of("1", "2"), r.headers("x-A"));
        assertEquals("abc", r.bodyText());
        assertEquals(null, r.header("Server"));
    }

    @Test
    void dechunksAChunkedBody() {
        RawHttp.Response r = RawHttp.parse(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\na;ext=1\r\n0123456789\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("abc0123456789", r.bodyText());
    }

    @Test
    void somethingElseIsNotAResponse() {
        assertThrows(AssertionError.class, () -> RawHttp.parse("SSH-2.0-x\r\n".getBytes(StandardCharsets.ISO_8859_1)));
    }
}
