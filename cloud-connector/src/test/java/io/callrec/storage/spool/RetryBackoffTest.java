package io.callrec.storage.spool;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryBackoffTest {
    private final RetryBackoff b = RetryBackoff.DEFAULT;

    @Test
    void doublesFromOneSecondToFiveMinutes() {
        long[] expected = {1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300};
        for (int n = 1; n <= expected.length; n++) {
            assertEquals(Duration.ofSeconds(expected[n - 1]), b.delay(n, 0.999_999_999), "failure " + n);
        }
        assertEquals(Duration.ofMinutes(5), b.delay(10_000, 0.999_999_999), "no overflow after many failures");
    }

    @Test
    void jitterTakesAtMostAQuarterOff() {
        assertEquals(Duration.ofMillis(750), b.delay(1, 0));
        assertEquals(Duration.ofMillis(225_000), b.delay(20, 0));
        for (double r = 0; r < 1; r += 0.1) {
            Duration d = b.delay(3, r);
            assertTrue(d.toMillis() >= 3000 && d.toMillis() <= 4000, d.toString());
        }
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> b.delay(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
