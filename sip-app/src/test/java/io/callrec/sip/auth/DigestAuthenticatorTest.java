package io.callrec.sip.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.sip.SipFactories;
import io.callrec.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;

class DigestAuthenticatorTest {

    private static final String REALM = "callrec.test";
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final DigestAuthenticator auth = new DigestAuthenticator(REALM,
            Map.of("alice", "Circle of Life", "bob", "b0b"), clock, SECRET);

    @Test
    void registerIsChallengedWith401OfferingSha256ThenMd5() throws Exception {
        Response r = auth.challenge(request("REGISTER", "sip:127.0.0.1"), false);
        assertEquals(401, r.getStatusCode());
        List<WWWAuthenticateHeader> challenges = challenges(r, WWWAuthenticateHeader.NAME);
        assertEquals(2, challenges.size());
        assertEquals("SHA-256", challenges.get(0).getAlgorithm());
        assertEquals("MD5", challenges.get(1).getAlgorithm());
        for (WWWAuthenticateHeader c : challenges) {
            assertEquals("Digest", c.getScheme());
            assertEquals(REALM, c.getRealm());
            assertEquals("auth", c.getQop());
            assertEquals(challenges.get(0).getNonce(), c.getNonce());
            assertTrue(!c.isStale());
        }
        assertTrue(r.toString().contains("qop=\"auth\""), r.toString());
        assertNotNull(((ToHeader) r.getHeader(ToHeader.NAME)).getTag());
        assertEquals(List.of(), challenges(r, ProxyAuthenticateHeader.NAME));
    }

    @Test
    void inviteIsChallengedWith407AndProxyAuthenticate() throws Exception {
        Response r = auth.challenge(request("INVITE", "sip:bob@127.0.0.1"), false);
        assertEquals(407, r.getStatusCode());
        assertEquals(2, challenges(r, ProxyAuthenticateHeader.NAME).size());
        assertEquals(List.of(), challenges(r, WWWAuthenticateHeader.NAME));
        assertEquals(401, auth.challenge(request("INVITE", "sip:bob@127.0.0.1"), false, false).getStatusCode());
    }

    @Test
    void requestWithoutCredentialsIsMissing() throws Exception {
        assertInstanceOf(AuthResult.Missing.class, auth.verify(request("REGISTER", "sip:127.0.0.1")));
    }

    @Test
    void correctSha256AndMd5CredentialsAreAccepted() throws Exception {
        for (String algorithm : List.of("SHA-256", "MD5")) {
            String nonce = nonceFrom(auth.challenge(request("REGISTER", "sip:127.0.0.1"), false));
            Request req = authorized("REGISTER", "sip:127.0.0.1", "Authorization", "alice", "Circle of Life",
                    REALM, nonce, algorithm, "00000001");
            assertEquals(new AuthResult.Ok("alice"), auth.verify(req), algorithm);
        }
    }

    @Test
    void proxyAuthorizationOnInviteIsAccepted() throws Exception {
        String nonce = nonceFrom(auth.challenge(request("INVITE", "sip:bob@127.0.0.1"), false));
        Request req = authorized("INVITE", "sip:bob@127.0.0.1", "Proxy-Authorization", "alice", "Circle of Life",
                REALM, nonce, "SHA-256", "00000001");
        assertEquals(new AuthResult.Ok("alice"), auth.verify(req));
    }

    @Test
    void wrongPasswordFails() throws Exception {
        String nonce = nonceFrom(auth.challenge(request("REGISTER", "sip:127.0.0.1"), false));
        AuthResult result = auth.verify(authorized("REGISTER", "sip:127.0.0.1", "Authorization", "alice",
                "Circle Of Life", REALM, nonce, "SHA-256", "00000001"));
        assertEquals(new AuthResult.Failed("wrong response (password)"), result);
    }

    @Test
    void unknownUserFails() throws Exception {
        String nonce = nonceFrom(auth.challenge(request("REGISTER", "sip:127.0.0.1"), false));
        AuthResult result = auth.verify(authorized("REGISTER", "sip:127.0.0.1", "Authorization", "mallory",
                "x", REALM, nonce, "MD5", "00000001"));
        assertEquals(new AuthResult.Failed("unknown user"), result);
    }

    @Test
    void expiredNonceWithTheRightPasswordIsStaleAndTheNextChallengeSaysSo() throws Exception {
        String nonce = nonceFrom(auth.challenge(request("REGISTER", "sip:127.0.0.1"), false));
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        Request req = authorized("REGISTER", "sip:127.0.0.1", "Authorization", "alice", "Circle of Life",
                REALM, nonce, "SHA-256", "00000001");
        assertInstanceOf(AuthResult.Stale.class, auth.verify(req));
        Request wrong = authorized("REGISTER", "sip:127.0.0.1", "Authorization", "alice", "guess",
                REALM, nonce, "SHA-256", "00000001");
        assertInstanceOf(AuthResult.Failed.class, auth.verify(wrong), "stale only with the right password");
        Response again = auth.challenge(req, true);
        for (WWWAuthenticateHeader c : challenges(again, WWWAuthenticateHeader.NAME)) {
            assertTrue(c.isStale());
        }
        assertTrue(again.toString().contains("stale=true"), again.toString());
    }

    @Test
    void credentialsForAnotherRealmCountAsMissing() throws Exception {
        String nonce = nonceFrom(auth.challenge(request("REGISTER", "sip:127.0.0.1"), false));
        Request req = authorized("REGISTER", "sip:127.0.0.1", "Authorization", "alice", "Circle of Life",
                "other.realm", nonce, "SHA-256", "00000001");
        assertInstanceOf(AuthResult.Missing.class, auth.verify(req));
    }

    @Test
    void tamperedOrForeignNonceFails() throws Exception {
        String nonce = nonceFrom(auth.challenge(request("REGISTER", "sip:127.0.0.1"), false));
        char last = nonce.charAt(10);
        String tampered = nonce.substring(0, 10) + (last == 'A' ? 'B' : 'A') + nonce.substring(11);
        Request req = authorized("REGISTER", "sip:127.0.0.1", "Authorization", "alice", "Circle of Life",
                REALM, tampered, "SHA-256", "00000001");
        assertEquals(new AuthResult.Failed("nonce not issued by this server"), auth.verify(req));
        byte[] otherSecret = SECRET.clone();
        otherSecret[0] ^= 1;
        DigestAuthenticator restartedWithNewSecret = new DigestAuthenticator(REALM, Map.of("alice", "Circle of Life"),
                clock, otherSecret);
        Request valid = authorized("REGISTER", "sip:127.0.0.1", "Authorization", "alice", "Circle of Life",
                REALM, nonce, "SHA-256", "00000001");
        assertInstanceOf(AuthResult.Failed.class, restartedWithNewSecret.verify(valid));
    }

    @Test
    void digestUriMustBeTheRequestUri() throws Exception {
        String nonce = nonceFrom(auth.challenge(request("INVITE", "sip:bob@127.0.0.1"), false));
        Request req = authorizedWithUri("INVITE", "sip:bob@127.0.0.1", "sip:carol@127.0.0.1", "alice",
                "Circle of Life", nonce, "SHA-256", "00000001");
        assertEquals(new AuthResult.Failed("digest uri sip:carol@127.0.0.1 is not the Request-URI"), auth.verify(req));
    }

    @Test
    void replayedNonceCountFailsAndTheNextCountPasses() throws Exception {
        String nonce = nonceFrom(auth.challenge(request("REGISTER", "sip:127.0.0.1"), false));
        Request first = authorized("REGISTER", "sip:127.0.0.1", "Authorization", "alice", "Circle of Life",
                REALM, nonce, "SHA-256", "00000001");
        assertEquals(new AuthResult.Ok("alice"), auth.verify(first));
        assertEquals(new AuthResult.Failed("nonce count 00000001 used before"), auth.verify(first));
        Request second = authorized("REGISTER", "sip:127.0.0.1", "Authorization", "alice", "Circle of Life",
                REALM, nonce, "SHA-256", "00000002");
        assertEquals(new AuthResult.Ok("alice"), auth.verify(second));
    }

    @Test
    void replayDetectionCanBeTurnedOff() throws Exception {
        DigestAuthenticator lenient = new DigestAuthenticator(REALM, Map.of("alice", "Circle of Life"), clock, SECRET, 0);
        String nonce = nonceFrom(lenient.challenge(request("REGISTER", "sip:127.0.0.1"), false));
        Request req = authorized("REGISTER", "sip:127.0.0.1", "Authorization", "alice", "Circle of Life",
                REALM, nonce, "MD5", "00000001");
        assertEquals(new AuthResult.Ok("alice"), lenient.verify(req));
        assertEquals(new AuthResult.Ok("alice"), lenient.verify(req));
    }

    @Test
    void legacyCredentialsWithoutQopAreAccepted() throws Exception {
        String nonce = nonceFrom(auth.challenge(request("REGISTER", "sip:127.0.0.1"), false));
        String ha1 = md5("bob:" + REALM + ":b0b");
        String ha2 = md5("REGISTER:sip:127.0.0.1");
        String response = md5(ha1 + ":" + nonce + ":" + ha2);
        Request req = request("REGISTER", "sip:127.0.0.1", "Authorization: Digest username=\"bob\", realm=\"" + REALM
                + "\", nonce=\"" + nonce + "\", uri=\"sip:127.0.0.1\", response=\"" + response + "\"");
        assertEquals(new AuthResult.Ok("bob"), auth.verify(req));
    }

    @Test
    void unsupportedAlgorithmOrQopFails() throws Exception {
        String nonce = nonceFrom(auth.challenge(request("REGISTER", "sip:127.0.0.1"), false));
        Request sess = request("REGISTER", "sip:127.0.0.1", "Authorization: Digest username=\"alice\", realm=\""
                + REALM + "\", nonce=\"" + nonce + "\", uri=\"sip:127.0.0.1\", response=\"00\", algorithm=MD5-sess");
        assertEquals(new AuthResult.Failed("unsupported algorithm MD5-sess"), auth.verify(sess));
        Request authInt = request("REGISTER", "sip:127.0.0.1", "Authorization: Digest username=\"alice\", realm=\""
                + REALM + "\", nonce=\"" + nonce + "\", uri=\"sip:127.0.0.1\", response=\"00\", qop=auth-int, nc=00000001,"
                + " cnonce=\"c\"");
        assertEquals(new AuthResult.Failed("unsupported qop auth-int"), auth.verify(authInt));
    }

    @Test
    void shortSecretIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new DigestAuthenticator(REALM, Map.of(), clock, new byte[8]));
    }

    // --- a client computing its answer independently of DigestCalculator ---

    private static Request authorized(String method, String requestUri, String header, String user, String password,
            String realm, String nonce, String algorithm, String nc) throws Exception {
        String cnonce = "0a4f113b";
        String ha1 = hash(algorithm, user + ":" + realm + ":" + password);
        String ha2 = hash(algorithm, method + ":" + requestUri);
        String response = hash(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        return request(method, requestUri, header + ": Digest username=\"" + user + "\", realm=\"" + realm
                + "\", nonce=\"" + nonce + "\", uri=\"" + requestUri + "\", response=\"" + response
                + "\", algorithm=" + algorithm + ", cnonce=\"" + cnonce + "\", qop=auth, nc=" + nc);
    }

    private static Request authorizedWithUri(String method, String requestUri, String digestUri, String user,
            String password, String nonce, String algorithm, String nc) throws Exception {
        String cnonce = "c1";
        String ha1 = hash(algorithm, user + ":" + REALM + ":" + password);
        String ha2 = hash(algorithm, method + ":" + digestUri);
        String response = hash(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        return request(method, requestUri, "Proxy-Authorization: Digest username=\"" + user + "\", realm=\"" + REALM
                + "\", nonce=\"" + nonce + "\", uri=\"" + digestUri + "\", response=\"" + response
                + "\", algorithm=" + algorithm + ", cnonce=\"" + cnonce + "\", qop=auth, nc=" + nc);
    }

    private static String hash(String algorithm, String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String md5(String text) throws Exception {
        return hash("MD5", text);
    }

    private static Request request(String method, String requestUri, String... headers) throws Exception {
        StringBuilder text = new StringBuilder()
                .append(method).append(' ').append(requestUri).append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/UDP 127.0.0.1:5074;branch=z9hG4bK-auth\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("To: <sip:bob@127.0.0.1>\r\n")
                .append("From: <sip:alice@127.0.0.1>;tag=a1\r\n")
                .append("Call-ID: auth-1\r\n")
                .append("CSeq: 1 ").append(method).append("\r\n");
        if (method.equals("INVITE")) {
            text.append("Contact: <sip:alice@127.0.0.1:5074>\r\n");
        }
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        return SipFactories.messages().createRequest(text.append("Content-Length: 0\r\n\r\n").toString());
    }

    private static String nonceFrom(Response challenge) {
        WWWAuthenticateHeader h = (WWWAuthenticateHeader) challenge.getHeader(WWWAuthenticateHeader.NAME);
        if (h == null) {
            h = (WWWAuthenticateHeader) challenge.getHeader(ProxyAuthenticateHeader.NAME);
        }
        return h.getNonce();
    }

    private static List<WWWAuthenticateHeader> challenges(Response response, String name) {
        List<WWWAuthenticateHeader> list = new ArrayList<>();
        for (Iterator<?> it = response.getHeaders(name); it.hasNext(); ) {
            list.add((WWWAuthenticateHeader) it.next());
        }
        return list;
    }
}
