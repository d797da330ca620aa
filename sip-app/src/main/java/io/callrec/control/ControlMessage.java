package io.callrec.control;

import io.callrec.record.RecordingMode;
import io.callrec.record.RecordingSession;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One message of the callrec info package: one record per row of the spec's table (§2). Messages a UA sends to the
 * server are {@link ToServer}; messages the server sends are {@link ToUa}. Two wire types exist in both directions
 * with different fields ({@code consent-request}, {@code consent-response}), hence two records each.
 *
 * <p>Optional fields are {@code null} when absent; ids are checked against {@link ControlIds#isValid} by
 * {@link ControlCodec}, not here, so that tests can build any message.
 */
public sealed interface ControlMessage permits ControlMessage.ToServer, ControlMessage.ToUa {

    /** The {@code "type"} value on the wire. */
    String type();

    /** What a requester or peer sends to the server. */
    sealed interface ToServer extends ControlMessage
            permits ConsentRequest, ConsentResponse, ConsentWithdraw, Allocate, Stop, Pause, Resume {
    }

    /** What the server sends to a party. */
    sealed interface ToUa extends ControlMessage
            permits StorageStatus, ConsentAsk, ConsentOutcome, RecordingStarted, RecordingState, RecordingError,
            RecordingReady {
    }

    /** The requester asks for the peer's permission; with {@code start} the server allocates once it is granted. */
    record ConsentRequest(RecordingMode mode, String requestId, boolean start) implements ToServer {
        public ConsentRequest {
            Objects.requireNonNull(mode, "mode");
        }

        @Override
        public String type() {
            return "consent-request";
        }
    }

    /** The peer's answer to a {@link ConsentAsk}. */
    record ConsentResponse(String consentId, boolean granted) implements ToServer {
        public ConsentResponse {
            Objects.requireNonNull(consentId, "consentId");
        }

        @Override
        public String type() {
            return "consent-response";
        }
    }

    /** The peer takes its consent back. */
    record ConsentWithdraw() implements ToServer {
        @Override
        public String type() {
            return "consent-withdraw";
        }
    }

    /** Allocate storage and start recording. */
    record Allocate(RecordingMode mode, String requestId) implements ToServer {
        public Allocate {
            Objects.requireNonNull(mode, "mode");
        }

        @Override
        public String type() {
            return "allocate";
        }
    }

    /** End the sender's recording ({@code recordingId} may be null: the sender's only recording). */
    record Stop(String recordingId) implements ToServer {
        @Override
        public String type() {
            return "stop";
        }
    }

    /** Pause the sender's recording: media is not written, the timeline keeps the gap. */
    record Pause(String recordingId) implements ToServer {
        @Override
        public String type() {
            return "pause";
        }
    }

    /** Go on after a pause. */
    record Resume(String recordingId) implements ToServer {
        @Override
        public String type() {
            return "resume";
        }
    }

    /** "Network recording available": {@code true} means an {@code allocate} would succeed now. */
    record StorageStatus(boolean available, String reason) implements ToUa {
        @Override
        public String type() {
            return "storage-status";
        }
    }

    /** The server relays a consent request to the peer (wire type {@code consent-request}). */
    record ConsentAsk(String consentId, String from, RecordingMode mode) implements ToUa {
        public ConsentAsk {
            Objects.requireNonNull(consentId, "consentId");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(mode, "mode");
        }

        @Override
        public String type() {
            return "consent-request";
        }
    }

    /**
     * The outcome of a consent request, to the requester (wire type {@code consent-response}); {@code reason} is
     * null exactly when {@code granted}.
     */
    record ConsentOutcome(String requestId, boolean granted, ConsentReason reason) implements ToUa {
        public ConsentOutcome {
            if (granted != (reason == null)) {
                throw new IllegalArgumentException("a reason is given exactly when consent is not granted");
            }
        }

        public static ConsentOutcome granted(String requestId) {
            return new ConsentOutcome(requestId, true, null);
        }

        public static ConsentOutcome refused(String requestId, ConsentReason reason) {
            return new ConsentOutcome(requestId, false, Objects.requireNonNull(reason, "reason"));
        }

        @Override
        public String type() {
            return "consent-response";
        }
    }

    /** Storage is allocated and the fork runs. */
    record RecordingStarted(String recordingId, RecordingMode mode, String requestId) implements ToUa {
        public RecordingStarted {
            Objects.requireNonNull(recordingId, "recordingId");
            Objects.requireNonNull(mode, "mode");
        }

        /** The sub-spaces of the recording's space: {@code requester} and {@code peer}, or only {@code peer}. */
        public List<String> spaces() {
            return mode == RecordingMode.BOTH ? List.of("requester", "peer") : List.of("peer");
        }

        @Override
        public String type() {
            return "recording-started";
        }
    }

    /** Sent to both parties on every change, so both always know whether they are being recorded. */
    record RecordingState(String recordingId, RecordingSession.State state, RecordingMode mode) implements ToUa {
        public RecordingState {
            Objects.requireNonNull(recordingId, "recordingId");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(mode, "mode");
        }

        @Override
        public String type() {
            return "recording-state";
        }
    }

    /**
     * A request could not be carried out, or a running recording failed.
     *
     * @param recordingId  the recording concerned, or null
     * @param retryAfter   seconds after which trying again makes sense, or null
     */
    record RecordingError(ErrorCode code, String message, String recordingId, Integer retryAfter) implements ToUa {
        public RecordingError {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            if (retryAfter != null && retryAfter < 0) {
                throw new IllegalArgumentException("retryAfter " + retryAfter + " s is negative");
            }
        }

        @Override
        public String type() {
            return "recording-error";
        }
    }

    /** The link to a stored recording (spec §4), normally sent by MESSAGE. */
    record RecordingReady(String recordingId, String url, Instant expires) implements ToUa {
        public RecordingReady {
            Objects.requireNonNull(recordingId, "recordingId");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(expires, "expires");
        }

        @Override
        public String type() {
            return "recording-ready";
        }
    }
}
