package io.callrec.media.relay;

import java.net.InetSocketAddress;

/**
 * What one party declared in its SDP, plus the latch for its sources. Immutable apart from the latch: the signalling
 * side publishes a new route by a volatile swap and the relay thread reads it without locks.
 *
 * @param rtp   where the party receives RTP (and muxed RTCP); null = it receives nothing (hold, rejected)
 * @param rtcp  where it receives RTCP when it does not mux; null when {@code rtp} is null
 * @param mux   whether it sends and receives RTCP on its RTP port (RFC 5761)
 * @param latch the party's source latch; kept across a hold so its packets stay accepted
 * @param declared whether the party's SDP has been seen: before that, media goes back to the source it came from
 */
record PeerRoute(InetSocketAddress rtp, InetSocketAddress rtcp, boolean mux, SourceLatch latch, boolean declared) {

    /** The route of a party whose SDP has not been processed yet (its media may still arrive first). */
    static PeerRoute undeclared(SourceLatch latch) {
        return new PeerRoute(null, null, false, latch, false);
    }

    boolean receives() {
        // Symmetric RTP before the SDP: a party that already sends is reachable where it sends from.
        return rtp != null || (!declared && latch.rtpSource() != null);
    }

    /** Where RTP (and muxed RTCP) goes: the latched source if any (symmetric RTP), else the declared address. */
    InetSocketAddress rtpDestination() {
        InetSocketAddress latched = latch.rtpSource();
        return latched != null ? latched : rtp;
    }

    /** Where non-muxed RTCP goes. */
    InetSocketAddress rtcpDestination() {
        InetSocketAddress latched = latch.rtcpSource();
        return latched != null ? latched : rtcp;
    }
}
