package io.callrec.sip.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class StatelessNoncesTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final StatelessNonces nonces = new StatelessNonces(SECRET, "callrec.test");

    @Test
    void freshNonceIsValidForFiveMinutes() {
        String nonce = nonces.issue(T0);
        assertTrue(nonce.matches("[A-Za-z0-9_-]{64}"), nonce);
        assertEquals(StatelessNonces.Check.VALID, nonces.check(nonce, T0));
        assertEquals(StatelessNonces.Check.VALID, nonces.check(nonce, T0.plus(Duration.ofMinutes(5)).minusMillis(1)));
        assertEquals(StatelessNonces.Check.EXPIRED, nonces.check(nonce, T0.plus(Duration.ofMinutes(5))));
        assertEquals(StatelessNonces.Check.EXPIRED, nonces.check(nonce, T0.minusSeconds(6)));
    }

    @Test
    void noncesIssuedInTheSameMillisecondDiffer() {
        assertNotEquals(nonces.issue(T0), nonces.issue(T0));
    }

    @Test
    void tamperedOtherRealmOrOtherSecretIsForged() {
        String nonce = nonces.issue(T0);
        byte[] bytes = Base64.getUrlDecoder().decode(nonce);
        bytes[7] ^= 1; // move the timestamp: the MAC no longer fits
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        assertEquals(StatelessNonces.Check.FORGED, nonces.check(tampered, T0));
        assertEquals(StatelessNonces.Check.FORGED, new StatelessNonces(SECRET, "other.realm").check(nonce, T0));
        byte[] otherSecret = SECRET.clone();
        otherSecret[0] ^= 1;
        assertEquals(StatelessNonces.Check.FORGED, new StatelessNonces(otherSecret, "callrec.test").check(nonce, T0));
        assertEquals(StatelessNonces.Check.FORGED, nonces.check("not base64!", T0));
        assertEquals(StatelessNonces.Check.FORGED, nonces.check(nonce.substring(2), T0));
    }
}
