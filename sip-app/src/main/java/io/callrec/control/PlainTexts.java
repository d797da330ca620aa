package io.callrec.control;

import io.callrec.control.ControlMessage.ConsentAsk;
import io.callrec.control.ControlMessage.ConsentOutcome;
import io.callrec.control.ControlMessage.RecordingError;
import io.callrec.control.ControlMessage.RecordingReady;
import io.callrec.control.ControlMessage.RecordingStarted;
import io.callrec.control.ControlMessage.RecordingState;
import io.callrec.record.RecordingMode;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code text/plain} MESSAGE texts for UAs without the callrec package (spec §3): what a person reads on a
 * plain softphone's screen. The consent prompt is configurable; {@code {from}} stands for the requester and
 * {@code {mode}} for what would be recorded. Immutable.
 */
public final class PlainTexts {
    public static final String DEFAULT_PROMPT = "{from} asks to record this call. Reply YES or NO, or press 1 or 2.";
    private static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final String promptTemplate;
    private final FeatureCodes codes;

    public PlainTexts(String promptTemplate, FeatureCodes codes) {
        this.promptTemplate = Objects.requireNonNull(promptTemplate, "promptTemplate");
        this.codes = Objects.requireNonNull(codes, "codes");
    }

    public static PlainTexts defaults() {
        return new PlainTexts(DEFAULT_PROMPT, FeatureCodes.defaults());
    }

    /** The consent prompt asking the peer. */
    public String prompt(String requesterIdentity, RecordingMode mode) {
        return promptTemplate.replace("{from}", displayed(requesterIdentity))
                .replace("{mode}", mode == RecordingMode.BOTH ? "both parties" : "your side of the call");
    }

    /** The text telling a plain UA what {@code message} says; empty for {@code storage-status}, not shown. */
    public Optional<String> render(ControlMessage.ToUa message) {
        if (message instanceof ConsentAsk m) {
            return Optional.of(prompt(m.from(), m.mode()));
        }
        if (message instanceof ConsentOutcome m) {
            return Optional.of(m.granted() ? "Consent to record granted." : switch (m.reason()) {
                case DECLINED -> "Consent to record declined: not recording.";
                case TIMEOUT -> "No answer to the request to record: not recording.";
                case WITHDRAWN -> "Consent to record withdrawn.";
                case UNAVAILABLE -> "The other party could not be asked to consent: not recording.";
            });
        }
        if (message instanceof RecordingStarted m) {
            return Optional.of("Recording started (" + scope(m.mode()) + "). Press " + codes.digits(FeatureCode.PAUSE)
                    + " to pause, " + codes.digits(FeatureCode.RESUME) + " to resume, "
                    + codes.digits(FeatureCode.STOP) + " to stop.");
        }
        if (message instanceof RecordingState m) {
            return Optional.of(switch (m.state()) {
                case RECORDING -> "This call is being recorded (" + scope(m.mode()) + ").";
                case PAUSED -> "Recording paused.";
                case STOPPED -> "Recording stopped.";
            });
        }
        if (message instanceof RecordingError m) {
            String retry = m.retryAfter() == null ? "" : " Try again in " + m.retryAfter() + " s.";
            return Optional.of((m.recordingId() == null ? "Not recording: " : "Recording failed: ")
                    + sentence(m.message()) + retry);
        }
        if (message instanceof RecordingReady m) {
            return Optional.of("Call recording ready: " + m.url() + " (expires " + EXPIRY.format(m.expires()) + ")");
        }
        return Optional.empty();
    }

    /** A feature code could not be carried out; {@code why} is the reason an INFO would have got in its 403. */
    public String refused(String why) {
        return "Not done: " + why + ".";
    }

    private static String sentence(String text) {
        return text.endsWith(".") || text.endsWith("!") || text.endsWith("?") ? text : text + ".";
    }

    private static String scope(RecordingMode mode) {
        return mode == RecordingMode.BOTH ? "both parties" : "the other party only";
    }

    /** {@code <sip:alice@example.com>} reads as {@code alice@example.com}. */
    static String displayed(String identity) {
        String s = identity.trim();
        if (s.startsWith("<") && s.endsWith(">")) {
            s = s.substring(1, s.length() - 1);
        }
        for (String scheme : new String[] {"sips:", "sip:", "tel:"}) {
            if (s.regionMatches(true, 0, scheme, 0, scheme.length())) {
                return s.substring(scheme.length());
            }
        }
        return s;
    }
}
