package io.callrec.control;

import io.callrec.config.ConsentPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How recording control behaves, shared by all calls.
 *
 * @param consentTimeout        an unanswered consent request counts as declined ({@code timeout}) after this
 * @param storageStatusInterval at most one {@code storage-status} per leg in this time (the latest state wins)
 * @param storageRetryAfter     the {@code retryAfter} of {@code storage-unavailable} when storage gives none
 */
public record ControlSettings(ConsentPolicy policy, Duration consentTimeout, Duration storageStatusInterval,
                              Duration storageRetryAfter, FeatureCodes featureCodes, PeerAnswerParser answers,
                              PlainTexts texts) {
    public static final Duration DEFAULT_CONSENT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration STORAGE_STATUS_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STORAGE_RETRY_AFTER = Duration.ofSeconds(30);

    public ControlSettings {
        Objects.requireNonNull(policy, "policy");
        positive(consentTimeout, "consentTimeout");
        positive(storageStatusInterval, "storageStatusInterval");
        positive(storageRetryAfter, "storageRetryAfter");
        Objects.requireNonNull(featureCodes, "featureCodes");
        Objects.requireNonNull(answers, "answers");
        Objects.requireNonNull(texts, "texts");
    }

    /** The spec's defaults under {@code policy}. */
    public static ControlSettings defaults(ConsentPolicy policy) {
        FeatureCodes codes = FeatureCodes.defaults();
        return new ControlSettings(policy, DEFAULT_CONSENT_TIMEOUT, STORAGE_STATUS_INTERVAL,
                DEFAULT_STORAGE_RETRY_AFTER, codes, PeerAnswerParser.defaults(),
                new PlainTexts(PlainTexts.DEFAULT_PROMPT, codes));
    }

    public ControlSettings withConsentTimeout(Duration timeout) {
        return new ControlSettings(policy, timeout, storageStatusInterval, storageRetryAfter, featureCodes, answers,
                texts);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " " + d + " must be positive");
        }
    }
}
