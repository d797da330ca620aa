package io.callrec.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NtpTimeTest {

    @Test
    void unixEpochIsNtpSecondsOffset() {
        assertEquals(NtpTime.UNIX_EPOCH_SECONDS << 32, NtpTime.fromUnixMicros(0));
        assertEquals(0, NtpTime.toUnixMicros(NtpTime.UNIX_EPOCH_SECONDS << 32));
    }

    @Test
    void halfSecondIsTopFractionBit() {
        long ntp = NtpTime.fromUnixMicros(1_500_000);
        assertEquals(NtpTime.UNIX_EPOCH_SECONDS + 1, ntp >>> 32);
        assertEquals(0x8000_0000L, ntp & 0xffffffffL);
        assertEquals(1_500_000_000L, NtpTime.toUnixNanos(ntp));
    }

    @Test
    void knownInstantFromRfcStyleExample() {
        // 2024-01-01T00:00:00Z = 1704067200 Unix seconds = 3913056000 NTP seconds.
        long unixMicros = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli() * 1000;
        assertEquals(3_913_056_000L << 32, NtpTime.fromUnixMicros(unixMicros));
    }

    @Test
    void roundTripsAreExact() {
        Random random = new Random(7);
        long now = System.currentTimeMillis() * 1000;
        for (int i = 0; i < 100_000; i++) {
            long micros = now + random.nextLong() % (40L * 365 * 86_400 * 1_000_000);
            assertEquals(micros, NtpTime.toUnixMicros(NtpTime.fromUnixMicros(micros)));
            long nanos = micros * 1000 + random.nextInt(1000);
            assertEquals(nanos, NtpTime.toUnixNanos(NtpTime.fromUnixNanos(nanos)));
        }
    }

    @Test
    void eraWrapIn2036IsReadAsAfterIt() {
        long afterWrap = Instant.parse("2036-02-07T06:28:17Z").getEpochSecond() * 1_000_000;
        long ntp = NtpTime.fromUnixMicros(afterWrap);
        assertEquals(1L << 32, ntp, "the 32-bit seconds field has wrapped to 1");
        assertEquals(afterWrap, NtpTime.toUnixMicros(ntp));
    }

    @Test
    void middle32IsLastSrField() {
        assertEquals(0x5678_9abcL, NtpTime.middle32(0x1234_5678_9abc_def0L));
    }

    @Test
    void beforeUnixEpochRoundsTowardsPast() {
        assertEquals(-1, NtpTime.toUnixMicros(NtpTime.fromUnixMicros(-1)));
        assertEquals(((NtpTime.UNIX_EPOCH_SECONDS - 1) << 32) | 0xffffef39L, NtpTime.fromUnixMicros(-1));
    }
}
