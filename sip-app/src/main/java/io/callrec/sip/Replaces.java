package io.callrec.sip;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The value of a {@code Replaces} header (RFC 3891 §6.1): the dialog a new INVITE wants to take the place of.
 *
 * <p>RFC 3891 §3 reads {@code to-tag} as the recipient's local tag and {@code from-tag} as its remote tag. The
 * sender learns the dialog from the transferor, which names it from its own side; through a B2BUA (the transferor
 * talks to callrec, not to the UA that ends up sending the INVITE) and with UAs that copy To/From literally, the
 * two tags arrive swapped often enough that a strict match would turn working transfers into 481s. Accepting
 * either order costs no safety: both tags must still match, together with the Call-ID, and each tag is a random
 * token of its own dialog, so no other dialog can match by the swap.
 *
 * @param callId    the Call-ID of the dialog to replace (compared case-sensitively, RFC 3261 §20.8)
 * @param toTag     the {@code to-tag} parameter
 * @param fromTag   the {@code from-tag} parameter
 * @param earlyOnly the {@code early-only} flag: replace only a dialog that is not yet confirmed
 */
record Replaces(String callId, String toTag, String fromTag, boolean earlyOnly) {
    static final String NAME = "Replaces";

    /** How the header's tags lined up with a dialog's: RFC 3891's way round, or swapped. */
    enum Orientation { AS_SPECIFIED, SWAPPED }

    Replaces {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(toTag, "toTag");
        Objects.requireNonNull(fromTag, "fromTag");
    }

    /**
     * Parses {@code callid *(;param)}; {@code to-tag} and {@code from-tag} are mandatory (RFC 3891 §6.1), other
     * parameters are ignored. Empty when the value is not a usable Replaces (the request gets 400).
     */
    static Optional<Replaces> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split(";", -1);
        String callId = parts[0].trim();
        if (callId.isEmpty() || callId.chars().anyMatch(Character::isWhitespace)) {
            return Optional.empty();
        }
        String toTag = null;
        String fromTag = null;
        boolean earlyOnly = false;
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].trim();
            int eq = param.indexOf('=');
            String name = (eq < 0 ? param : param.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String v = eq < 0 ? null : unquote(param.substring(eq + 1).trim());
            switch (name) {
                case "to-tag" -> toTag = v;
                case "from-tag" -> fromTag = v;
                case "early-only" -> earlyOnly = true;
                default -> { } // generic-param: not ours
            }
        }
        if (toTag == null || toTag.isEmpty() || fromTag == null || fromTag.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Replaces(callId, toTag, fromTag, earlyOnly));
    }

    /**
     * Whether this names the dialog with {@code callId} whose tags are {@code localTag} (ours) and {@code remoteTag}
     * (the far UA's), and in which order the tags were given; empty when it does not name it.
     */
    Optional<Orientation> match(String callId, String localTag, String remoteTag) {
        if (!this.callId.equals(callId) || localTag == null || remoteTag == null) {
            return Optional.empty();
        }
        if (toTag.equals(localTag) && fromTag.equals(remoteTag)) {
            return Optional.of(Orientation.AS_SPECIFIED);
        }
        if (toTag.equals(remoteTag) && fromTag.equals(localTag)) {
            return Optional.of(Orientation.SWAPPED);
        }
        return Optional.empty();
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
