package io.callrec.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/** The digest algorithms offered and accepted (RFC 7616 section 3.2). The {@code -sess} variants are not. */
public enum DigestAlgorithm {
    /** RFC 7616 prefers it; offered first. */
    SHA_256("SHA-256", "SHA-256"),
    /** What most SIP phones still implement (RFC 2617); offered second. */
    MD5("MD5", "MD5");

    private final String token;
    private final String jcaName;

    DigestAlgorithm(String token, String jcaName) {
        this.token = token;
        this.jcaName = jcaName;
    }

    /** The value of the {@code algorithm} parameter. */
    public String token() {
        return token;
    }

    /** Lower-case hex of the digest of the UTF-8 text: RFC 7616's {@code H(data)}. */
    public String hash(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance(jcaName);
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jcaName + " is required of every Java platform", e);
        }
    }

    /** An absent {@code algorithm} parameter means MD5 (RFC 2617 3.2.1). */
    public static Optional<DigestAlgorithm> fromToken(String token) {
        if (token == null) {
            return Optional.of(MD5);
        }
        String wanted = token.trim().toUpperCase(Locale.ROOT);
        for (DigestAlgorithm algorithm : values()) {
            if (algorithm.token.equals(wanted)) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }
}
