package io.callrec.sdp;

import static io.callrec.sdp.SdpFixtures.OUR_ADDRESS;
import static io.callrec.sdp.SdpFixtures.OUR_ADDRESS_V6;
import static io.callrec.sdp.SdpFixtures.adjacentPorts;
import static io.callrec.sdp.SdpFixtures.anchor;
import static io.callrec.sdp.SdpFixtures.insertAfter;
import static io.callrec.sdp.SdpFixtures.lines;
import static io.callrec.sdp.SdpFixtures.load;
import static io.callrec.sdp.SdpFixtures.parse;
import static io.callrec.sdp.SdpFixtures.parseFixture;
import static io.callrec.sdp.SdpFixtures.remove;
import static io.callrec.sdp.SdpFixtures.replace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SessionDescriptionTest {

    static List<String> fixtures() {
        return SdpFixtures.ALL;
    }

    private static InetSocketAddress socket(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(literal), port); // literals only: no DNS
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Nested
    class EveryFixture {
        @ParameterizedTest
        @MethodSource("io.callrec.sdp.SessionDescriptionTest#fixtures")
        void formatOfParseIsTheInput(String name) {
            String text = load(name);
            SessionDescription sd = parse(text);
            assertEquals(text, sd.format());
            assertEquals(lines(text), sd.lines());
        }

        @ParameterizedTest
        @MethodSource("io.callrec.sdp.SessionDescriptionTest#fixtures")
        void lfInputParsesLikeCrlfAndFormatsWithCrlf(String name) {
            String text = load(name);
            SessionDescription lf = parse(text.replace("\r\n", "\n"));
            assertEquals(parse(text).lines(), lf.lines());
            assertEquals(text, lf.format());
        }

        @ParameterizedTest
        @MethodSource("io.callrec.sdp.SessionDescriptionTest#fixtures")
        void anchoredReparsesAndAnchoringAgainChangesNothing(String name) {
            SessionDescription anchored = parseFixture(name).anchored(adjacentPorts(OUR_ADDRESS));
            assertEquals(anchored.lines(), parse(anchored.format()).lines());
            assertEquals(anchored.lines(), anchored.anchored(adjacentPorts(OUR_ADDRESS)).lines());
        }

        @ParameterizedTest
        @MethodSource("io.callrec.sdp.SessionDescriptionTest#fixtures")
        void anchoredLeavesNoIpv4AddressButOurs(String name) {
            String original = load(name);
            String anchored = parseFixture(name).anchored(adjacentPorts(OUR_ADDRESS)).format();
            Matcher m = Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}\\b").matcher(anchored);
            int ours = 0;
            while (m.find()) {
                assertEquals(OUR_ADDRESS, m.group(), name + ": foreign address left in " + anchored);
                ours++;
            }
            assertTrue(ours >= 2, "o= and c= carry our address");
            assertFalse(anchored.contains("a=candidate"));
            assertNotEquals(original, anchored);
        }

        @ParameterizedTest
        @MethodSource("io.callrec.sdp.SessionDescriptionTest#fixtures")
        void sameVersionAsItselfButNotAfterAVersionBump(String name) {
            SessionDescription sd = parseFixture(name);
            assertTrue(sd.sameVersionAs(parse(load(name))));
            assertFalse(sd.sameVersionAs(sd.anchored(adjacentPorts(OUR_ADDRESS))), "o= address differs");
            Origin o = sd.origin();
            String bumped = load(name).replace("o=" + o.value(), "o=" + String.join(" ", o.username(), o.sessionId(),
                    o.version() + "1", o.netType(), o.addrType(), o.address()));
            assertFalse(sd.sameVersionAs(parse(bumped)));
        }
    }

    @Nested
    class Linphone {
        private final SessionDescription sd = parseFixture("linphone-offer");

        @Test
        void sessionFields() {
            assertEquals(new Origin("alice", "2386", "1204", "IN", "IP4", "192.168.1.20"), sd.origin());
            assertEquals(Optional.of(new Connection("IN", "IP4", "192.168.1.20")), sd.connection());
            assertEquals(Direction.SENDRECV, sd.direction());
            assertEquals(List.of("ice-pwd:0a4b1d6e3f2c8e9a7b5d1c3e", "ice-ufrag:5f2a9c1e",
                    "rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics", "record:off"),
                    sd.sessionAttributes());
            assertEquals(2, sd.media().size());
        }

        @Test
        void audio() {
            MediaDescription a = sd.media().get(0);
            assertEquals(0, a.index());
            assertEquals("audio", a.type());
            assertEquals(7078, a.port());
            assertEquals(1, a.portCount());
            assertEquals("RTP/AVP", a.proto());
            assertEquals(List.of("96", "97", "98", "0", "8", "18", "101", "99", "100"), a.formats());
            assertEquals(Optional.empty(), a.connection());
            assertEquals(Direction.SENDRECV, a.direction());
            assertTrue(a.rtcpMux());
            assertEquals(OptionalInt.of(7079), a.rtcpPort());
            assertEquals(List.of(96, 97, 98, 101, 99, 100), List.copyOf(a.rtpMaps().keySet()));
            assertEquals(new RtpMap(96, "opus", 48000, 2), a.rtpMaps().get(96));
            assertEquals(new RtpMap(100, "telephone-event", 8000, 1), a.rtpMaps().get(100));
            assertEquals(Map.of(96, "useinbandfec=1", 97, "vbr=on", 98, "vbr=on", 18, "annexb=yes"), a.fmtps());
            assertEquals(Optional.of(new RtpMap(0, "PCMU", 8000, 1)), a.codec(0));
            assertEquals(Optional.of(new RtpMap(18, "G729", 8000, 1)), a.codec(18));
            assertEquals(Optional.of(new RtpMap(97, "speex", 16000, 1)), a.codec(97));
            assertEquals(Optional.of(socket("192.168.1.20", 7078)), a.rtpAddress(sd.connection()));
            assertEquals(a.rtpAddress(sd.connection()), a.rtcpAddress(sd.connection()), "rtcp-mux");
            assertEquals(18, a.attributes().size());
        }

        @Test
        void video() {
            MediaDescription v = sd.media().get(1);
            assertEquals(1, v.index());
            assertEquals("video", v.type());
            assertEquals(new RtpMap(96, "VP8", 90000, 1), v.rtpMaps().get(96));
            assertEquals(new RtpMap(97, "H264", 90000, 1), v.rtpMaps().get(97));
            assertEquals(Map.of(97, "profile-level-id=42801F"), v.fmtps());
            assertEquals(List.of("96 nack pli", "96 nack sli", "96 ack rpsi", "96 ccm fir"),
                    v.attributeValues("rtcp-fb").subList(2, 6));
            assertEquals(OptionalInt.of(9079), v.rtcpPort());
        }

        @Test
        void anchoredChangesExactlyTheAddressPortAndIceLines() {
            List<String> expected = lines(load("linphone-offer"));
            replace(expected, "o=alice 2386 1204 IN IP4 192.168.1.20", "o=alice 2386 1204 IN IP4 203.0.113.1");
            replace(expected, "c=IN IP4 192.168.1.20", "c=IN IP4 203.0.113.1");
            replace(expected, "m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100",
                    "m=audio 40000 RTP/AVP 96 97 98 0 8 18 101 99 100");
            replace(expected, "a=rtcp:7079", "a=rtcp:40001");
            replace(expected, "m=video 9078 RTP/AVP 96 97", "m=video 40002 RTP/AVP 96 97");
            replace(expected, "a=rtcp:9079", "a=rtcp:40003");
            remove(expected, "a=candidate:", 8);
            remove(expected, "a=ice-pwd:", 1);
            remove(expected, "a=ice-ufrag:", 1);

            SessionDescription anchored = sd.anchored(adjacentPorts(OUR_ADDRESS));
            assertEquals(expected, anchored.lines());
            assertEquals(String.join("\r\n", expected) + "\r\n", anchored.format());
            assertEquals(List.of("rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics", "record:off"),
                    anchored.sessionAttributes());
            assertEquals(Optional.of(socket(OUR_ADDRESS, 40002)),
                    anchored.media().get(1).rtpAddress(anchored.connection()));
        }

        @Test
        void videoRejectedByTheAnchorGetsPortZeroKeepsFormatsAndLosesRtcp() {
            List<String> expected = lines(load("linphone-offer"));
            replace(expected, "o=alice 2386 1204 IN IP4 192.168.1.20", "o=alice 2386 1204 IN IP4 203.0.113.1");
            replace(expected, "c=IN IP4 192.168.1.20", "c=IN IP4 203.0.113.1");
            replace(expected, "m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100",
                    "m=audio 40000 RTP/AVP 96 97 98 0 8 18 101 99 100");
            replace(expected, "a=rtcp:7079", "a=rtcp:40001");
            replace(expected, "m=video 9078 RTP/AVP 96 97", "m=video 0 RTP/AVP 96 97");
            remove(expected, "a=rtcp:9079", 1);
            remove(expected, "a=candidate:", 8);
            remove(expected, "a=ice-", 2);

            SessionDescription anchored = sd.anchored(anchor(OUR_ADDRESS,
                    k -> k == 0 ? Optional.of(new PortPair(40000, 40001)) : Optional.empty()));
            assertEquals(expected, anchored.lines());
            assertTrue(anchored.media().get(1).rejected());
        }
    }

    @Nested
    class Baresip {
        private final SessionDescription sd = parseFixture("baresip-offer");

        @Test
        void fields() {
            assertEquals(new Origin("-", "3218823046", "2690423931", "IN", "IP4", "127.0.0.1"), sd.origin());
            assertEquals(List.of("tool:baresip 1.0.0"), sd.sessionAttributes());
            MediaDescription a = sd.media().get(0);
            assertEquals(List.of("96", "0", "101"), a.formats());
            assertFalse(a.rtcpMux());
            assertEquals(OptionalInt.empty(), a.rtcpPort());
            assertEquals(Direction.SENDRECV, a.direction());
            assertEquals(Map.of(96, "stereo=1;sprop-stereo=1", 101, "0-15"), a.fmtps());
            assertEquals(List.of(2914466118L), a.ssrcs());
            assertEquals(Optional.of(socket("127.0.0.1", 10024)), a.rtpAddress(sd.connection()));
            assertEquals(Optional.of(socket("127.0.0.1", 10025)), a.rtcpAddress(sd.connection()));
            MediaDescription v = sd.media().get(1);
            assertEquals(Optional.of(new RtpMap(97, "H264", 90000, 1)), v.codec(97));
            assertEquals("packetization-mode=0;profile-level-id=42e01f", v.fmtps().get(97));
            assertEquals("max-fs=3600", v.fmtps().get(98));
            assertEquals(List.of(1052897254L), v.ssrcs());
            assertTrue(v.hasAttribute("rtcp-rsize"));
        }

        @Test
        void anchoredChangesOnlyOriginConnectionAndPorts() {
            List<String> expected = lines(load("baresip-offer"));
            replace(expected, "o=- 3218823046 2690423931 IN IP4 127.0.0.1", "o=- 3218823046 2690423931 IN IP4 203.0.113.1");
            replace(expected, "c=IN IP4 127.0.0.1", "c=IN IP4 203.0.113.1");
            replace(expected, "m=audio 10024 RTP/AVP 96 0 101", "m=audio 40000 RTP/AVP 96 0 101");
            replace(expected, "m=video 10040 RTP/AVP 97 98", "m=video 40002 RTP/AVP 97 98");
            assertEquals(expected, sd.anchored(adjacentPorts(OUR_ADDRESS)).lines());
        }

        @Test
        void rtcpPortThatIsNotRtpPlusOneIsAddedAtTheEndOfTheSection() {
            List<String> expected = lines(load("baresip-offer"));
            replace(expected, "o=- 3218823046 2690423931 IN IP4 127.0.0.1", "o=- 3218823046 2690423931 IN IP4 203.0.113.1");
            replace(expected, "c=IN IP4 127.0.0.1", "c=IN IP4 203.0.113.1");
            replace(expected, "m=audio 10024 RTP/AVP 96 0 101", "m=audio 40000 RTP/AVP 96 0 101");
            replace(expected, "m=video 10040 RTP/AVP 97 98", "m=video 40010 RTP/AVP 97 98");
            insertAfter(expected, "a=ptime:20", "a=rtcp:40100");
            expected.add("a=rtcp:40110");

            SessionDescription anchored = sd.anchored(anchor(OUR_ADDRESS,
                    k -> Optional.of(new PortPair(40000 + 10 * k, 40100 + 10 * k))));
            assertEquals(expected, anchored.lines());
            assertEquals(Optional.of(socket(OUR_ADDRESS, 40110)),
                    anchored.media().get(1).rtcpAddress(anchored.connection()));
        }

        @Test
        void videoRejectedByTheAnchor() {
            List<String> expected = lines(load("baresip-offer"));
            replace(expected, "o=- 3218823046 2690423931 IN IP4 127.0.0.1", "o=- 3218823046 2690423931 IN IP4 203.0.113.1");
            replace(expected, "c=IN IP4 127.0.0.1", "c=IN IP4 203.0.113.1");
            replace(expected, "m=audio 10024 RTP/AVP 96 0 101", "m=audio 40000 RTP/AVP 96 0 101");
            replace(expected, "m=video 10040 RTP/AVP 97 98", "m=video 0 RTP/AVP 97 98");
            SessionDescription anchored = sd.anchored(anchor(OUR_ADDRESS,
                    k -> k == 0 ? Optional.of(new PortPair(40000, 40001)) : Optional.empty()));
            assertEquals(expected, anchored.lines());
        }
    }

    @Nested
    class Chrome {
        private final SessionDescription sd = parseFixture("chrome-offer");

        @Test
        void fields() {
            assertEquals(new Origin("-", "4611731400430051336", "2", "IN", "IP4", "127.0.0.1"), sd.origin());
            assertEquals(Optional.empty(), sd.connection());
            assertEquals("group:BUNDLE 0 1", sd.sessionAttributes().get(0));
            MediaDescription a = sd.media().get(0);
            MediaDescription v = sd.media().get(1);
            assertEquals("UDP/TLS/RTP/SAVPF", a.proto());
            assertEquals(Optional.of(new Connection("IN", "IP4", "192.168.1.34")), a.connection());
            assertEquals(Optional.of("0"), a.mid());
            assertEquals(Optional.of("1"), v.mid());
            assertTrue(a.rtcpMux() && v.rtcpMux());
            assertEquals(OptionalInt.of(9), a.rtcpPort());
            assertEquals(Optional.of(new Connection("IN", "IP4", "0.0.0.0")), a.rtcpConnection());
            assertEquals(Optional.of(socket("192.168.1.34", 54312)), a.rtcpAddress(sd.connection()), "rtcp-mux wins");
            assertEquals(new RtpMap(111, "opus", 48000, 2), a.rtpMaps().get(111));
            assertEquals(new RtpMap(63, "red", 48000, 2), a.rtpMaps().get(63));
            assertEquals("minptime=10;useinbandfec=1", a.fmtps().get(111));
            assertEquals(List.of(3735928559L), a.ssrcs());
            assertEquals(List.of(2882400001L, 2882400002L), v.ssrcs());
            assertEquals(List.of("FID 2882400001 2882400002"), v.attributeValues("ssrc-group"));
            assertEquals(11, v.formats().size());
            assertEquals(11, v.rtpMaps().size());
            assertEquals("apt=96", v.fmtps().get(97));
            assertEquals(Optional.of(new RtpMap(45, "AV1", 90000, 1)), v.codec(45));
            assertTrue(a.hasAttribute("fingerprint") && a.hasAttribute("setup"));
        }

        @Test
        void anchoredRewritesMediaConnectionsAndRtcpAndDropsIce() {
            List<String> expected = lines(load("chrome-offer"));
            replace(expected, "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "o=- 4611731400430051336 2 IN IP4 203.0.113.1");
            replace(expected, "c=IN IP4 192.168.1.34", "c=IN IP4 203.0.113.1", "c=IN IP4 203.0.113.1");
            replace(expected, "m=audio 54312 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
                    "m=audio 40000 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126");
            replace(expected, "m=video 54312 UDP/TLS/RTP/SAVPF 96 97 98 99 102 103 45 46 114 115 116",
                    "m=video 40002 UDP/TLS/RTP/SAVPF 96 97 98 99 102 103 45 46 114 115 116");
            replace(expected, "a=rtcp:9 IN IP4 0.0.0.0", "a=rtcp:40001 IN IP4 203.0.113.1", "a=rtcp:40003 IN IP4 203.0.113.1");
            remove(expected, "a=candidate:", 5);
            remove(expected, "a=ice-ufrag:", 2);
            remove(expected, "a=ice-pwd:", 2);
            remove(expected, "a=ice-options:", 2);
            assertEquals(expected, sd.anchored(adjacentPorts(OUR_ADDRESS)).lines());
        }

        @Test
        void muxedAnchorPortsWriteAnRtcpLineWithTheRtpPort() {
            SessionDescription anchored = sd.anchored(anchor(OUR_ADDRESS, k -> Optional.of(new PortPair(41000, 41000))));
            assertEquals(List.of("41000 IN IP4 203.0.113.1"), anchored.media().get(0).attributeValues("rtcp"));
            assertEquals(OptionalInt.of(41000), anchored.media().get(1).rtcpPort());
        }
    }

    @Nested
    class SippAndIpv6 {
        @Test
        void sippSessionLevelConnectionOnly() {
            SessionDescription sd = parseFixture("sipp-uac-pcma");
            MediaDescription a = sd.media().get(0);
            assertEquals(Optional.empty(), a.connection());
            assertEquals(Optional.of(socket("127.0.0.1", 6000)), a.rtpAddress(sd.connection()));
            assertEquals(Optional.of(socket("127.0.0.1", 6001)), a.rtcpAddress(sd.connection()));
            assertEquals(Optional.of(new RtpMap(8, "PCMA", 8000, 1)), a.codec(8));
            assertEquals(Map.of(101, "0-11,16"), a.fmtps());
            assertEquals(List.of(), sd.sessionAttributes());
        }

        @Test
        void sippAnchoredOnIpv6() {
            List<String> expected = lines(load("sipp-uac-pcma"));
            replace(expected, "o=user1 53655765 2353687637 IN IP4 127.0.0.1", "o=user1 53655765 2353687637 IN IP6 2001:db8::10");
            replace(expected, "c=IN IP4 127.0.0.1", "c=IN IP6 2001:db8::10");
            replace(expected, "m=audio 6000 RTP/AVP 8 101", "m=audio 40000 RTP/AVP 8 101");
            SessionDescription anchored = parseFixture("sipp-uac-pcma").anchored(adjacentPorts(OUR_ADDRESS_V6));
            assertEquals(expected, anchored.lines());
            assertEquals(Optional.of(socket(OUR_ADDRESS_V6, 40000)),
                    anchored.media().get(0).rtpAddress(anchored.connection()));
        }

        @Test
        void ipv6Loopback() {
            SessionDescription sd = parseFixture("baresip-ipv6");
            assertEquals(new Origin("-", "1609822103", "2143367714", "IN", "IP6", "::1"), sd.origin());
            assertEquals(Optional.of(new Connection("IN", "IP6", "::1")), sd.connection());
            assertEquals(Optional.of(socket("::1", 10010)), sd.media().get(0).rtpAddress(sd.connection()));
            assertEquals(Optional.of(socket("::1", 10011)), sd.media().get(0).rtcpAddress(sd.connection()));

            List<String> expected = lines(load("baresip-ipv6"));
            replace(expected, "o=- 1609822103 2143367714 IN IP6 ::1", "o=- 1609822103 2143367714 IN IP4 203.0.113.1");
            replace(expected, "c=IN IP6 ::1", "c=IN IP4 203.0.113.1");
            replace(expected, "m=audio 10010 RTP/AVP 0 8 101", "m=audio 40000 RTP/AVP 0 8 101");
            assertEquals(expected, sd.anchored(adjacentPorts(OUR_ADDRESS)).lines());
        }
    }

    @Nested
    class RtcpAttributeWithAddress {
        private final SessionDescription sd = parseFixture("freeswitch-rtcp-address");

        @Test
        void rtcpAddressComesFromTheAttribute() {
            MediaDescription a = sd.media().get(0);
            assertEquals(OptionalInt.of(24591), a.rtcpPort());
            assertEquals(Optional.of(new Connection("IN", "IP4", "198.51.100.6")), a.rtcpConnection());
            assertEquals(Optional.of(socket("198.51.100.5", 24572)), a.rtpAddress(sd.connection()));
            assertEquals(Optional.of(socket("198.51.100.6", 24591)), a.rtcpAddress(sd.connection()));
        }

        @Test
        void anchoredRewritesPortAndAddressOfTheAttribute() {
            List<String> expected = lines(load("freeswitch-rtcp-address"));
            replace(expected, "o=FreeSWITCH 1718000412 1718000413 IN IP4 198.51.100.5",
                    "o=FreeSWITCH 1718000412 1718000413 IN IP6 2001:db8::10");
            replace(expected, "c=IN IP4 198.51.100.5", "c=IN IP6 2001:db8::10");
            replace(expected, "m=audio 24572 RTP/AVP 0 8 101", "m=audio 40000 RTP/AVP 0 8 101");
            replace(expected, "a=rtcp:24591 IN IP4 198.51.100.6", "a=rtcp:40001 IN IP6 2001:db8::10");
            assertEquals(expected, sd.anchored(adjacentPorts(OUR_ADDRESS_V6)).lines());
        }
    }

    @Nested
    class Hold {
        @Test
        void sendonlyPerMedia() {
            SessionDescription sd = parseFixture("hold-sendonly");
            assertEquals(Direction.SENDRECV, sd.direction());
            assertEquals(Direction.SENDONLY, sd.media().get(0).direction());
            assertEquals(Direction.SENDONLY, sd.media().get(1).direction());
            assertFalse(sd.sameVersionAs(parseFixture("baresip-offer")), "version 2690423932 follows 2690423931");

            List<String> expected = lines(load("hold-sendonly"));
            replace(expected, "o=- 3218823046 2690423932 IN IP4 127.0.0.1", "o=- 3218823046 2690423932 IN IP4 203.0.113.1");
            replace(expected, "c=IN IP4 127.0.0.1", "c=IN IP4 203.0.113.1");
            replace(expected, "m=audio 10024 RTP/AVP 0 101", "m=audio 40000 RTP/AVP 0 101");
            replace(expected, "m=video 10040 RTP/AVP 98", "m=video 40002 RTP/AVP 98");
            assertEquals(expected, sd.anchored(adjacentPorts(OUR_ADDRESS)).lines());
        }

        @Test
        void sessionInactiveIsInheritedUnlessTheMediaSaysOtherwise() {
            SessionDescription sd = parseFixture("hold-inactive");
            assertEquals(Direction.INACTIVE, sd.direction());
            assertEquals(Direction.INACTIVE, sd.media().get(0).direction());
            assertEquals(Direction.RECVONLY, sd.media().get(1).direction());
            assertEquals(List.of("inactive"), sd.sessionAttributes());

            List<String> expected = lines(load("hold-inactive"));
            replace(expected, "o=alice 2386 1206 IN IP4 192.168.1.20", "o=alice 2386 1206 IN IP4 203.0.113.1");
            replace(expected, "c=IN IP4 192.168.1.20", "c=IN IP4 203.0.113.1");
            replace(expected, "m=audio 7078 RTP/AVP 96 0 8 101", "m=audio 40000 RTP/AVP 96 0 8 101");
            replace(expected, "a=rtcp:7079", "a=rtcp:40001");
            replace(expected, "m=video 9078 RTP/AVP 96", "m=video 40002 RTP/AVP 96");
            replace(expected, "a=rtcp:9079", "a=rtcp:40003");
            SessionDescription anchored = sd.anchored(adjacentPorts(OUR_ADDRESS));
            assertEquals(expected, anchored.lines());
            assertEquals(Direction.INACTIVE, anchored.media().get(0).direction());
        }

        @Test
        void oldStyleHoldAddressHasNoMediaAddress() {
            SessionDescription sd = parseFixture("hold-old-style");
            MediaDescription a = sd.media().get(0);
            assertTrue(sd.connection().orElseThrow().holdAddress());
            assertTrue(a.connection().orElseThrow().holdAddress());
            assertEquals(Direction.SENDRECV, a.direction());
            assertEquals(Optional.empty(), a.rtpAddress(sd.connection()));
            assertEquals(Optional.empty(), a.rtcpAddress(sd.connection()));
            assertEquals(Optional.of(new RtpMap(18, "G729", 8000, 1)), a.codec(18));
            assertEquals(Optional.of(new RtpMap(0, "PCMU", 8000, 1)), a.codec(0), "static, no rtpmap");
            assertEquals("annexb=no", a.fmtps().get(18));

            List<String> expected = lines(load("hold-old-style"));
            replace(expected, "o=CiscoSystemsSIP-GW-UserAgent 8472 2 IN IP4 10.20.30.5",
                    "o=CiscoSystemsSIP-GW-UserAgent 8472 2 IN IP4 203.0.113.1");
            replace(expected, "c=IN IP4 0.0.0.0", "c=IN IP4 203.0.113.1", "c=IN IP4 203.0.113.1");
            replace(expected, "m=audio 19032 RTP/AVP 18 0 101", "m=audio 40000 RTP/AVP 18 0 101");
            assertEquals(expected, sd.anchored(adjacentPorts(OUR_ADDRESS)).lines());
        }
    }

    @Nested
    class RejectedAndConnections {
        @Test
        void alreadyRejectedMediaIsNotOfferedToTheAnchorAndStaysAsItIs() {
            SessionDescription sd = parseFixture("asterisk-video-rejected");
            assertFalse(sd.media().get(0).rejected());
            assertTrue(sd.media().get(1).rejected());
            assertEquals(Optional.empty(), sd.media().get(1).rtpAddress(sd.connection()));

            List<Integer> asked = new ArrayList<>();
            SessionDescription anchored = sd.anchored(anchor(OUR_ADDRESS, k -> {
                asked.add(k);
                return Optional.of(new PortPair(40000, 40001));
            }));
            assertEquals(List.of(0), asked);
            List<String> expected = lines(load("asterisk-video-rejected"));
            replace(expected, "o=- 1718021542 1718021544 IN IP4 192.0.2.20", "o=- 1718021542 1718021544 IN IP4 203.0.113.1");
            replace(expected, "c=IN IP4 192.0.2.20", "c=IN IP4 203.0.113.1");
            replace(expected, "m=audio 15432 RTP/AVP 8 101", "m=audio 40000 RTP/AVP 8 101");
            assertEquals(expected, anchored.lines());
        }

        @Test
        void mediaLevelConnectionsOnly() {
            SessionDescription sd = parseFixture("media-level-connection");
            assertEquals(Optional.empty(), sd.connection());
            MediaDescription a = sd.media().get(0);
            MediaDescription v = sd.media().get(1);
            assertEquals(Optional.of(socket("203.0.113.81", 31000)), a.rtpAddress(sd.connection()));
            assertEquals(Optional.of(socket("203.0.113.82", 31002)), v.rtpAddress(sd.connection()));
            assertEquals(Optional.of(new RtpMap(9, "G722", 8000, 1)), a.codec(9));
            assertEquals(List.of("x-sbc-media-id:aud-1"), a.attributes().subList(3, 4));

            List<String> expected = lines(load("media-level-connection"));
            replace(expected, "o=sbc 771349 771350 IN IP4 203.0.113.80", "o=sbc 771349 771350 IN IP4 203.0.113.1");
            replace(expected, "c=IN IP4 203.0.113.81", "c=IN IP4 203.0.113.1");
            replace(expected, "c=IN IP4 203.0.113.82", "c=IN IP4 203.0.113.1");
            replace(expected, "m=audio 31000 RTP/AVP 9 8 0 101", "m=audio 40000 RTP/AVP 9 8 0 101");
            replace(expected, "m=video 31002 RTP/AVP 109", "m=video 40002 RTP/AVP 109");
            SessionDescription anchored = sd.anchored(adjacentPorts(OUR_ADDRESS));
            assertEquals(expected, anchored.lines());
            assertEquals(Optional.empty(), anchored.connection(), "no session c= is added");
        }

        @Test
        void mediaWithoutAnyConnectionGetsOursAfterMAndI() {
            String text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"
                    + "m=audio 5000 RTP/AVP 0\r\ni=no c= here\r\nb=AS:64\r\na=sendrecv\r\n"
                    + "m=video 0 RTP/AVP 96\r\na=rtcp:5003 IN IP4 192.0.2.1\r\n"
                    + "m=video 5002 RTP/AVP 96\r\nc=IN IP4 192.0.2.1\r\na=rtpmap:96 VP8/90000\r\n";
            SessionDescription anchored = parse(text).anchored(adjacentPorts(OUR_ADDRESS));
            assertEquals(List.of("v=0", "o=- 1 1 IN IP4 203.0.113.1", "s=-", "t=0 0",
                    "m=audio 40000 RTP/AVP 0", "i=no c= here", "c=IN IP4 203.0.113.1", "b=AS:64", "a=sendrecv",
                    "m=video 0 RTP/AVP 96", "c=IN IP4 203.0.113.1",
                    "m=video 40004 RTP/AVP 96", "c=IN IP4 203.0.113.1", "a=rtpmap:96 VP8/90000"),
                    anchored.lines());
        }

        @Test
        void portCountIsDroppedAndSessionLevelRtcpRemoved() {
            String text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                    + "a=rtcp:7000\r\na=ice-lite\r\na=x-keep:me\r\n"
                    + "m=audio  5000/2  RTP/AVP  0\r\na=end-of-candidates\r\na=remote-candidates:1 192.0.2.1 5000\r\n"
                    + "a=ice-mismatch\r\na=ICE-PWD:x\r\na=ice-pacing:50\r\n";
            SessionDescription sd = parse(text);
            assertEquals(2, sd.media().get(0).portCount());
            SessionDescription anchored = sd.anchored(adjacentPorts(OUR_ADDRESS));
            assertEquals(List.of("v=0", "o=- 1 1 IN IP4 203.0.113.1", "s=-", "c=IN IP4 203.0.113.1", "t=0 0",
                    "a=x-keep:me", "m=audio  40000  RTP/AVP  0"), anchored.lines());
        }

        @Test
        void anchorAddressMustBeAnIpLiteral() {
            SessionDescription sd = parseFixture("sipp-uac-pcma");
            assertThrows(IllegalArgumentException.class, () -> sd.anchored(adjacentPorts("relay.example.com")));
            assertThrows(IllegalArgumentException.class, () -> sd.anchored(adjacentPorts("203.0.113.1 x")));
            assertThrows(NullPointerException.class, () -> sd.anchored(anchor(OUR_ADDRESS, k -> null)));
        }
    }

    @Nested
    class Lenience {
        private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";

        @Test
        void unknownLineTypesAreKeptInPlace() {
            String text = HEAD + "y=unknown session line\r\nm=audio 5000 RTP/AVP 0\r\nQ=odd\r\na=sendrecv\r\n";
            SessionDescription sd = parse(text);
            assertEquals(text, sd.format());
            assertEquals(List.of("v=0", "o=- 1 1 IN IP4 203.0.113.1", "s=-", "c=IN IP4 203.0.113.1", "t=0 0",
                    "y=unknown session line", "m=audio 40000 RTP/AVP 0", "Q=odd", "a=sendrecv"),
                    sd.anchored(adjacentPorts(OUR_ADDRESS)).lines());
        }

        @Test
        void blankLinesAndAMissingFinalLineEndAreTolerated() {
            SessionDescription sd = parse("v=0\no=- 1 1 IN IP4 192.0.2.1\r\n\r\ns=-\nm=audio 5000 RTP/AVP 0\r\n\r\n\r\n");
            assertEquals(List.of("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "m=audio 5000 RTP/AVP 0"), sd.lines());
            assertEquals("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\n",
                    parse("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nm=audio 5000 RTP/AVP 0").format());
        }

        @Test
        void malformedRtpmapAndFmtpAreKeptButNotInterpreted() {
            SessionDescription sd = parse(HEAD + "m=audio 5000 RTP/AVP 96 97\r\na=rtpmap:96 opus\r\n"
                    + "a=rtpmap:97 x/notanumber\r\na=fmtp:abc x=1\r\na=rtpmap:97 L16/16000/1\r\n");
            MediaDescription m = sd.media().get(0);
            assertEquals(Map.of(97, new RtpMap(97, "L16", 16000, 1)), m.rtpMaps());
            assertEquals(Map.of(), m.fmtps());
            assertEquals(4, m.attributes().size());
            assertEquals(Optional.empty(), m.codec(96));
        }

        @Test
        void firstRtpmapOfAPayloadTypeWins() {
            SessionDescription sd = parse(HEAD + "m=audio 5000 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\n"
                    + "a=rtpmap:96 PCMU/8000\r\na=fmtp:96 a=1\r\na=fmtp:96 b=2\r\n");
            assertEquals(new RtpMap(96, "opus", 48000, 2), sd.media().get(0).rtpMaps().get(96));
            assertEquals("a=1", sd.media().get(0).fmtps().get(96));
        }

        @Test
        void mediaWithoutFormatsParses() {
            SessionDescription sd = parse(HEAD + "m=video 0 RTP/AVP\r\n");
            assertEquals(List.of(), sd.media().get(0).formats());
        }
    }

    @Nested
    class Errors {
        private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";

        private SdpParseException fails(String text) {
            return assertThrows(SdpParseException.class, () -> SessionDescription.parse(text));
        }

        private void failsAt(String text, int line, String reasonPart) {
            SdpParseException e = fails(text);
            assertEquals(line, e.lineNumber(), e.getMessage());
            assertTrue(e.reason().contains(reasonPart), e.getMessage());
            assertEquals("SDP line " + line + ": " + e.reason(), e.getMessage());
        }

        @Test
        void structure() {
            failsAt("", 1, "missing v=");
            failsAt("\r\n\r\n", 1, "missing v=");
            failsAt("o=- 1 1 IN IP4 192.0.2.1\r\nv=0\r\n", 1, "first line must be v=");
            failsAt("v=1\r\no=- 1 1 IN IP4 192.0.2.1\r\n", 1, "unsupported SDP version");
            failsAt("v=0\r\ns=-\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n", 4, "missing o=");
            failsAt("v=0\r\ns=-\r\n", 3, "missing o=");
            failsAt(HEAD + "o=- 2 2 IN IP4 192.0.2.1\r\n", 6, "second o=");
            failsAt(HEAD + "m=audio 5000 RTP/AVP 0\r\no=- 2 2 IN IP4 192.0.2.1\r\n", 7, "only in the session section");
            failsAt(HEAD + "m=audio 5000 RTP/AVP 0\r\nv=0\r\n", 7, "v= allowed only");
            failsAt(HEAD + "no equals sign\r\n", 6, "expected <type>=<value>");
            failsAt(HEAD + "1=digit type\r\n", 6, "expected <type>=<value>");
            failsAt(HEAD + "a =space\r\n", 6, "expected <type>=<value>");
            failsAt(HEAD + "x\r\n", 6, "expected <type>=<value>");
        }

        @Test
        void fields() {
            failsAt("v=0\r\no=- 1 IN IP4 192.0.2.1\r\n", 2, "o= needs 6 fields");
            failsAt(HEAD + "c=IN IP4\r\n", 6, "c= needs");
            failsAt(HEAD + "m=audio 5000\r\n", 6, "m= needs");
            failsAt(HEAD + "m=audio abc RTP/AVP 0\r\n", 6, "m= port \"abc\" is not a number");
            failsAt(HEAD + "m=audio -1 RTP/AVP 0\r\n", 6, "m= port");
            failsAt(HEAD + "m=audio 65536 RTP/AVP 0\r\n", 6, "m= port");
            failsAt(HEAD + "m=audio 99999999999 RTP/AVP 0\r\n", 6, "m= port");
            failsAt(HEAD + "m=audio 50\"0\\ RTP/AVP 0\r\n", 6, "m= port \"50?0?\" is not a number");
            failsAt(HEAD + "m=audio 5000/0 RTP/AVP 0\r\n", 6, "port count");
            failsAt(HEAD + "m=audio 5000/ RTP/AVP 0\r\n", 6, "port count");
            failsAt(HEAD + "m=audio 5000 RTP/AVP 0\r\na=rtcp:x\r\n", 7, "a=rtcp port");
            failsAt(HEAD + "m=audio 5000 RTP/AVP 0\r\na=rtcp:5001 IN IP4\r\n", 7, "a=rtcp needs");
            failsAt(HEAD + "m=audio 5000 RTP/AVP 0\r\nc=IN\r\n", 7, "c= needs");
        }

        @Test
        void controlCharacters() {
            failsAt(HEAD + "a=x\ry\r\n", 6, "carriage return");
            failsAt(HEAD + "a=x\r\r\n", 6, "carriage return");
            failsAt(HEAD + "a=x\0\r\n", 6, "NUL");
        }

        @Test
        void lineLengthIsBoundedInBytes() {
            String ok = "a=" + "x".repeat(4094);
            assertEquals(4096, ok.length());
            assertEquals(ok.substring(2), parse(HEAD + ok + "\r\n").sessionAttributes().get(0));
            failsAt(HEAD + ok + "y\r\n", 6, "longer than 4096 bytes");
            // 1365 three-byte characters: 4097 bytes in UTF-8 although only 1367 chars
            failsAt(HEAD + "a=" + "\u20ac".repeat(1365) + "\r\n", 6, "longer than 4096 bytes");
        }

        @Test
        void bodyIsBoundedTo64KiB() {
            StringBuilder b = new StringBuilder(HEAD);
            String attr = "a=" + "p".repeat(998) + "\r\n"; // 1002 bytes
            while (b.length() + attr.length() <= 65536) {
                b.append(attr);
            }
            int missing = 65536 - b.length();
            b.append("a=").append("q".repeat(missing - 4)).append("\r\n");
            assertEquals(65536, b.length());
            assertEquals(65536, parse(b.toString()).format().length());
            SdpParseException e = fails(b + "s");
            assertEquals(0, e.lineNumber());
            assertEquals("SDP: body larger than 65536 bytes", e.getMessage());
            assertEquals(0, fails(b.toString().replace('q', '\u00e9')).lineNumber(), "counted in UTF-8 bytes");
        }

        @Test
        void atMost64MediaLines() {
            String m = "m=audio 5000 RTP/AVP 0\r\n";
            assertEquals(64, parse(HEAD + m.repeat(64)).media().size());
            failsAt(HEAD + m.repeat(65), 5 + 65, "more than 64 m-lines");
        }
    }
}
