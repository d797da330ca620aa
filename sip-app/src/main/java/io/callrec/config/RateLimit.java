package io.callrec.config;

/**
 * The shape of one token bucket: {@code perSecond} requests a second on average, up to {@code burst} at once.
 * {@link #OFF} ({@code perSecond} 0) means no limit.
 */
public record RateLimit(int perSecond, int burst) {

    public static final RateLimit OFF = new RateLimit(0, 0);

    public RateLimit {
        if (perSecond < 0 || burst < 0) {
            throw new IllegalArgumentException("rate " + perSecond + "/s, burst " + burst + ": negative");
        }
        if (perSecond > 0 && burst < 1) {
            throw new IllegalArgumentException("rate " + perSecond + "/s needs a burst of at least 1, not " + burst);
        }
    }

    /** {@code perSecond} with the default burst: two seconds' worth. */
    public static RateLimit of(int perSecond) {
        return perSecond == 0 ? OFF : new RateLimit(perSecond, 2 * perSecond);
    }

    public boolean enabled() {
        return perSecond > 0;
    }

    /** As written in docs and logs: {@code 50/s burst 100}, or {@code off}. */
    @Override
    public String toString() {
        return enabled() ? perSecond + "/s burst " + burst : "off";
    }
}
