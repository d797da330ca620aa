package io.callrec.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MediaAttributeRewriteTest {
    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 X\r\na=rtcp-mux\r\na=crypto:2 Y\r\na=sendrecv\r\n"
            + "m=video 4002 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n";

    @Test
    void replacesTheLinesWhereTheFirstWasAndSetsTheProto() throws Exception {
        SessionDescription sd = SessionDescription.parse(SDP).withMediaAttributes(0, "RTP/SAVPF", "crypto",
                List.of("3 Z", "4 W"));
        assertEquals(SDP.replace("RTP/SAVP 0", "RTP/SAVPF 0").replace("a=crypto:1 X\r\na=rtcp-mux\r\na=crypto:2 Y",
                "a=crypto:3 Z\r\na=crypto:4 W\r\na=rtcp-mux"), sd.format());
        assertEquals(List.of("3 Z", "4 W"), sd.media().get(0).attributeValues("crypto"));
    }

    @Test
    void addsAtTheEndOfTheSectionOrRemoves() throws Exception {
        SessionDescription added = SessionDescription.parse(SDP).withMediaAttributes(1, "RTP/AVP", "crypto",
                List.of("1 Q"));
        assertEquals(SDP + "a=crypto:1 Q\r\n", added.format());
        SessionDescription removed = SessionDescription.parse(SDP).withMediaAttributes(0, "RTP/SAVP", "crypto",
                List.of());
        assertEquals(SDP.replace("a=crypto:1 X\r\n", "").replace("a=crypto:2 Y\r\n", ""), removed.format());
    }

    @Test
    void refusesWhatWouldNotBeOneAttribute() throws Exception {
        SessionDescription sd = SessionDescription.parse(SDP);
        assertThrows(IllegalArgumentException.class, () -> sd.withMediaAttributes(2, "RTP/AVP", "crypto", List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> sd.withMediaAttributes(0, "RTP/AVP", "crypto", List.of("1 X\r\na=evil")));
        assertThrows(IllegalArgumentException.class, () -> sd.withMediaAttributes(0, "RTP AVP", "crypto", List.of()));
    }
}
