package io.callrec.storage.spool;

import java.time.Duration;
import java.util.Objects;

/**
 * How long to wait before attempt {@code n + 1} after {@code n} failures: {@code initial} doubling up to {@code max},
 * each delay drawn from its upper quarter-range ([75 %, 100 %]) so that recordings which failed together (storage
 * went down) do not all come back in the same instant.
 */
public record RetryBackoff(Duration initial, Duration max) {
    public static final RetryBackoff DEFAULT = new RetryBackoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    public RetryBackoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max: " + initial + ", " + max);
        }
    }

    /**
     * @param failures how many attempts have failed so far (1 after the first failure)
     * @param random   uniform in [0, 1)
     */
    public Duration delay(int failures, double random) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures < 1: " + failures);
        }
        long nominal = initial.toMillis();
        for (int i = 1; i < failures && nominal < max.toMillis(); i++) {
            nominal *= 2;
        }
        nominal = Math.min(nominal, max.toMillis());
        return Duration.ofMillis(Math.round(nominal * (0.75 + 0.25 * random)));
    }
}
