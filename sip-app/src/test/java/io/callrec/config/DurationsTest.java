package io.callrec.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void parsesEveryDocumentedForm() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(72), Durations.parse("72h"));
        assertEquals(Duration.ofDays(1), Durations.parse("1d"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
        assertEquals(Duration.ofHours(36), Durations.parse("P1DT12H"));
        assertEquals(Duration.ofSeconds(90), Durations.parse(" 90S "));
        assertEquals(Duration.ZERO, Durations.parse("0"));
    }

    @Test
    void refusesOtherText() {
        for (String bad : new String[] {"", "abc", "5 m", "1.5h", "-3s", "5w", "PT", "1h30m"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertEquals("'" + bad.trim() + "' is not a duration (e.g. 30s, 5m, 72h, 1d, 250ms, 30, PT30S)", e.getMessage());
        }
        assertEquals("'PT-1S' is negative",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("PT-1S")).getMessage());
        assertEquals("'999999999999999999d' is too long a duration",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("999999999999999999d")).getMessage());
    }

    @Test
    void formatPicksTheLargestWholeUnit() {
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("5m", Durations.format(Duration.ofMinutes(5)));
        assertEquals("2h", Durations.format(Duration.ofHours(2)));
        assertEquals("3d", Durations.format(Duration.ofHours(72)));
        assertEquals("0s", Durations.format(Duration.ZERO));
    }
}
