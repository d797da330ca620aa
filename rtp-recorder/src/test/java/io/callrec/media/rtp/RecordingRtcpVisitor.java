package io.callrec.media.rtp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Writes every visitor call down as a line of text, for assertions. */
final class RecordingRtcpVisitor implements RtcpVisitor {
    final List<String> calls = new ArrayList<>();

    @Override
    public void senderReport(int ssrc, long ntp64, long rtpTimestamp, long packetCount, long octetCount) {
        calls.add(String.format("SR %08x ntp=%016x rtp=%d packets=%d octets=%d",
                ssrc, ntp64, rtpTimestamp, packetCount, octetCount));
    }

    @Override
    public void receiverReport(int ssrc) {
        calls.add(String.format("RR %08x", ssrc));
    }

    @Override
    public void reportBlock(int reporterSsrc, int sourceSsrc, int fractionLost, int cumulativeLost,
                            long highestSeq, long jitter, long lastSr, long delaySinceLastSr) {
        calls.add(String.format("RB %08x->%08x fraction=%d lost=%d highest=%d jitter=%d lsr=%x dlsr=%d",
                reporterSsrc, sourceSsrc, fractionLost, cumulativeLost, highestSeq, jitter, lastSr,
                delaySinceLastSr));
    }

    @Override
    public void sdesCname(int ssrc, ByteBuffer packet, int offset, int length) {
        byte[] text = new byte[length];
        packet.get(offset, text);
        calls.add(String.format("CNAME %08x %s", ssrc, new String(text, StandardCharsets.UTF_8)));
    }

    @Override
    public void bye(int ssrc) {
        calls.add(String.format("BYE %08x", ssrc));
    }

    @Override
    public void feedback(int packetType, int fmt, int senderSsrc, int mediaSsrc) {
        calls.add(String.format("FB %d/%d %08x->%08x", packetType, fmt, senderSsrc, mediaSsrc));
    }

    @Override
    public void other(int packetType, int length) {
        calls.add("OTHER " + packetType + " " + length);
    }
}
