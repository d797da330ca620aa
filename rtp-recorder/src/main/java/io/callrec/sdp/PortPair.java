package io.callrec.sdp;

/** The relay's RTP and RTCP ports offered for one m-line; equal ports mean RTCP is multiplexed (RFC 5761). */
public record PortPair(int rtp, int rtcp) {
    public PortPair {
        if (rtp < 1 || rtp > 65535) {
            throw new IllegalArgumentException("rtp port out of range 1-65535: " + rtp);
        }
        if (rtcp < 1 || rtcp > 65535) {
            throw new IllegalArgumentException("rtcp port out of range 1-65535: " + rtcp);
        }
    }
}
