package io.callrec.control;

import java.time.Duration;
import java.util.Objects;

/** What {@link ControlPort#startRecording} did: a running recording, or why there is none. */
public sealed interface StartResult permits StartResult.Started, StartResult.Failed {

    /** The fork runs; {@code recordingId} is server-made (see {@link ControlIds#newRecordingId()}). */
    record Started(String recordingId) implements StartResult {
        public Started {
            if (!ControlIds.isValid(recordingId)) {
                throw new IllegalArgumentException("recordingId '" + recordingId + "' is not a valid id");
            }
        }
    }

    /** Nothing runs; the requester gets {@code recording-error} with this code. */
    record Failed(ErrorCode code, String message, Duration retryAfter) implements StartResult {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}
