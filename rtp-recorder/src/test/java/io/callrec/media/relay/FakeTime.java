package io.callrec.media.relay;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A hand-moved clock for tests: nanos start at an arbitrary value, the wall clock is fixed at {@link #EPOCH}. */
final class FakeTime {
    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    final TimeSource source = new TimeSource(nanos::get, Clock.fixed(EPOCH, ZoneOffset.UTC));

    long now() {
        return nanos.get();
    }

    void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
