package io.callrec.sip.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Nonces that need no server state:
 * {@code base64url(timestamp || salt || HMAC-SHA256(secret, timestamp || salt || realm))}.
 * The server can tell its own nonces from forged ones and knows their age without remembering any,
 * so a restart or many clients cost nothing. Only a server holding the same secret accepts them.
 * The 8 random salt bytes make every nonce unique: two UAs challenged in the same millisecond
 * would otherwise share a nonce, and the second one's {@code nc=00000001} would look like a replay.
 */
final class StatelessNonces {

    enum Check { VALID, EXPIRED, FORGED }

    /** How long a nonce is good for; a UA with an older one is challenged again with {@code stale=true}. */
    static final Duration LIFETIME = Duration.ofMinutes(5);
    /** Nonces dated slightly in the future are accepted, in case the clock stepped back a little. */
    private static final Duration FUTURE_TOLERANCE = Duration.ofSeconds(5);
    private static final int TIMESTAMP_BYTES = Long.BYTES;
    private static final int SALT_BYTES = 8;
    private static final int PREFIX_BYTES = TIMESTAMP_BYTES + SALT_BYTES;
    private static final int MAC_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final byte[] realm;

    StatelessNonces(byte[] secret, String realm) {
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.realm = realm.getBytes(StandardCharsets.UTF_8);
    }

    String issue(Instant now) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] prefix = ByteBuffer.allocate(PREFIX_BYTES).putLong(now.toEpochMilli()).put(salt).array();
        byte[] nonce = ByteBuffer.allocate(PREFIX_BYTES + MAC_BYTES).put(prefix).put(mac(prefix)).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
    }

    Check check(String nonce, Instant now) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return Check.FORGED;
        }
        if (bytes.length != PREFIX_BYTES + MAC_BYTES) {
            return Check.FORGED;
        }
        byte[] prefix = Arrays.copyOf(bytes, PREFIX_BYTES);
        byte[] mac = Arrays.copyOfRange(bytes, PREFIX_BYTES, bytes.length);
        if (!MessageDigest.isEqual(mac, mac(prefix))) {
            return Check.FORGED;
        }
        Instant issued = Instant.ofEpochMilli(ByteBuffer.wrap(prefix).getLong());
        if (issued.isAfter(now.plus(FUTURE_TOLERANCE)) || !issued.plus(LIFETIME).isAfter(now)) {
            return Check.EXPIRED;
        }
        return Check.VALID;
    }

    private byte[] mac(byte[] prefix) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(prefix);
            mac.update(realm);
            return mac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }
}
