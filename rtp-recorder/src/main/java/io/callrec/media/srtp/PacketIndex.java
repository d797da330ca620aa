package io.callrec.media.srtp;

/**
 * The 48-bit SRTP packet index, ROC * 2^16 + SEQ, and its estimation from a 16-bit sequence number (RFC 3711 §3.3.1
 * and appendix A): the receiver guesses whether the packet belongs to the current roll-over count, the one before
 * (a late packet from before a wrap) or the one after (the first packets after a wrap).
 */
final class PacketIndex {
    /** The largest index: ROC is 32 bits. */
    static final long MAX = (1L << 48) - 1;

    private PacketIndex() {
    }

    /**
     * The index of a packet with sequence number {@code seq}, given the highest index accepted so far
     * ({@code highest >= 0}). Negative when the packet would belong before roll-over count 0, i.e. before the stream.
     */
    static long estimate(long highest, int seq) {
        long roc = highest >>> 16;
        int highestSeq = (int) (highest & 0xffff);
        long v;
        if (highestSeq < 0x8000) {
            v = seq - highestSeq > 0x8000 ? roc - 1 : roc;
        } else {
            v = highestSeq - 0x8000 > seq ? roc + 1 : roc;
        }
        return v * 0x10000 + seq;
    }
}
