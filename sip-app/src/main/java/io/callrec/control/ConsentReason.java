package io.callrec.control;

import java.util.Locale;
import java.util.Optional;

/** Why consent was not given, as the server tells the requester in {@code consent-response} (spec §2). */
public enum ConsentReason {
    /** The peer said no (or its SDP carries {@code a=recordpref:off}). */
    DECLINED,
    /** The peer did not answer within the consent timeout. */
    TIMEOUT,
    /** The peer took back consent it had given. */
    WITHDRAWN,
    /** The peer could not be asked (e.g. it refused the prompt MESSAGE). */
    UNAVAILABLE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ConsentReason> fromWireName(String name) {
        for (ConsentReason r : values()) {
            if (r.wireName().equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
