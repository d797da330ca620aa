package io.callrec.media.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A certificate fingerprint as {@code a=fingerprint} carries it (RFC 8122 §5): a hash function name and the hash of
 * the DER certificate, written as upper-case hex pairs joined by colons.
 *
 * @param algorithm the hash function's name in lower case, as in the IANA "Hash Function Textual Names" registry
 * @param digest    the hash; the record keeps its own copy
 */
public record DtlsFingerprint(String algorithm, byte[] digest) {
    private static final HexFormat HEX = HexFormat.ofDelimiter(":").withUpperCase();

    public DtlsFingerprint {
        Objects.requireNonNull(algorithm, "algorithm");
        algorithm = algorithm.toLowerCase(Locale.ROOT);
        digest = digest.clone();
        int expected = digestLength(algorithm);
        if (digest.length != expected) {
            throw new IllegalArgumentException(algorithm + " fingerprint of " + digest.length + " bytes, expected "
                    + expected);
        }
    }

    /**
     * Parses the value of an {@code a=fingerprint} attribute, e.g. {@code sha-256 AB:CD:...} (the hash name in any
     * case, hex digits in any case).
     *
     * @throws IllegalArgumentException if it is not a fingerprint of a hash function we know (sha-1, sha-224,
     *                                  sha-256, sha-384, sha-512), with the reason
     */
    public static DtlsFingerprint parse(String value) {
        String v = value.trim();
        int space = v.indexOf(' ');
        if (space <= 0) {
            throw new IllegalArgumentException("a=fingerprint needs a hash name and a value: '" + value + "'");
        }
        String algorithm = v.substring(0, space).toLowerCase(Locale.ROOT);
        String hex = v.substring(space + 1).trim();
        byte[] digest;
        try {
            digest = HEX.parseHex(hex.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a=fingerprint value is not colon-separated hex pairs ("
                    + hex.length() + " characters)", e);
        }
        return new DtlsFingerprint(algorithm, digest);
    }

    /** The fingerprint of a DER certificate with the hash function {@code algorithm}. */
    public static DtlsFingerprint of(String algorithm, byte[] certificateDer) {
        return new DtlsFingerprint(algorithm, digest(algorithm, certificateDer));
    }

    /** True if {@code certificateDer} hashes to this fingerprint (a constant-time comparison). */
    public boolean matches(byte[] certificateDer) {
        return MessageDigest.isEqual(digest, digest(algorithm, certificateDer));
    }

    /** The attribute value: {@code sha-256 AB:CD:...}. */
    public String format() {
        return algorithm + " " + HEX.formatHex(digest);
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DtlsFingerprint f && algorithm.equals(f.algorithm) && Arrays.equals(digest, f.digest);
    }

    @Override
    public int hashCode() {
        return 31 * algorithm.hashCode() + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return format();
    }

    private static int digestLength(String algorithm) {
        return switch (algorithm) {
            case "sha-1" -> 20;
            case "sha-224" -> 28;
            case "sha-256" -> 32;
            case "sha-384" -> 48;
            case "sha-512" -> 64;
            default -> throw new IllegalArgumentException("a=fingerprint hash '" + algorithm + "' is not supported");
        };
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm.toUpperCase(Locale.ROOT)).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + algorithm, e);
        }
    }
}
