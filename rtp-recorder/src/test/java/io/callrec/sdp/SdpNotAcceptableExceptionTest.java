package io.callrec.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;

class SdpNotAcceptableExceptionTest {
    @Test
    void namesTheMediaLineAndIsAnUnusableSdp() {
        SdpNotAcceptableException e = new SdpNotAcceptableException(1, "DTLS-SRTP is not supported");
        assertEquals("m-line 1: DTLS-SRTP is not supported", e.reason());
        assertEquals("SDP: m-line 1: DTLS-SRTP is not supported", e.getMessage());
        assertEquals(0, e.lineNumber());
        assertInstanceOf(SdpParseException.class, e, "callers that only know SdpParseException still refuse it");
    }
}
