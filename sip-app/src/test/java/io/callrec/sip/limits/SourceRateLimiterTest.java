package io.callrec.sip.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.config.RateLimit;
import io.callrec.sip.limits.SourceRateLimiter.Verdict;
import io.callrec.testing.MutableClock;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InetAddress flooder = address("192.0.2.66");
    private final InetAddress trunk = address("192.0.2.10");

    private SourceRateLimiter limiter(int maxSources) {
        return new SourceRateLimiter(Map.of(RequestClass.INVITE, new RateLimit(50, 100),
                RequestClass.REGISTER, new RateLimit(20, 40), RequestClass.OPTIONS, RateLimit.OFF), maxSources, clock);
    }

    @Test
    void theBurstIsAdmittedThenAsManyAgainAre503dThenTheRestDropped() {
        SourceRateLimiter l = limiter(10);
        assertEquals(List.of(Verdict.ADMIT), distinct(l, flooder, RequestClass.INVITE, 100));
        assertEquals(List.of(Verdict.REJECT), distinct(l, flooder, RequestClass.INVITE, 100));
        assertEquals(List.of(Verdict.DROP), distinct(l, flooder, RequestClass.INVITE, 1000));
        assertEquals(Verdict.ADMIT, l.check(trunk, RequestClass.INVITE), "another source has its own bucket");
        assertEquals(Verdict.ADMIT, l.check(flooder, RequestClass.REGISTER), "another class has its own bucket");
        Map<?, ?> invite = (Map<?, ?>) l.stats().get("invite");
        assertEquals(101L, invite.get("admitted"));
        assertEquals(100L, invite.get("rejected"));
        assertEquals(1000L, invite.get("dropped"));
        assertEquals("50/s burst 100", invite.get("limit"));
    }

    @Test
    void aSteadyRateUnderTheLimitIsAlwaysAdmitted() {
        SourceRateLimiter l = limiter(10);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(Verdict.ADMIT, l.check(trunk, RequestClass.INVITE), "request " + i);
            clock.advance(Duration.ofMillis(21)); // 47.6/s against 50/s
        }
    }

    @Test
    void aSourceOverTheLimitGetsTheLimitAdmittedAndTheLimitAnswered503() {
        SourceRateLimiter l = limiter(10);
        distinct(l, flooder, RequestClass.INVITE, 200); // burst and 503 band spent
        int[] counts = new int[3];
        for (int ms = 0; ms < 10_000; ms++) { // 1000/s for 10 s
            counts[l.check(flooder, RequestClass.INVITE).ordinal()]++;
            clock.advance(Duration.ofMillis(1));
        }
        assertEquals(500, counts[Verdict.ADMIT.ordinal()], 2);
        assertEquals(500, counts[Verdict.REJECT.ordinal()], 2);
        assertEquals(9000, counts[Verdict.DROP.ordinal()], 4);
    }

    @Test
    void aSourceThatSlowsDownIsAdmittedAgain() {
        SourceRateLimiter l = limiter(10);
        distinct(l, flooder, RequestClass.INVITE, 1000);
        assertEquals(Verdict.DROP, l.check(flooder, RequestClass.INVITE));
        clock.advance(Duration.ofMillis(20));
        assertEquals(Verdict.ADMIT, l.check(flooder, RequestClass.INVITE), "one token back after 20 ms at 50/s");
    }

    @Test
    void aLimitThatIsOffAdmitsEverything() {
        SourceRateLimiter l = limiter(10);
        assertEquals(List.of(Verdict.ADMIT), distinct(l, flooder, RequestClass.OPTIONS, 100_000));
        assertEquals(0, l.stats().get("sources"), "nothing to remember for an unlimited class");
        assertFalse(l.shedsEarly(flooder, RequestClass.OPTIONS));
    }

    @Test
    void theTableOfSourcesIsBoundedAndForgetsTheLeastRecentlySeen() {
        SourceRateLimiter l = limiter(3);
        distinct(l, flooder, RequestClass.INVITE, 200);
        for (int i = 1; i <= 5000; i++) {
            l.check(address("10.0." + (i >> 8) + "." + (i & 0xff)), RequestClass.INVITE);
        }
        assertEquals(3, l.stats().get("sources"));
        assertEquals(Verdict.ADMIT, l.check(flooder, RequestClass.INVITE),
                "a forgotten source starts again with a full bucket");
    }

    @Test
    void earlySheddingAgreesWithCheckAndTakesNothing() {
        SourceRateLimiter l = limiter(10);
        assertFalse(l.shedsEarly(flooder, RequestClass.INVITE), "an unknown source is never shed unparsed");
        assertEquals(0, l.stats().get("sources"));
        distinct(l, flooder, RequestClass.INVITE, 199);
        assertFalse(l.shedsEarly(flooder, RequestClass.INVITE), "one 503 left");
        assertEquals(Verdict.REJECT, l.check(flooder, RequestClass.INVITE));
        assertTrue(l.shedsEarly(flooder, RequestClass.INVITE));
        assertTrue(l.shedsEarly(flooder, RequestClass.INVITE));
        assertFalse(l.shedsEarly(flooder, RequestClass.REGISTER));
        clock.advance(Duration.ofMillis(20));
        assertFalse(l.shedsEarly(flooder, RequestClass.INVITE), "a token came back");
        assertEquals(Verdict.ADMIT, l.check(flooder, RequestClass.INVITE), "and shedding did not take it");
        assertEquals(2L, l.stats().get("droppedBeforeParsing"));
        assertEquals(2L, ((Map<?, ?>) l.stats().get("invite")).get("dropped"));
    }

    @Test
    void datagramsOfASourceFarOverItsLimitAreShedBeforeParsing() {
        SourceRateLimiter l = limiter(10);
        distinct(l, flooder, RequestClass.INVITE, 200);
        byte[] invite = sip("INVITE sip:1000@192.0.2.1 SIP/2.0\r\nTo: <sip:1000@192.0.2.1>\r\n\r\n");
        byte[] reInvite = sip("INVITE sip:1000@192.0.2.1 SIP/2.0\r\nTo: <sip:1000@192.0.2.1>;tag=9\r\n\r\n");
        byte[] response = sip("SIP/2.0 200 OK\r\nTo: <sip:1000@192.0.2.1>\r\n\r\n");
        assertFalse(l.admitsDatagram(flooder, invite, 0, invite.length));
        assertTrue(l.admitsDatagram(flooder, reInvite, 0, reInvite.length), "inside a dialog: not limited");
        assertTrue(l.admitsDatagram(flooder, response, 0, response.length));
        assertTrue(l.admitsDatagram(trunk, invite, 0, invite.length));
    }

    @Test
    void eachSourceIsReportedAtMostOnceAMinuteAndAllOfThemTenTimes() {
        List<String> reports = new ArrayList<>();
        SourceRateLimiter l = new SourceRateLimiter(Map.of(RequestClass.INVITE, new RateLimit(50, 100),
                RequestClass.REGISTER, RateLimit.OFF, RequestClass.OPTIONS, RateLimit.OFF), 100, clock, reports::add);
        distinct(l, flooder, RequestClass.INVITE, 1000);
        assertEquals(List.of("rate limit: 192.0.2.66 is over the invite limit (50/s burst 100): answering 503 up to"
                + " twice the limit, dropping the rest unanswered"), reports);
        clock.advance(Duration.ofSeconds(59));
        distinct(l, flooder, RequestClass.INVITE, 1000);
        assertEquals(1, reports.size(), "not again within the minute");
        clock.advance(Duration.ofSeconds(1));
        distinct(l, flooder, RequestClass.INVITE, 51); // the 50 tokens of that second, then one over
        assertEquals("rate limit: 192.0.2.66 is over the invite limit (50/s burst 100): 200 answered 503 and 1600"
                + " dropped since the last report 60 s ago", reports.get(1));

        for (int i = 0; i < 30; i++) {
            distinct(l, address("198.51.100." + i), RequestClass.INVITE, 201);
        }
        assertEquals(2 + 9, reports.size(), "ten reports a minute at most, the first flooder's included");
        clock.advance(Duration.ofSeconds(6)); // one more report's worth
        distinct(l, address("198.51.100.99"), RequestClass.INVITE, 201);
        assertTrue(reports.get(reports.size() - 1).endsWith("(21 reports on other sources suppressed)"),
                reports.get(reports.size() - 1));
    }

    private static List<Verdict> distinct(SourceRateLimiter l, InetAddress source, RequestClass type, int n) {
        List<Verdict> seen = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Verdict v = l.check(source, type);
            if (!seen.contains(v)) {
                seen.add(v);
            }
        }
        return seen;
    }

    private static byte[] sip(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
