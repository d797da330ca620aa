package io.callrec.control;

import java.util.Locale;
import java.util.Optional;

/** The closed list of {@code recording-error} codes (spec §2). */
public enum ErrorCode {
    BAD_REQUEST, CONSENT_REQUIRED, CONSENT_DECLINED, CONSENT_TIMEOUT, STORAGE_UNAVAILABLE, STORAGE_LOST, DISK_FULL,
    RECORDER_OVERLOAD, MEDIA_ENCRYPTED, LIMIT_REACHED, INTERNAL;

    /** The code on the wire, e.g. {@code storage-unavailable}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The code for a wire name; empty for anything outside the closed list. */
    public static Optional<ErrorCode> fromWireName(String name) {
        for (ErrorCode c : values()) {
            if (c.wireName().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
