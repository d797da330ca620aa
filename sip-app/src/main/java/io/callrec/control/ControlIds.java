package io.callrec.control;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The ids of the callrec info package (spec §2): client-chosen {@code requestId}s are checked against
 * {@code [A-Za-z0-9._-]{1,64}}; server-made ids are a short prefix and 16 random bytes in base64url, so that nobody
 * can guess another call's {@code consentId} or another party's {@code recordingId}.
 */
public final class ControlIds {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int RANDOM_BYTES = 16;

    private ControlIds() {
    }

    /** True if {@code id} may be used as any id of the package. */
    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** A new {@code consentId}: {@code c-} and 22 base64url characters. */
    public static String newConsentId() {
        return withPrefix("c-");
    }

    /** A new {@code recordingId}: {@code r-} and 22 base64url characters (also a valid storage key). */
    public static String newRecordingId() {
        return withPrefix("r-");
    }

    private static String withPrefix(String prefix) {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
