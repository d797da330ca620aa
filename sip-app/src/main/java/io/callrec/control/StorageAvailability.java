package io.callrec.control;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether storage can take a new recording now, as the storage connector reports it.
 *
 * @param reason     why not, for {@code storage-status}; null when available or unknown
 * @param retryAfter when trying again makes sense, for {@code recording-error storage-unavailable}; null for the
 *                   configured default
 */
public record StorageAvailability(boolean available, String reason, Duration retryAfter) {
    public static final StorageAvailability AVAILABLE = new StorageAvailability(true, null, null);

    public StorageAvailability {
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter " + retryAfter + " is negative");
        }
    }

    public static StorageAvailability unavailable(String reason, Duration retryAfter) {
        return new StorageAvailability(false, Objects.requireNonNull(reason, "reason"), retryAfter);
    }

    /** The {@code storage-status} message telling a party about this. */
    ControlMessage.StorageStatus message() {
        return new ControlMessage.StorageStatus(available, reason);
    }
}
