package io.callrec.control;

import io.callrec.record.RecordingMode;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a DTMF feature code asks for (spec §3). */
public enum FeatureCode {
    /** Consent request with start, mode both (default {@code **1}). */
    RECORD_BOTH("**1"),
    /** Consent request with start, mode peer (default {@code **3}). */
    RECORD_PEER("**3"),
    /** Stop the sender's recording (default {@code **2}). */
    STOP("**2"),
    /** Pause it (default {@code **4}). */
    PAUSE("**4"),
    /** Resume it (default {@code **5}). */
    RESUME("**5"),
    /** The peer withdraws its consent (default {@code **0}). */
    WITHDRAW("**0");

    private final String defaultDigits;

    FeatureCode(String defaultDigits) {
        this.defaultDigits = defaultDigits;
    }

    /** The digits when nothing is configured; chosen not to clash with PBX codes such as {@code *1}. */
    public String defaultDigits() {
        return defaultDigits;
    }

    /** The name in the {@code feature-codes} setting: {@code both}, {@code peer}, {@code stop}... */
    public String configName() {
        return switch (this) {
            case RECORD_BOTH -> "both";
            case RECORD_PEER -> "peer";
            default -> name().toLowerCase(Locale.ROOT);
        };
    }

    public static Optional<FeatureCode> fromConfigName(String name) {
        for (FeatureCode c : values()) {
            if (c.configName().equalsIgnoreCase(name.strip())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The config names, comma-separated, for error messages. */
    public static String configNames() {
        return Arrays.stream(values()).map(FeatureCode::configName).collect(Collectors.joining(", "));
    }

    /** The mode a recording code asks for; null for the other codes. */
    public RecordingMode mode() {
        return switch (this) {
            case RECORD_BOTH -> RecordingMode.BOTH;
            case RECORD_PEER -> RecordingMode.PEER;
            default -> null;
        };
    }
}
