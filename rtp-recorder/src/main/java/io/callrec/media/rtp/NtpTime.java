package io.callrec.media.rtp;

/**
 * NTP 64-bit timestamps (RFC 5905: seconds since 1900 in the high 32 bits, binary fraction in the low 32) as RTCP
 * sender reports carry them, converted to and from Unix-epoch microseconds and nanoseconds.
 *
 * <p>The 32-bit seconds field wraps in February 2036; following RFC 4330 §3, a value whose top bit is clear is read
 * as belonging to the era after the wrap, so the conversions work from 1968 to 2104.
 */
public final class NtpTime {
    /** Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch). */
    public static final long UNIX_EPOCH_SECONDS = 2_208_988_800L;
    private static final long ERA = 1L << 32;
    private static final long MICROS = 1_000_000L;
    private static final long NANOS = 1_000_000_000L;

    private NtpTime() {
    }

    public static long fromUnixMicros(long unixMicros) {
        return fromUnix(unixMicros, MICROS);
    }

    public static long toUnixMicros(long ntp64) {
        return toUnix(ntp64, MICROS);
    }

    public static long fromUnixNanos(long unixNanos) {
        return fromUnix(unixNanos, NANOS);
    }

    public static long toUnixNanos(long ntp64) {
        return toUnix(ntp64, NANOS);
    }

    /** The middle 32 bits (16.16 fixed point seconds): the "last SR" (LSR) field of a report block. */
    public static long middle32(long ntp64) {
        return (ntp64 >>> 16) & 0xffffffffL;
    }

    // Rounding to nearest in both directions makes micros/nanos -> NTP -> micros/nanos exact: one NTP fraction
    // unit (233 ps) is far finer than either.
    private static long fromUnix(long value, long unitsPerSecond) {
        long seconds = Math.floorDiv(value, unitsPerSecond) + UNIX_EPOCH_SECONDS;
        long remainder = Math.floorMod(value, unitsPerSecond);
        // remainder < unitsPerSecond, so the rounded fraction stays below 2^32.
        long fraction = ((remainder << 32) + unitsPerSecond / 2) / unitsPerSecond;
        return ((seconds & 0xffffffffL) << 32) | fraction;
    }

    private static long toUnix(long ntp64, long unitsPerSecond) {
        long seconds = ntp64 >>> 32;
        if ((seconds & 0x8000_0000L) == 0) {
            seconds += ERA;
        }
        long fraction = ntp64 & 0xffffffffL;
        return (seconds - UNIX_EPOCH_SECONDS) * unitsPerSecond + ((fraction * unitsPerSecond + (1L << 31)) >>> 32);
    }
}
