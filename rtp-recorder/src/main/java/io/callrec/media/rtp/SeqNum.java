package io.callrec.media.rtp;

/** Wrap-around arithmetic for 16-bit RTP sequence numbers and 32-bit timestamps (RFC 3550 appendix A.1). */
public final class SeqNum {
    private SeqNum() {
    }

    /** Signed distance from {@code from} to {@code to} in the 16-bit space: -32768..32767 (positive = {@code to} newer). */
    public static int distance(int from, int to) {
        return (short) (to - from);
    }

    /** True if {@code candidate} is newer than {@code reference} (within half the sequence space). */
    public static boolean isNewer(int candidate, int reference) {
        return distance(reference, candidate) > 0;
    }

    /** Signed distance between two 32-bit RTP timestamps (positive = {@code to} later). */
    public static long timestampDistance(long from, long to) {
        return (int) (to - from);
    }

    /**
     * Extends a 32-bit timestamp to 64 bits next to a previous extended value, so wrap-around becomes a plain
     * increasing number: the result is the value congruent to {@code timestamp} mod 2^32 nearest to {@code previous}.
     */
    public static long extendTimestamp(long previous, long timestamp) {
        return previous + timestampDistance(previous & 0xffffffffL, timestamp & 0xffffffffL);
    }

    /** Same as {@link #extendTimestamp} for 16-bit sequence numbers. */
    public static long extendSequence(long previous, int seq) {
        return previous + distance((int) (previous & 0xffff), seq & 0xffff);
    }
}
