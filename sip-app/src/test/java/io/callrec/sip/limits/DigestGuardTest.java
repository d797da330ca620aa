package io.callrec.sip.limits;

import static io.callrec.sip.limits.SourceRateLimiterTest.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.sip.SipFactories;
import io.callrec.sip.auth.AuthResult;
import io.callrec.sip.auth.DigestAlgorithm;
import io.callrec.sip.auth.DigestAuthenticator;
import io.callrec.sip.auth.DigestCalculator;
import io.callrec.testing.MutableClock;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;

class DigestGuardTest {

    private static final String REALM = "callrec.test";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final DigestAuthenticator authenticator = new DigestAuthenticator(REALM, Map.of("alice", "right"), clock,
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private final AuthLockout lockout = new AuthLockout(5, Duration.ofSeconds(60), Duration.ofMinutes(5),
            Set.of("alice"), 100, clock);
    private final DigestGuard guard = new DigestGuard(authenticator, lockout);
    private final InetAddress guesser = address("192.0.2.66");
    private int nc;

    @Test
    void whileLockedEvenTheRightPasswordIsRefusedUnchecked() throws Exception {
        for (int i = 0; i < 5; i++) {
            Request wrong = register("alice", "guess" + i);
            assertFalse(guard.refuses(wrong, guesser));
            assertInstanceOf(AuthResult.Failed.class, guard.verify(wrong, guesser));
        }
        Request right = register("alice", "right");
        assertTrue(guard.refuses(right, guesser), "refused like a wrong one: the lock answers, not the password");
        assertTrue(guard.refuses(register("alice", "wrong"), guesser));
        assertFalse(guard.refuses(unauthenticated(), guesser), "a request without credentials is just challenged");
        assertEquals(2L, lockout.stats().get("lockouts"), "both the source and the user alice");
        clock.advance(Duration.ofMinutes(5));
        Request later = register("alice", "right");
        assertFalse(guard.refuses(later, guesser));
        assertEquals(new AuthResult.Ok("alice"), guard.verify(later, guesser));
    }

    @Test
    void aSuccessResetsTheCount() throws Exception {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 4; i++) {
                guard.verify(register("alice", "typo"), guesser);
            }
            assertEquals(new AuthResult.Ok("alice"), guard.verify(register("alice", "right"), guesser));
        }
        assertFalse(guard.refuses(register("alice", "right"), guesser));
        assertEquals(12L, lockout.stats().get("failures"));
    }

    @Test
    void credentialsWithoutAUserNameCountAgainstTheSource() throws Exception {
        for (int i = 0; i < 5; i++) {
            guard.verify(register("", "x"), guesser);
        }
        assertTrue(guard.refuses(register("alice", "right"), guesser));
        assertFalse(guard.refuses(register("alice", "right"), address("192.0.2.10")));
    }

    private Request register(String user, String password) throws Exception {
        String nonce = ((WWWAuthenticateHeader) authenticator.challenge(unauthenticated(), false)
                .getHeader(WWWAuthenticateHeader.NAME)).getNonce();
        String count = String.format("%08x", ++nc);
        String response = DigestCalculator.response(DigestAlgorithm.MD5, user, REALM, password, "REGISTER",
                "sip:callrec.test", nonce, count, "c0ffee", "auth");
        return request("Authorization: Digest username=\"" + user + "\", realm=\"" + REALM + "\", nonce=\"" + nonce
                + "\", uri=\"sip:callrec.test\", response=\"" + response + "\", algorithm=MD5, cnonce=\"c0ffee\","
                + " qop=auth, nc=" + count + "\r\n");
    }

    private static Request unauthenticated() throws Exception {
        return request("");
    }

    private static Request request(String extraHeaders) throws Exception {
        return SipFactories.messages().createRequest("REGISTER sip:callrec.test SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.66:5060;branch=z9hG4bK-guard\r\n"
                + "Max-Forwards: 70\r\nTo: <sip:alice@callrec.test>\r\nFrom: <sip:alice@callrec.test>;tag=g\r\n"
                + "Call-ID: guard-1\r\nCSeq: 1 REGISTER\r\n" + extraHeaders + "Content-Length: 0\r\n\r\n");
    }
}
