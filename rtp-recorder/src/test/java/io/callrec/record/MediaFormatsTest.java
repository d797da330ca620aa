package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.relay.Side;
import io.callrec.sdp.SessionDescription;
import org.junit.jupiter.api.Test;

class MediaFormatsTest {
    private static SessionDescription sdp(String... lines) throws Exception {
        return SessionDescription.parse(String.join("\r\n", lines) + "\r\n");
    }

    private static final String[] HEAD = {"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0"};

    private static SessionDescription offer() throws Exception {
        return sdp(HEAD[0], HEAD[1], HEAD[2], HEAD[3], HEAD[4],
                "m=audio 4000 RTP/AVP 8 0 101",
                "a=rtpmap:101 telephone-event/8000",
                "m=video 4002 RTP/AVP 96",
                "a=rtpmap:96 H264/90000",
                "a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAHtkA,aM4G4g==",
                "a=rtcp-fb:96 ccm fir");
    }

    private static SessionDescription answer() throws Exception {
        return sdp(HEAD[0], HEAD[1], HEAD[2], HEAD[3], HEAD[4],
                "m=audio 5000 RTP/AVP 8 101",
                "a=rtpmap:101 telephone-event/8000",
                "m=video 5002 RTP/AVP 100",
                "a=rtpmap:100 H264/90000",
                "a=fmtp:100 packetization-mode=1");
    }

    @Test
    void whatAPartySendsIsDescribedByTheReceiversSdpFirst() throws Exception {
        MediaFormats f = MediaFormats.of(offer(), answer());
        // A (offerer) sends video to B with B's payload type 100; its own 96 is also understood
        assertEquals("H264", f.format(1, Side.A, 100).orElseThrow().encoding());
        assertEquals("H264", f.format(1, Side.A, 96).orElseThrow().encoding());
        assertEquals("1", f.format(1, Side.B, 96).orElseThrow().fmtp().get("packetization-mode"));
        assertEquals("Z0LAHtkA,aM4G4g==", f.format(1, Side.B, 96).orElseThrow().fmtp().get("sprop-parameter-sets"),
                "base64 padding '=' survives");
        assertTrue(f.format(0, Side.B, 101).orElseThrow().isTelephoneEvent());
        assertEquals("PCMU", f.format(0, Side.B, 0).orElseThrow().encoding(), "static payload type from the offer");
        assertTrue(f.format(0, Side.A, 9).isEmpty());
    }

    @Test
    void firIsUsedOnlyWithSendersThatAcceptIt() throws Exception {
        MediaFormats f = MediaFormats.of(offer(), answer());
        assertTrue(f.streams().get(1).firAcceptedBy(Side.A));
        assertFalse(f.streams().get(1).firAcceptedBy(Side.B));
    }

    @Test
    void oneSideMayBeUnknownYet() throws Exception {
        MediaFormats f = MediaFormats.of(offer(), null);
        assertEquals(2, f.streams().size());
        assertEquals("PCMA", f.format(0, Side.A, 8).orElseThrow().encoding());
    }

    @Test
    void journalRoundTripKeepsEverything() throws Exception {
        MediaFormats f = MediaFormats.of(offer(), answer());
        String json = Manifest.JSON.writeValueAsString(f);
        assertEquals(f, Manifest.JSON.readValue(json, MediaFormats.class));
    }
}
