package io.callrec.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/** Test helpers: fixture loading, line lists and test anchors. */
final class SdpFixtures {
    /**
     * The fixtures under src/test/resources/sdp (CRLF, as on the wire). Which client each imitates:
     * <ul>
     * <li>linphone-offer: Linphone 5.x desktop/Android offer (liblinphone/belle-sdp): opus/speex/G.711/G.729
     * + telephone-event at three rates, VP8/H264 with rtcp-fb, ICE candidates, rtcp-mux with a=rtcp,
     * rtcp-xr and a=record:off at session level.</li>
     * <li>baresip-offer: baresip 1.0.0 (re/libre SDP): a=tool, opus/PCMU + telephone-event, H264
     * packetization-mode=0 / VP8, b=AS, a=label, a=ssrc cname, a=rtcp-rsize, no a=rtcp.</li>
     * <li>chrome-offer: Chrome ~120 unified-plan offer after ICE gathering (as sent by SIP-over-WebSocket
     * clients like JsSIP/SIP.js): BUNDLE, candidates, DTLS fingerprint, setup:actpass, rtcp-mux,
     * a=rtcp:9 IN IP4 0.0.0.0, extmap, msid, ssrc-group FID, many codecs with rtx/red/ulpfec.</li>
     * <li>sipp-uac-pcma: SIPp 3.x uac_pcap scenario: PCMA + telephone-event 0-11,16, session-level c= only.</li>
     * <li>freeswitch-rtcp-address: FreeSWITCH 1.10 answer with {@code a=rtcp:PORT IN IP4 addr}; the RTCP
     * port and address were chosen different from RTP+1 / c= to test that they are honoured.</li>
     * <li>hold-sendonly: baresip 1.0.0 re-INVITE putting the call on hold (a=sendonly per m-line).</li>
     * <li>hold-inactive: Linphone hold with a session-level a=inactive and a media-level override.</li>
     * <li>hold-old-style: Cisco IOS gateway style RFC 2543 hold: c=IN IP4 0.0.0.0 (session and media), G.729.</li>
     * <li>asterisk-video-rejected: Asterisk 18 (chan_pjsip) answer declining video with port 0.</li>
     * <li>baresip-ipv6: baresip 1.0.0 on IPv6 loopback: o= and c= IN IP6 ::1.</li>
     * <li>media-level-connection: an SBC answer with c= only per m-line (no session c=), i= and b=TIAS,
     * an x- attribute and H264 sprop-parameter-sets.</li>
     * </ul>
     */
    static final List<String> ALL = List.of("linphone-offer", "baresip-offer", "chrome-offer", "sipp-uac-pcma",
            "freeswitch-rtcp-address", "hold-sendonly", "hold-inactive", "hold-old-style",
            "asterisk-video-rejected", "baresip-ipv6", "media-level-connection");

    static final String OUR_ADDRESS = "203.0.113.1";
    static final String OUR_ADDRESS_V6 = "2001:db8::10";

    private SdpFixtures() {
    }

    static String load(String name) {
        try (InputStream in = SdpFixtures.class.getResourceAsStream("/sdp/" + name + ".sdp")) {
            assertNotNull(in, "fixture " + name);
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.endsWith("\r\n") && !text.replace("\r\n", "").contains("\n"),
                    name + " must be stored with CRLF line endings");
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SessionDescription parse(String text) {
        try {
            return SessionDescription.parse(text);
        } catch (SdpParseException e) {
            throw new AssertionError("unexpected: " + e.getMessage(), e);
        }
    }

    static SessionDescription parseFixture(String name) {
        return parse(load(name));
    }

    /** CRLF text as a list of lines without endings. */
    static List<String> lines(String crlfText) {
        assertTrue(crlfText.endsWith("\r\n"));
        return new ArrayList<>(Arrays.asList(crlfText.substring(0, crlfText.length() - 2).split("\r\n", -1)));
    }

    /** Replaces the occurrences of {@code from}, in order, by {@code to}; there must be exactly as many. */
    static void replace(List<String> lines, String from, String... to) {
        int found = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals(from)) {
                assertTrue(found < to.length, "more than " + to.length + " lines \"" + from + "\"");
                lines.set(i, to[found++]);
            }
        }
        assertEquals(to.length, found, "occurrences of \"" + from + "\"");
    }

    /** Removes the lines starting with the prefix; there must be exactly {@code count}. */
    static void remove(List<String> lines, String prefix, int count) {
        int before = lines.size();
        lines.removeIf(l -> l.startsWith(prefix));
        assertEquals(count, before - lines.size(), "lines starting with \"" + prefix + "\"");
    }

    /** Inserts {@code line} right after the only occurrence of {@code after}. */
    static void insertAfter(List<String> lines, String after, String line) {
        int at = lines.indexOf(after);
        assertTrue(at >= 0 && lines.lastIndexOf(after) == at, "exactly one \"" + after + "\"");
        lines.add(at + 1, line);
    }

    /** Anchor giving m-line k the ports 40000+2k / 40001+2k. */
    static Anchor adjacentPorts(String address) {
        return anchor(address, k -> Optional.of(new PortPair(40000 + 2 * k, 40001 + 2 * k)));
    }

    static Anchor anchor(String address, IntFunction<Optional<PortPair>> portsByIndex) {
        return new Anchor() {
            @Override
            public String address() {
                return address;
            }

            @Override
            public Optional<PortPair> ports(MediaDescription m) {
                return portsByIndex.apply(m.index());
            }
        };
    }
}
