package io.callrec.sdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class SdpTextTest {
    @Test
    void fieldsSplitOnRunsOfSpaces() {
        assertEquals(List.of("a", "b", "c"), SdpText.fields("  a b   c "));
        assertEquals(List.of(), SdpText.fields(""));
        assertEquals(List.of("a\tb"), SdpText.fields("a\tb"));
    }

    @Test
    void fieldBoundsLocateAFieldInTheRawText() {
        assertArrayEquals(new int[] {8, 14}, SdpText.fieldBounds("audio   5000/2 RTP/AVP", 1));
        assertArrayEquals(new int[] {0, 5}, SdpText.fieldBounds("audio   5000/2 RTP/AVP", 0));
        assertNull(SdpText.fieldBounds("audio", 1));
    }

    @Test
    void parseUnsignedAcceptsAsciiDigitsUpToMax() {
        assertEquals(0, SdpText.parseUnsigned("0", 10));
        assertEquals(65535, SdpText.parseUnsigned("65535", 65535));
        assertEquals(-1, SdpText.parseUnsigned("65536", 65535));
        assertEquals(-1, SdpText.parseUnsigned("", 10));
        assertEquals(-1, SdpText.parseUnsigned("+1", 10));
        assertEquals(-1, SdpText.parseUnsigned("\u0661", 10));
        assertEquals(-1, SdpText.parseUnsigned("99999999999", Integer.MAX_VALUE));
        assertEquals(Integer.MAX_VALUE, SdpText.parseUnsigned("2147483647", Integer.MAX_VALUE));
    }

    @Test
    void attributeNameAndValue() {
        assertEquals("rtpmap", SdpText.attributeName("rtpmap:96 opus/48000/2"));
        assertEquals("96 opus/48000/2", SdpText.attributeValue("rtpmap:96 opus/48000/2"));
        assertEquals("rtcp-mux", SdpText.attributeName("rtcp-mux"));
        assertEquals("", SdpText.attributeValue("rtcp-mux"));
        assertEquals("a:b", SdpText.attributeValue("x:a:b"));
    }
}
