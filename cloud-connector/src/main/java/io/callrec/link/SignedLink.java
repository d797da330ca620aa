package io.callrec.link;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Recording links (spec §4): {@code {public-url}/recordings/{id}?exp={unix s}&kid={kid}&sig={sig}} where
 * {@code sig} is the unpadded base64url HMAC-SHA256, under key {@code kid}, of {@code v1|{kid}|{id}|{exp}}. The
 * link is a bearer secret: whoever holds it may fetch the recording's manifest and files until {@code exp}.
 *
 * <p>Verification accepts only the canonical form of each parameter (no leading zeros, no padding, no trailing
 * base64 bits), so one link has exactly one spelling; the signature is compared in constant time.
 */
public final class SignedLink {
    /** Recording ids that may appear in a link: a strict subset of the spec's ids, never "." or "..". */
    public static final Pattern RECORDING_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    public static final Duration DEFAULT_TTL = Duration.ofHours(72);

    private static final String VERSION = "v1";
    private static final Pattern EXP = Pattern.compile("0|[1-9][0-9]{0,11}");
    private static final int MAC_BYTES = 32;
    private static final Pattern SIG = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final LinkKeys keys;
    private final String publicUrl;
    private final Clock clock;

    /** @param publicUrl where clients reach the download service, e.g. {@code https://rec.example.com:8443} */
    public SignedLink(LinkKeys keys, URI publicUrl, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(publicUrl, "publicUrl");
        if (!publicUrl.isAbsolute() || publicUrl.getRawQuery() != null || publicUrl.getRawFragment() != null) {
            throw new IllegalArgumentException("public URL must be absolute, without query or fragment: " + publicUrl);
        }
        this.publicUrl = publicUrl.toString().replaceAll("/+$", "");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A signed link. {@link #query()} is what the page and file URLs of the recording carry. */
    public record Link(String recordingId, URI url, Instant expires, String kid, String sig) {
        public String query() {
            return "exp=" + expires.getEpochSecond() + "&kid=" + kid + "&sig=" + sig;
        }
    }

    public enum Outcome { VALID, MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE, EXPIRED }

    /**
     * The result of checking a link. Only the server's log may see anything but {@link #valid()}: clients get one
     * answer for every failure.
     *
     * @param expires the link's expiry; null unless the signature verified
     */
    public record Verdict(Outcome outcome, Instant expires) {
        public boolean valid() {
            return outcome == Outcome.VALID;
        }
    }

    /** Signs a link for {@code recordingId} that expires {@code ttl} from now (rounded down to the second). */
    public Link sign(String recordingId, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("link lifetime must be positive: " + ttl);
        }
        return sign(recordingId, clock.instant().plus(ttl));
    }

    public Link sign(String recordingId, Instant expires) {
        if (recordingId == null || !RECORDING_ID.matcher(recordingId).matches()) {
            throw new IllegalArgumentException("recording id not allowed in a link: " + recordingId);
        }
        long exp = expires.getEpochSecond();
        if (exp < 0 || !EXP.matcher(Long.toString(exp)).matches()) {
            throw new IllegalArgumentException("expiry out of range: " + expires);
        }
        String kid = keys.currentKid();
        String sig = B64.encodeToString(mac(keys.currentKey(), kid, recordingId, Long.toString(exp)));
        URI url = URI.create(publicUrl + "/recordings/" + recordingId + "?exp=" + exp + "&kid=" + kid + "&sig=" + sig);
        return new Link(recordingId, url, Instant.ofEpochSecond(exp), kid, sig);
    }

    /**
     * Checks the query parameters of a request for {@code recordingId}; any argument may be null (missing).
     * The recording id is checked only through the signature: call this before looking anything up.
     */
    public Verdict verify(String recordingId, String exp, String kid, String sig) {
        if (recordingId == null || exp == null || kid == null || sig == null
                || !RECORDING_ID.matcher(recordingId).matches() || !EXP.matcher(exp).matches()
                || !LinkKeys.KID.matcher(kid).matches() || !SIG.matcher(sig).matches()) {
            return new Verdict(Outcome.MALFORMED, null);
        }
        byte[] given = Base64.getUrlDecoder().decode(sig);
        if (given.length != MAC_BYTES || !B64.encodeToString(given).equals(sig)) {
            return new Verdict(Outcome.MALFORMED, null); // stray bits in the last character: not the canonical form
        }
        byte[] key = keys.keyOrNull(kid);
        if (key == null) {
            return new Verdict(Outcome.UNKNOWN_KEY, null);
        }
        if (!MessageDigest.isEqual(given, mac(key, kid, recordingId, exp))) {
            return new Verdict(Outcome.BAD_SIGNATURE, null);
        }
        Instant expires = Instant.ofEpochSecond(Long.parseLong(exp));
        if (!clock.instant().isBefore(expires)) {
            return new Verdict(Outcome.EXPIRED, expires);
        }
        return new Verdict(Outcome.VALID, expires);
    }

    private static byte[] mac(byte[] key, String kid, String recordingId, String exp) {
        String signed = VERSION + "|" + kid + "|" + recordingId + "|" + exp;
        return hmacSha256(key, signed.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] hmacSha256(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            // Every Java platform must provide HmacSHA256; a key is never empty here.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
