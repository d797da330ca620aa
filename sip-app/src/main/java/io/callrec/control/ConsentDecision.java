package io.callrec.control;

import java.util.Locale;

/** The result of a consent decision, as the consent log writes it. */
public enum ConsentDecision {
    GRANTED, DECLINED, TIMEOUT, WITHDRAWN, UNAVAILABLE;

    public String logName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The reason the requester is told; null for {@link #GRANTED}. */
    public ConsentReason reason() {
        return this == GRANTED ? null : ConsentReason.valueOf(name());
    }
}
