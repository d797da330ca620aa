package io.callrec.rendition;

import java.time.Duration;
import java.util.Objects;

/**
 * Makes a recording's browser renditions when they are first asked for, once: the download service calls
 * {@link #request} when a player asks for {@value RenditionIndex#NAME} and storage has none yet.
 */
public interface Renditions {
    /** Where a recording's renditions are, while their index is not in storage. */
    sealed interface Progress permits Making, Later {
    }

    /** Being made (or queued to be): ask again in a moment. */
    record Making() implements Progress {
    }

    /** Not now: too many recordings are waiting, or the last attempt failed for a reason that may pass. */
    record Later(String reason, Duration retryAfter) implements Progress {
        public Later {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /**
     * Starts making the recording's renditions unless that is under way already; returns at once. Call only once the
     * caller is entitled to the recording (its link verified) and has seen that its index is not stored yet.
     */
    Progress request(String recordingId);
}
