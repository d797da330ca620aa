package io.callrec.sip.auth;

/**
 * The verdict on a request's digest credentials. What to answer:
 * {@link Ok} → go on as {@code user}; {@link Missing} → challenge;
 * {@link Stale} → challenge with {@code stale=true} (the UA retries without asking its user);
 * {@link Failed} → 403, or a fresh challenge. The reason is for the log only: telling the UA
 * whether the user or the password was wrong would help guessing.
 */
public sealed interface AuthResult {

    record Ok(String user) implements AuthResult {
    }

    /** No credentials for this realm. */
    record Missing() implements AuthResult {
    }

    /** Right password on a nonce that has expired. */
    record Stale() implements AuthResult {
    }

    record Failed(String reason) implements AuthResult {
    }
}
