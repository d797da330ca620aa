package io.callrec.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.callrec.link.SignedLink.Outcome;
import io.callrec.link.SignedLink.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A recording link is a bearer secret, and its query parameters come from the client. {@link SignedLink#verify}
 * must accept a link exactly when its signature is the HMAC of its own id, expiry and key id (computed here
 * independently), never throw, and turn down every link with one field changed; a link it signed verifies.
 */
class SignedLinkFuzz {
    private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    private static final char[] ID_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-".toCharArray();

    private final LinkKeys keys = keys();
    private final SignedLink links = new SignedLink(keys, URI.create("https://rec.example.com/base/"),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @FuzzTest(maxDuration = "20s", maxExecutions = 80000)
    void onlyTheExactSignatureVerifies(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            signedThenTampered(data);
            return;
        }
        String id = data.consumeBoolean() ? null : data.consumeString(140);
        String exp = data.consumeBoolean() ? null : data.consumeString(14);
        String kid = data.consumeBoolean() ? keys.currentKid() : data.consumeString(34);
        String sig = data.consumeRemainingAsString();
        Verdict verdict = links.verify(id, exp, kid, sig);
        if (verdict.outcome() == Outcome.VALID || verdict.outcome() == Outcome.EXPIRED) {
            assertEquals(expectedSignature(kid, id, exp), sig, "accepted a signature that is not the HMAC");
            assertEquals(Instant.ofEpochSecond(Long.parseLong(exp)), verdict.expires());
        } else {
            assertEquals(null, verdict.expires(), "an expiry only for a verified signature");
        }
    }

    private void signedThenTampered(FuzzedDataProvider data) {
        StringBuilder id = new StringBuilder();
        int length = data.consumeInt(1, 64);
        for (int i = 0; i < length; i++) {
            id.append(data.pickValue(ID_CHARS));
        }
        long exp = data.consumeLong(0, 999_999_999_999L);
        SignedLink.Link link = links.sign(id.toString(), Instant.ofEpochSecond(exp));
        assertEquals("https://rec.example.com/base/recordings/" + id + "?" + link.query(), link.url().toString());
        Verdict verdict = links.verify(link.recordingId(), Long.toString(exp), link.kid(), link.sig());
        assertEquals(exp > NOW.getEpochSecond() ? Outcome.VALID : Outcome.EXPIRED, verdict.outcome());

        String[] fields = {link.recordingId(), Long.toString(exp), link.kid(), link.sig()};
        int changed = data.consumeInt(0, 3);
        String replacement = data.consumeRemainingAsString();
        if (replacement.equals(fields[changed])) {
            return;
        }
        fields[changed] = replacement;
        Outcome tampered = links.verify(fields[0], fields[1], fields[2], fields[3]).outcome();
        assertNotEquals(Outcome.VALID, tampered, "field " + changed + " changed to " + replacement);
        assertNotEquals(Outcome.EXPIRED, tampered, "field " + changed + " changed to " + replacement);
    }

    /** base64url(HMAC-SHA256(key, "v1|kid|id|exp")) without padding, or null if there is no such key. */
    private String expectedSignature(String kid, String id, String exp) {
        byte[] key = keys.keyOrNull(kid);
        assertTrue(key != null, "verified under unknown key " + kid);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signed = mac.doFinal(("v1|" + kid + "|" + id + "|" + exp).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LinkKeys keys() {
        try {
            Path target = Files.createDirectories(Path.of("target"));
            return LinkKeys.open(Files.createTempDirectory(target, "fuzz-link-keys").resolve("keys"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
