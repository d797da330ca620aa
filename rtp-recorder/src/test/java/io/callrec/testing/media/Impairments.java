package io.callrec.testing.media;

/**
 * What the network does to one stream in an {@link RtpPlayer}: every random choice is drawn from the player's seed.
 *
 * @param delayMillis       constant extra delay of every datagram (an encoder's or a path's latency); the SRs keep
 *                          the media clock, so a receiver that syncs by SR is not fooled by it, one that uses
 *                          arrival times is
 * @param jitterMillis      each datagram is delayed by a further uniform random 0..J ms (late ones may overtake)
 * @param lossPercent       chance that a packet is not sent
 * @param reorderPercent    chance that a packet is held until just after the next one (never two in a row)
 * @param duplicatePercent  chance that a packet is sent twice (the copy with its own jitter)
 * @param outageStartMillis media time at which an outage starts
 * @param outageMillis      how long the outage lasts: packets with media time in [start, start + length) are not sent
 */
public record Impairments(double delayMillis, double jitterMillis, double lossPercent, double reorderPercent, double duplicatePercent,
                          double outageStartMillis, double outageMillis) {
    public static final Impairments NONE = new Impairments(0, 0, 0, 0, 0, 0, 0);

    public Impairments {
        if (delayMillis < 0 || jitterMillis < 0 || outageMillis < 0) {
            throw new IllegalArgumentException("delay " + delayMillis + " ms, jitter " + jitterMillis
                    + " ms and outage " + outageMillis + " ms must not be negative");
        }
        checkPercent(lossPercent, "loss");
        checkPercent(reorderPercent, "reorder");
        checkPercent(duplicatePercent, "duplicate");
    }

    private static void checkPercent(double value, String what) {
        if (value < 0 || value > 100) {
            throw new IllegalArgumentException(what + " " + value + "% must be 0..100");
        }
    }

    public Impairments withDelayMillis(double millis) {
        return new Impairments(millis, jitterMillis, lossPercent, reorderPercent, duplicatePercent,
                outageStartMillis, outageMillis);
    }

    public Impairments withJitterMillis(double millis) {
        return new Impairments(delayMillis, millis, lossPercent, reorderPercent, duplicatePercent,
                outageStartMillis, outageMillis);
    }

    public Impairments withLossPercent(double percent) {
        return new Impairments(delayMillis, jitterMillis, percent, reorderPercent, duplicatePercent,
                outageStartMillis, outageMillis);
    }

    public Impairments withReorderPercent(double percent) {
        return new Impairments(delayMillis, jitterMillis, lossPercent, percent, duplicatePercent,
                outageStartMillis, outageMillis);
    }

    public Impairments withDuplicatePercent(double percent) {
        return new Impairments(delayMillis, jitterMillis, lossPercent, reorderPercent, percent,
                outageStartMillis, outageMillis);
    }

    /** Packets with media time in [start, start + length) are not sent. */
    public Impairments withOutage(double startMillis, double lengthMillis) {
        return new Impairments(delayMillis, jitterMillis, lossPercent, reorderPercent, duplicatePercent,
                startMillis, lengthMillis);
    }

    boolean inOutage(long mediaNanos) {
        double millis = mediaNanos / 1e6;
        return outageMillis > 0 && millis >= outageStartMillis && millis < outageStartMillis + outageMillis;
    }
}
