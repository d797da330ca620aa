package io.callrec.media.srtp;

/**
 * The replay list of RFC 3711 §3.3.2 as a 64-packet sliding window behind the highest index accepted so far: an
 * index is new if above it, or within the window and not yet accepted. Checking and accepting are separate so that
 * a packet is recorded only after its tag verified (an attacker's forgeries must not move the window).
 */
final class ReplayWindow {
    static final int SIZE = 64;

    /** Highest accepted index, or -1 before the first. */
    private long highest = -1;
    /** Bit i set: index {@code highest - i} was accepted. */
    private long accepted;

    /** {@link SrtpVerdict#OK}, {@link SrtpVerdict#REPLAYED} or {@link SrtpVerdict#TOO_OLD}; records nothing. */
    SrtpVerdict check(long index) {
        if (index < 0) {
            return SrtpVerdict.TOO_OLD;
        }
        if (index > highest) {
            return SrtpVerdict.OK;
        }
        long behind = highest - index;
        if (behind >= SIZE) {
            return SrtpVerdict.TOO_OLD;
        }
        return (accepted & (1L << behind)) != 0 ? SrtpVerdict.REPLAYED : SrtpVerdict.OK;
    }

    /** Records {@code index}, which {@link #check} said was new. */
    void accept(long index) {
        if (index > highest) {
            long ahead = index - highest;
            accepted = highest < 0 || ahead >= SIZE ? 1 : (accepted << ahead) | 1;
            highest = index;
        } else {
            accepted |= 1L << (highest - index);
        }
    }

    /** The highest accepted index, or -1 before the first packet. */
    long highest() {
        return highest;
    }
}
