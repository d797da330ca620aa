package io.callrec.sip.limits;

/**
 * A token bucket: {@code perSecond} tokens added a second, at most {@code burst} kept. Times are milliseconds of
 * one clock; a clock that steps back adds nothing. Not thread-safe: its owner locks.
 */
final class TokenBucket {
    private final double perMilli;
    private final double burst;
    private double tokens;
    private long last;

    /** Starts full: a source that was quiet may send its whole burst at once. */
    TokenBucket(double perSecond, double burst, long nowMillis) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("bucket of " + perSecond + "/s, burst " + burst);
        }
        this.perMilli = perSecond / 1000.0;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowMillis;
    }

    /** Takes one token if there is one. */
    boolean tryTake(long nowMillis) {
        refill(nowMillis);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Whether {@link #tryTake} would succeed now, without taking. */
    boolean hasToken(long nowMillis) {
        refill(nowMillis);
        return tokens >= 1;
    }

    /** Refilled to its burst: forgetting it changes nothing. */
    boolean isFull(long nowMillis) {
        refill(nowMillis);
        return tokens >= burst;
    }

    private void refill(long nowMillis) {
        if (nowMillis > last) {
            tokens = Math.min(burst, tokens + (nowMillis - last) * perMilli);
            last = nowMillis;
        }
    }
}
