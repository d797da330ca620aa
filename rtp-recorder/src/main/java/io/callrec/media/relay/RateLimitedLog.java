package io.callrec.media.relay;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one message through per interval, so a packet flood that keeps failing cannot flood the log.
 * Ask {@link #permit()} before building the log call: a suppressed message then costs no allocation.
 */
final class RateLimitedLog {
    private final TimeSource time;
    private final long intervalNanos;
    private final AtomicLong nextAllowedNanos;
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(TimeSource time, long intervalNanos) {
        this.time = time;
        this.intervalNanos = intervalNanos;
        this.nextAllowedNanos = new AtomicLong(time.nanoTime());
    }

    /** True if a message may be logged now; otherwise counts it as suppressed. */
    boolean permit() {
        long now = time.nanoTime();
        long next = nextAllowedNanos.get();
        if (now - next >= 0 && nextAllowedNanos.compareAndSet(next, now + intervalNanos)) {
            return true;
        }
        suppressed.incrementAndGet();
        return false;
    }

    /** How many messages were suppressed since the last call of this method; include it in the next message. */
    long takeSuppressed() {
        return suppressed.getAndSet(0);
    }
}
