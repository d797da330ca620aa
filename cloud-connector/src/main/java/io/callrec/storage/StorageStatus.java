package io.callrec.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * Whether network recording is available now: {@code available} means an allocation would succeed.
 *
 * @param reason why not, in a few words for logs and {@code storage-status}; null when available
 */
public record StorageStatus(boolean available, String reason, Instant checkedAt) {
    public StorageStatus {
        Objects.requireNonNull(checkedAt, "checkedAt");
        if (!available && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("an unavailable status needs a reason");
        }
    }

    public static StorageStatus up(Instant at) {
        return new StorageStatus(true, null, at);
    }

    public static StorageStatus down(String reason, Instant at) {
        return new StorageStatus(false, reason, at);
    }
}
