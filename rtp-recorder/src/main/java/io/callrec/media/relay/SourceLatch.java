package io.callrec.media.relay;

import java.net.InetSocketAddress;

/**
 * Which source address one party's packets are accepted from (symmetric RTP latching, against RTP bleed).
 *
 * <p>The RTP and RTCP sockets latch separately (with rtcp-mux the RTP latch covers both). The rule, with the address
 * the party declared in its SDP:
 * <ol>
 *   <li>The declared address (same IP and port) is accepted at any time; once it has sent, it is the latch for good
 *       and every other source is a stranger.</li>
 *   <li>Until then, during the learning window, the best source seen so far is latched provisionally (the party may
 *       be behind a NAT, which rewrites its address): one with the declared IP but another port ranks above one
 *       with another IP; between equals the first wins. A better-ranked source takes the latch over, so a stranger
 *       that happens to send first does not keep it once the declared source shows up.</li>
 *   <li>After the window only the latched source (and the declared one, rule 1) is accepted; with nothing latched,
 *       only the declared one.</li>
 *   <li>RTCP (without rtcp-mux) ranks against the declared RTCP address, and once RTP is latched it must come from
 *       the RTP source's IP (a NAT maps both from one host): a stranger's Sender Report or BYE cannot slip in while
 *       the party has sent RTP but no RTCP yet.</li>
 * </ol>
 * This is rtpengine's "heuristic" endpoint learning with "strict-source", except that a packet from the declared
 * address wins even after the window: a stranger spraying a freshly allocated port can then never lock the party
 * out. What remains: before the declared source's first packet a stranger that sends first is relayed, and a party
 * whose declared address never sends (NAT) can lose the race to a stranger of equal rank.
 *
 * <p>A new latch is made whenever the declared address changes, which restarts learning.
 *
 * <p>Created by the signalling side, then written only by the relay thread owning the stream; the latched sources
 * are volatile so {@link RelayStream#latchedSource} can read them.
 */
final class SourceLatch {
    /** Ranks of a source, best first. */
    private static final int DECLARED = 0;
    private static final int DECLARED_HOST = 1;
    private static final int OTHER_HOST = 2;

    private final InetSocketAddress expectedRtp;
    private final InetSocketAddress expectedRtcp;
    private final long learnUntilNanos;
    private volatile InetSocketAddress rtpSource;
    private volatile InetSocketAddress rtcpSource;
    /** Relay thread only: the rank of the latched sources. */
    private int rtpRank;
    private int rtcpRank;

    /**
     * @param expectedRtp  declared RTP source (where the party receives RTP; symmetric RTP sends from there), or null
     * @param expectedRtcp declared RTCP source, or null
     */
    SourceLatch(InetSocketAddress expectedRtp, InetSocketAddress expectedRtcp, long learnUntilNanos) {
        this.expectedRtp = expectedRtp;
        this.expectedRtcp = expectedRtcp;
        this.learnUntilNanos = learnUntilNanos;
    }

    /**
     * Whether a packet from {@code source} arriving on the party's RTP ({@code rtcpSocket == false}) or RTCP socket is
     * accepted; latches {@code source} when the rule says so. Allocation-free: {@code source} is kept as is (the JDK
     * hands out immutable, cached address objects) and compared with {@code equals}.
     */
    boolean admit(InetSocketAddress source, boolean rtcpSocket, long nowNanos) {
        InetSocketAddress latched = rtcpSocket ? rtcpSource : rtpSource;
        // Usually the very object: the JDK hands out the same address object while the sender stays the same.
        if (latched != null && (latched == source || latched.equals(source))) {
            return true;
        }
        int rank = rtcpSocket ? rtcpRank(source) : rank(source, expectedRtp);
        if (rank < 0) {
            return false;
        }
        boolean learning = nowNanos - learnUntilNanos < 0;
        boolean takes = latched == null
                ? rank == DECLARED || learning
                : rank < (rtcpSocket ? rtcpRank : rtpRank) && (rank == DECLARED || learning);
        if (!takes) {
            return false;
        }
        if (rtcpSocket) {
            rtcpSource = source;
            rtcpRank = rank;
        } else {
            rtpSource = source;
            rtpRank = rank;
        }
        return true;
    }

    /**
     * An RTCP source also ranks against the latched RTP source: a NAT sends the party's RTCP from the IP its RTP comes
     * from, so once RTP is latched, RTCP from another host is a stranger (-1) even while learning.
     */
    private int rtcpRank(InetSocketAddress source) {
        int rank = rank(source, expectedRtcp);
        InetSocketAddress rtp = rtpSource;
        if (rank != OTHER_HOST || rtp == null) {
            return rank;
        }
        return source.getAddress().equals(rtp.getAddress()) ? DECLARED_HOST : -1;
    }

    private static int rank(InetSocketAddress source, InetSocketAddress expected) {
        if (expected == null) {
            return OTHER_HOST;
        }
        if (source.equals(expected)) {
            return DECLARED;
        }
        return source.getAddress().equals(expected.getAddress()) ? DECLARED_HOST : OTHER_HOST;
    }

    InetSocketAddress rtpSource() {
        return rtpSource;
    }

    InetSocketAddress rtcpSource() {
        return rtcpSource;
    }

    InetSocketAddress expectedRtp() {
        return expectedRtp;
    }

    InetSocketAddress expectedRtcp() {
        return expectedRtcp;
    }
}
