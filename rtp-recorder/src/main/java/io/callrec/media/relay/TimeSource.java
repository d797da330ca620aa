package io.callrec.media.relay;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The relay's notion of time: a monotonic nanosecond counter for the packet path (cheap, no allocation) and a wall
 * clock to turn such readings into {@link Instant}s for reports. Injected so tests can move time without sleeping.
 */
final class TimeSource {
    private final LongSupplier nanos;
    private final Clock wall;

    TimeSource(LongSupplier nanos, Clock wall) {
        this.nanos = Objects.requireNonNull(nanos, "nanos");
        this.wall = Objects.requireNonNull(wall, "wall");
    }

    static TimeSource system() {
        return new TimeSource(System::nanoTime, Clock.systemUTC());
    }

    long nanoTime() {
        return nanos.getAsLong();
    }

    /** The wall-clock instant of an earlier (or later) {@link #nanoTime()} reading. */
    Instant toInstant(long nanoReading) {
        long now = nanos.getAsLong();
        return wall.instant().minusNanos(now - nanoReading);
    }
}
