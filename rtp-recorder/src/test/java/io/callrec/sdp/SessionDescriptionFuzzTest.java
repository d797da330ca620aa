package io.callrec.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hostile input: mutated real SDPs must either parse (and then survive every operation) or fail cleanly. */
class SessionDescriptionFuzzTest {
    private static final int ITERATIONS = 10_000;
    private static final long SEED = 0x5D9_F0CC_2024L; // fixed so that a failure reproduces

    // Fragments that hit the parser's decisions: line types, separators, numbers at and past the bounds.
    private static final String[] FRAGMENTS = {"\r\n", "\n", "\r", "\0", " ", "  ", ":", "/", "=", "m=", "c=", "o=",
            "v=0", "a=rtcp:", "a=rtpmap:", "a=fmtp:", "a=ssrc:", "a=candidate:1 1 udp 1 192.0.2.1 1 typ host",
            "m=audio 0 RTP/AVP 0", "m=video 65535 RTP/AVP 96", "c=IN IP6 :::::", "c=IN IP4 0.0.0.0", "IN IP4 ",
            "65536", "-1", "99999999999", "0", "1/0", "\u00e9", "\u20ac", "\ud83d\ude00", "\ud800", "\t", "a=sendonly",
            "a=rtcp-mux", "x=", "=", "1.2.3.4", "::1", "[::1]", "%eth0", "a=rtcp:5000 IN IP4 host.example"};

    @Test
    void mutatedRealSdpsOnlyFailWithSdpParseException() {
        List<String> seeds = new ArrayList<>();
        for (String name : SdpFixtures.ALL) {
            seeds.add(SdpFixtures.load(name));
        }
        Random rnd = new Random(SEED);
        Anchor anchor = SdpFixtures.anchor(SdpFixtures.OUR_ADDRESS,
                k -> k % 3 == 2 ? Optional.empty() : Optional.of(new PortPair(30000 + 2 * k, 30000 + 2 * k)));
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            String input = seeds.get(rnd.nextInt(seeds.size()));
            int mutations = 1 + rnd.nextInt(3);
            for (int j = 0; j < mutations; j++) {
                input = mutate(input, rnd);
            }
            SessionDescription sd;
            try {
                sd = SessionDescription.parse(input);
            } catch (SdpParseException e) {
                rejected++;
                assertTrue(e.getMessage().startsWith("SDP"), e.getMessage());
                continue;
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("iteration " + i + ": " + e + " for input:\n" + input, e);
            }
            parsed++;
            try {
                SessionDescription again = SessionDescription.parse(sd.format());
                assertEquals(sd.lines(), again.lines(), "iteration " + i);
                exercise(sd);
                SessionDescription anchored = sd.anchored(anchor);
                exercise(anchored);
                assertEquals(anchored.lines(), SessionDescription.parse(anchored.format()).lines(), "iteration " + i);
            } catch (SdpParseException | RuntimeException e) {
                throw new AssertionError("iteration " + i + ": " + e + " for parsed input:\n" + input, e);
            }
        }
        // Both outcomes must be common, or the mutations exercise only one side of the parser.
        assertTrue(parsed > ITERATIONS / 10, "parsed " + parsed);
        assertTrue(rejected > ITERATIONS / 10, "rejected " + rejected);
    }

    /** Calls every accessor a caller may use on a parsed description (shared with {@link SdpParserFuzz}). */
    static void exercise(SessionDescription sd) {
        sd.origin().value();
        sd.direction().reverse();
        sd.sessionAttributes().size();
        for (MediaDescription m : sd.media()) {
            m.rtpAddress(sd.connection());
            m.rtcpAddress(sd.connection());
            m.rtcpConnection();
            m.ssrcs();
            m.mid();
            for (int pt = 0; pt < 128; pt += 7) {
                m.codec(pt);
            }
            for (String f : m.formats()) {
                int pt = SdpText.parseUnsigned(f, 127);
                if (pt >= 0) {
                    m.codec(pt);
                }
            }
            m.connection().ifPresent(Connection::holdAddress);
        }
    }

    private static String mutate(String s, Random rnd) {
        int n = s.length();
        int at = n == 0 ? 0 : rnd.nextInt(n);
        switch (rnd.nextInt(9)) {
            case 0: // delete a short run
                return s.substring(0, at) + s.substring(Math.min(n, at + 1 + rnd.nextInt(8)));
            case 1: // insert a fragment
                return s.substring(0, at) + FRAGMENTS[rnd.nextInt(FRAGMENTS.length)] + s.substring(at);
            case 2: // replace a character by any char
                return n == 0 ? s : s.substring(0, at) + (char) rnd.nextInt(0x3000) + s.substring(at + 1);
            case 3: // replace a digit by another digit or a letter
                return n == 0 ? s : s.substring(0, at) + "0123456789x".charAt(rnd.nextInt(11)) + s.substring(at + 1);
            case 4: { // duplicate a line
                List<String> lines = splitLines(s);
                int k = rnd.nextInt(lines.size());
                lines.add(rnd.nextInt(lines.size() + 1), lines.get(k));
                return String.join("\r\n", lines);
            }
            case 5: { // delete a line
                List<String> lines = splitLines(s);
                lines.remove(rnd.nextInt(lines.size()));
                return String.join("\r\n", lines);
            }
            case 6: { // swap two lines
                List<String> lines = splitLines(s);
                int a = rnd.nextInt(lines.size());
                int b = rnd.nextInt(lines.size());
                String t = lines.get(a);
                lines.set(a, lines.get(b));
                lines.set(b, t);
                return String.join("\r\n", lines);
            }
            case 7: // truncate
                return s.substring(0, at);
            default: // repeat a slice (grows lines and m-line counts towards the bounds)
                int end = Math.min(n, at + rnd.nextInt(400));
                return s.substring(0, end) + s.substring(at, end).repeat(1 + rnd.nextInt(40)) + s.substring(end);
        }
    }

    private static List<String> splitLines(String s) {
        return new ArrayList<>(Arrays.asList(s.split("\r\n", -1)));
    }
}
