package io.callrec.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Every SDP body of an INVITE, re-INVITE, UPDATE or answer goes through {@link SdpParser}: it may only refuse with
 * {@link SdpParseException} (whose text, which can end up in a SIP Warning, holds no control character), and a
 * body it accepts must survive every accessor, format back to the same lines, and be anchored to our address into
 * a body that parses again to the same lines.
 */
class SdpParserFuzz {
    private static final Anchor ANCHOR = SdpFixtures.anchor(SdpFixtures.OUR_ADDRESS,
            k -> k % 3 == 2 ? Optional.empty() : Optional.of(new PortPair(30000 + 2 * k, 30001 + 2 * k)));

    @FuzzTest(maxDuration = "30s", maxExecutions = 10000)
    // Line breaks cannot be dictionary entries in Jazzer 0.24 (it writes them unescaped into libFuzzer's file).
    @DictionaryEntries({"m=audio ", "m=video ", "c=IN IP4 ", "c=IN IP6 ", "a=rtpmap:", "a=fmtp:", "a=rtcp:",
            "a=rtcp-mux", "a=sendonly", "a=inactive", "a=ssrc:", "a=mid:", " RTP/AVP ", " RTP/SAVPF ",
            "o=- 1 1 IN IP4 ", "v=0", "65535", "/90000"})
    void aBodyIsRefusedCleanlyOrSurvivesFormatAndAnchoring(byte[] body) throws SdpParseException {
        String text = new String(body, StandardCharsets.UTF_8); // as the B2BUA reads a SIP body
        SessionDescription sd;
        try {
            sd = SessionDescription.parse(text);
        } catch (SdpParseException e) {
            assertTrue(e.getMessage().startsWith("SDP"), e.getMessage());
            assertTrue(e.reason().chars().noneMatch(c -> c < 0x20 || c == 0x7f), "control character in " + e.reason());
            assertTrue(e.lineNumber() >= 0 && e.lineNumber() <= body.length + 1, "line " + e.lineNumber());
            return;
        }
        assertEquals(sd.lines(), SessionDescription.parse(sd.format()).lines(), "format() round trip");
        SessionDescriptionFuzzTest.exercise(sd);
        SessionDescription anchored = sd.anchored(ANCHOR);
        SessionDescriptionFuzzTest.exercise(anchored);
        assertEquals(anchored.lines(), SessionDescription.parse(anchored.format()).lines(), "anchored round trip");
        assertEquals(sd.media().size(), anchored.media().size(), "anchoring keeps every m-line");
    }
}
