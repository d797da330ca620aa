package io.callrec.media.relay;

import java.net.InetSocketAddress;

/**
 * Which source address one party's packets are accepted from (symmetric RTP latching, against RTP bleed).
 *
 * <p>The RTP and RTCP sockets latch separately (with rtcp-mux the RTP latch covers both). A source is latched when it
 * equals the address the party declared; failing that, the first source seen before the learning window ends is
 * latched (the party is behind a NAT). Once latched, or once the window ended with nothing latched, any other source
 * is a stranger. A new latch is made whenever the declared address changes, which restarts learning.
 *
 * <p>Created by the signalling side, then written only by the relay thread owning the stream; the latched sources
 * are volatile so {@link RelayStream#latchedSource} can read them.
 */
final class SourceLatch {
    private final InetSocketAddress expectedRtp;
    private final InetSocketAddress expectedRtcp;
    private final long learnUntilNanos;
    private volatile InetSocketAddress rtpSource;
    private volatile InetSocketAddress rtcpSource;

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
     * accepted; latches {@code source} when this is the first acceptable one. Allocation-free: {@code source} is kept
     * as is (the JDK hands out immutable, cached address objects) and compared with {@code equals}.
     */
    boolean admit(InetSocketAddress source, boolean rtcpSocket, long nowNanos) {
        InetSocketAddress latched = rtcpSocket ? rtcpSource : rtpSource;
        if (latched != null) {
            // Usually the very object: the JDK hands out the same address object while the sender stays the same.
            return latched == source || latched.equals(source);
        }
        InetSocketAddress expected = rtcpSocket ? expectedRtcp : expectedRtp;
        if (source.equals(expected) || nowNanos - learnUntilNanos < 0) {
            if (rtcpSocket) {
                rtcpSource = source;
            } else {
                rtpSource = source;
            }
            return true;
        }
        return false;
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
