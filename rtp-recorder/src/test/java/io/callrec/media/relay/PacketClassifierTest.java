package io.callrec.media.relay;

import static io.callrec.media.relay.PacketClassifier.MALFORMED;
import static io.callrec.media.relay.PacketClassifier.RTCP;
import static io.callrec.media.relay.PacketClassifier.RTP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class PacketClassifierTest {
    private static int classify(byte[] packet, boolean onRtcpPort) {
        return PacketClassifier.classify(ByteBuffer.wrap(packet), packet.length, onRtcpPort);
    }

    @Test
    void rtpOnTheRtpPort() {
        assertEquals(RTP, classify(RtpPackets.rtp(1, 2, 3, 0), false));
        assertEquals(RTP, classify(RtpPackets.rtp(1, 2, 3, 160), false));
    }

    @Test
    void rtcpMultiplexedOnTheRtpPortIsToldByPayloadType() {
        assertEquals(RTCP, classify(RtpPackets.rtcpReceiverReport(7), false));
        assertEquals(RTCP, classify(RtpPackets.rtcpSenderReport(7, 1, 2), false));
        byte[] rtp = RtpPackets.rtp(1, 2, 3, 20);
        rtp[1] = (byte) (0x80 | 63); // marker + PT 63: still RTP
        assertEquals(RTP, classify(rtp, false));
        rtp[1] = (byte) 96; // dynamic PT
        assertEquals(RTP, classify(rtp, false));
        rtp[1] = (byte) 223; // RTCP type 223 = marker + PT 95
        assertEquals(RTCP, classify(rtp, false));
    }

    @Test
    void everythingOnTheRtcpPortIsRtcp() {
        assertEquals(RTCP, classify(RtpPackets.rtp(1, 2, 3, 0), true));
        assertEquals(RTCP, classify(RtpPackets.rtcpReceiverReport(1), true));
    }

    @Test
    void shortPacketsAreMalformed() {
        assertEquals(MALFORMED, classify(new byte[0], false));
        assertEquals(MALFORMED, classify(new byte[] {(byte) 0x80}, false));
        assertEquals(MALFORMED, classify(new byte[] {(byte) 0x80, 0, 0}, false));
        assertEquals(MALFORMED, classify(new byte[11], false));
        byte[] eleven = new byte[11];
        eleven[0] = (byte) 0x80;
        assertEquals(MALFORMED, classify(eleven, false));
        byte[] shortRtcp = {(byte) 0x80, (byte) 200, 0, 0, 0, 0, 0};
        assertEquals(MALFORMED, classify(shortRtcp, false));
        assertEquals(MALFORMED, classify(shortRtcp, true));
    }

    @Test
    void otherVersionsAreMalformed() {
        for (int version = 0; version < 4; version++) {
            byte[] rtp = RtpPackets.rtp(1, 2, 3, 20);
            rtp[0] = (byte) (version << 6);
            assertEquals(version == 2 ? RTP : MALFORMED, classify(rtp, false), "version " + version);
            assertEquals(version == 2 ? RTCP : MALFORMED, classify(rtp, true), "version " + version + " on RTCP port");
        }
    }

    @Test
    void readsHeaderFields() {
        ByteBuffer packet = ByteBuffer.wrap(RtpPackets.rtp(65535, 0xfedcba98, 0x89abcdef, 4));
        assertEquals(65535, PacketClassifier.sequenceNumber(packet));
        assertEquals(0xfedcba98, PacketClassifier.timestamp(packet));
        assertEquals(0x89abcdef, PacketClassifier.ssrc(packet));
    }
}
