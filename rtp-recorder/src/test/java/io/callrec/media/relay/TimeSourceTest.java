package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class TimeSourceTest {
    @Test
    void convertsNanoReadingsToWallClock() {
        FakeTime time = new FakeTime();
        long reading = time.now();
        time.advanceMillis(250);
        assertEquals(FakeTime.EPOCH.minusMillis(250), time.source.toInstant(reading));
        assertEquals(FakeTime.EPOCH.plusMillis(50), time.source.toInstant(time.now() + 50_000_000L));
    }

    @Test
    void systemSourceIsCloseToTheSystemClock() {
        TimeSource system = TimeSource.system();
        Instant converted = system.toInstant(system.nanoTime());
        assertTrue(Duration.between(converted, Instant.now()).abs().toMillis() < 1000, converted.toString());
    }
}
