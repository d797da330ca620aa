package io.callrec.sdp;

import static io.callrec.sdp.SdpFixtures.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class MediaDescriptionTest {
    private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n";

    private static SessionDescription sdp(String body) {
        return parse(HEAD + body);
    }

    private static InetSocketAddress socket(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void mediaConnectionOverridesTheSessionOne() {
        SessionDescription sd = sdp("c=IN IP4 192.0.2.1\r\nm=audio 5000 RTP/AVP 0\r\nc=IN IP4 192.0.2.9\r\n"
                + "m=audio 6000 RTP/AVP 0\r\n");
        assertEquals(Optional.of(socket("192.0.2.9", 5000)), sd.media().get(0).rtpAddress(sd.connection()));
        assertEquals(Optional.of(socket("192.0.2.1", 6000)), sd.media().get(1).rtpAddress(sd.connection()));
        assertEquals(Optional.of(new Connection("IN", "IP4", "192.0.2.9")),
                sd.media().get(0).effectiveConnection(sd.connection()));
    }

    @Test
    void noAddressWithoutAnyConnectionForHostNamesOrOtherNetworks() {
        SessionDescription none = sdp("m=audio 5000 RTP/AVP 0\r\n");
        assertEquals(Optional.empty(), none.media().get(0).rtpAddress(none.connection()));
        assertEquals(Optional.empty(), none.media().get(0).rtcpAddress(none.connection()));
        SessionDescription host = sdp("c=IN IP4 media.example.com\r\nm=audio 5000 RTP/AVP 0\r\n");
        assertEquals(Optional.empty(), host.media().get(0).rtpAddress(host.connection()));
        SessionDescription atm = sdp("c=ATM NSAP 47.0091.8100.0000.0060.3e64.fd01.0060.3e64.fd01.00\r\n"
                + "m=audio 5000 RTP/AVP 0\r\n");
        assertEquals(Optional.empty(), atm.media().get(0).rtpAddress(atm.connection()));
    }

    @Test
    void multicastSuffixIsNotPartOfTheAddress() {
        SessionDescription sd = sdp("c=IN IP4 233.252.0.1/127\r\nm=audio 5000 RTP/AVP 0\r\n");
        assertEquals(Optional.of(socket("233.252.0.1", 5000)), sd.media().get(0).rtpAddress(sd.connection()));
    }

    @Test
    void rtcpAttributeWithoutAddressUsesTheMediaConnection() {
        SessionDescription sd = sdp("c=IN IP4 192.0.2.1\r\nm=audio 5000 RTP/AVP 0\r\nc=IN IP6 2001:db8::5\r\n"
                + "a=rtcp:5999\r\n");
        MediaDescription m = sd.media().get(0);
        assertEquals(Optional.empty(), m.rtcpConnection());
        assertEquals(Optional.of(socket("2001:db8::5", 5999)), m.rtcpAddress(sd.connection()));
    }

    @Test
    void rtcpOnRtpPlusOneUnlessThatIsNoPort() {
        SessionDescription sd = sdp("c=IN IP4 192.0.2.1\r\nm=audio 65535 RTP/AVP 0\r\nm=audio 0 RTP/AVP 0\r\n"
                + "a=rtcp:7001\r\n");
        assertEquals(Optional.of(socket("192.0.2.1", 65535)), sd.media().get(0).rtpAddress(sd.connection()));
        assertEquals(Optional.empty(), sd.media().get(0).rtcpAddress(sd.connection()));
        assertEquals(Optional.empty(), sd.media().get(1).rtcpAddress(sd.connection()), "rejected");
    }

    @Test
    void rtcpMuxUsesTheRtpAddressEvenWithAnRtcpAttribute() {
        SessionDescription sd = sdp("c=IN IP4 192.0.2.1\r\nm=video 5000 RTP/AVPF 96\r\na=rtcp:5001\r\na=rtcp-mux\r\n");
        MediaDescription m = sd.media().get(0);
        assertTrue(m.rtcpMux());
        assertEquals(OptionalInt.of(5001), m.rtcpPort());
        assertEquals(Optional.of(socket("192.0.2.1", 5000)), m.rtcpAddress(sd.connection()));
    }

    @Test
    void codecFromRtpmapThenFromTheStaticTableForRtpProfilesOnly() {
        SessionDescription sd = sdp("m=audio 5000 RTP/SAVP 0 9 19 96 97\r\na=rtpmap:96 opus/48000/2\r\n"
                + "m=application 5002 UDP/BFCP *\r\n");
        MediaDescription m = sd.media().get(0);
        assertEquals(Optional.of(new RtpMap(0, "PCMU", 8000, 1)), m.codec(0));
        assertEquals(Optional.of(new RtpMap(9, "G722", 8000, 1)), m.codec(9));
        assertEquals(Optional.empty(), m.codec(19), "reserved");
        assertEquals(Optional.of(new RtpMap(96, "opus", 48000, 2)), m.codec(96));
        assertEquals(Optional.empty(), m.codec(97), "dynamic without rtpmap");
        MediaDescription bfcp = sd.media().get(1);
        assertEquals(List.of("*"), bfcp.formats());
        assertEquals(Optional.empty(), bfcp.codec(0));
    }

    @Test
    void rtpmapOverridesTheStaticAssignment() {
        SessionDescription sd = sdp("m=audio 5000 RTP/AVP 8\r\na=rtpmap:8 PCMA/16000\r\n");
        assertEquals(Optional.of(new RtpMap(8, "PCMA", 16000, 1)), sd.media().get(0).codec(8));
    }

    @Test
    void ssrcsAreDistinctInOrderAndGarbageIsIgnored() {
        SessionDescription sd = sdp("m=video 5000 RTP/AVP 96\r\na=ssrc:42 cname:x\r\na=ssrc:7 cname:x\r\n"
                + "a=ssrc:42 msid:a b\r\na=ssrc:abc cname:y\r\na=ssrc:4294967296 cname:z\r\na=ssrc:4294967295\r\n"
                + "a=ssrc:\r\na=ssrc:-1 cname:q\r\n");
        assertEquals(List.of(42L, 7L, 4294967295L), sd.media().get(0).ssrcs());
    }

    @Test
    void attributeLookups() {
        MediaDescription m = sdp("m=audio 5000 RTP/AVP 0\r\na=mid:audio\r\na=rtcp-mux\r\na=ptime:20\r\na=ptime:30\r\n")
                .media().get(0);
        assertEquals(Optional.of("audio"), m.mid());
        assertEquals(List.of("20", "30"), m.attributeValues("ptime"));
        assertEquals(List.of(""), m.attributeValues("rtcp-mux"));
        assertTrue(m.hasAttribute("rtcp-mux"));
        assertFalse(m.hasAttribute("rtcp"));
        assertFalse(m.hasAttribute("ptime:20"));
        assertEquals(Optional.empty(), sdp("m=audio 5000 RTP/AVP 0\r\n").media().get(0).mid());
    }

    @Test
    void rejectedMeansPortZero() {
        SessionDescription sd = sdp("c=IN IP4 192.0.2.1\r\nm=audio 0 RTP/AVP 0\r\nm=audio 1 RTP/AVP 0\r\n");
        assertTrue(sd.media().get(0).rejected());
        assertEquals(Optional.empty(), sd.media().get(0).rtpAddress(sd.connection()));
        assertFalse(sd.media().get(1).rejected());
    }

    @Test
    void collectionsAreCopiedAndUnmodifiable() {
        Map<Integer, RtpMap> maps = new HashMap<>();
        maps.put(96, new RtpMap(96, "VP8", 90000, 1));
        List<String> formats = new java.util.ArrayList<>(List.of("96"));
        MediaDescription m = new MediaDescription(0, "video", 5000, 1, "RTP/AVP", formats, Optional.empty(),
                Direction.SENDRECV, false, OptionalInt.empty(), maps, Map.of(), List.of("rtpmap:96 VP8/90000"));
        maps.clear();
        formats.clear();
        assertEquals(1, m.rtpMaps().size());
        assertEquals(List.of("96"), m.formats());
        assertThrows(UnsupportedOperationException.class, () -> m.rtpMaps().clear());
        assertThrows(UnsupportedOperationException.class, () -> m.formats().add("97"));
        assertThrows(UnsupportedOperationException.class, () -> m.attributes().add("x"));
        assertThrows(NullPointerException.class, () -> new MediaDescription(0, "video", 5000, 1, "RTP/AVP",
                List.of(), null, Direction.SENDRECV, false, OptionalInt.empty(), Map.of(), Map.of(), List.of()));
    }
}
