package io.callrec.config;

import java.util.Locale;

/** Whose permission a recording needs (spec section 2, "Consent"). */
public enum ConsentPolicy {
    /** Nothing is recorded without the peer's granted consent for that call. */
    REQUIRED("required"),
    /** The requester's own request suffices. */
    ONE_PARTY("one-party");

    private final String flagValue;

    ConsentPolicy(String flagValue) {
        this.flagValue = flagValue;
    }

    /** The spelling used on the command line and in the config file. */
    public String flagValue() {
        return flagValue;
    }

    /** Parses {@code required} or {@code one-party} (any letter case); empty if neither. */
    public static java.util.Optional<ConsentPolicy> fromFlagValue(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (ConsentPolicy policy : values()) {
            if (policy.flagValue.equals(wanted)) {
                return java.util.Optional.of(policy);
            }
        }
        return java.util.Optional.empty();
    }
}
