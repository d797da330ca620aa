package io.callrec.media.relay;

import static io.callrec.media.relay.PacketClassifier.MALFORMED;
import static io.callrec.media.relay.PacketClassifier.RTCP;
import static io.callrec.media.relay.PacketClassifier.RTP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class PacketClassifierTest {
    private static int classify(byte[] packet, boolean onRtcpPort) {
        return PacketClassifier.classify(ByteBuffer.wrap(packet), onRtcpPort);
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

    /** In SRTP the last byte is the authentication tag's: the padding count is checked after decryption. */
    @Test
    void theTagOfAnSrtpPacketIsNotReadAsAPaddingCount() {
        byte[] srtp = RtpPackets.rtp(1, 2, 3, 20);
        srtp[0] |= 0x20; // P bit; the last byte (the tag's) is 0, an impossible padding count
        srtp[srtp.length - 1] = 0;
        assertEquals(MALFORMED, classify(srtp, false));
        assertEquals(RTP, PacketClassifier.classify(ByteBuffer.wrap(srtp), false, true));
        byte[] csrcs = RtpPackets.rtp(1, 2, 3, 0);
        csrcs[0] = (byte) 0x8f; // the header checks still apply: 15 CSRCs announced, none there
        assertEquals(MALFORMED, PacketClassifier.classify(ByteBuffer.wrap(csrcs), false, true));
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
    void rtpWhoseHeaderPromisesMoreThanTheDatagramHoldsIsMalformed() {
        byte[] csrcs = RtpPackets.rtp(1, 2, 3, 8);
        csrcs[0] = (byte) 0x83; // three CSRCs = 12 bytes, only 8 follow the fixed header
        assertEquals(MALFORMED, classify(csrcs, false));
        csrcs[0] = (byte) 0x82; // two fit exactly: an empty payload is fine
        assertEquals(RTP, classify(csrcs, false));

        byte[] extension = RtpPackets.rtp(1, 2, 3, 8);
        extension[0] = (byte) 0x90;
        ByteBuffer.wrap(extension).putShort(12, (short) 0xbede).putShort(14, (short) 2); // 8 bytes announced, 4 there
        assertEquals(MALFORMED, classify(extension, false));
        ByteBuffer.wrap(extension).putShort(14, (short) 1);
        assertEquals(RTP, classify(extension, false));
        byte[] extensionHeaderCut = RtpPackets.rtp(1, 2, 3, 2);
        extensionHeaderCut[0] = (byte) 0x90; // not even the 4-byte extension header fits
        assertEquals(MALFORMED, classify(extensionHeaderCut, false));

        byte[] padding = RtpPackets.rtp(1, 2, 3, 20);
        padding[0] = (byte) 0xa0;
        padding[padding.length - 1] = 21; // more padding than payload
        assertEquals(MALFORMED, classify(padding, false));
        padding[padding.length - 1] = 0; // a padding count of 0 is not allowed either
        assertEquals(MALFORMED, classify(padding, false));
        padding[padding.length - 1] = 20;
        assertEquals(RTP, classify(padding, false));
    }

    @Test
    void rtcpWhoseFirstPacketIsLongerThanTheDatagramIsMalformed() {
        byte[] report = RtpPackets.rtcpSenderReport(7, 1, 2);
        ByteBuffer.wrap(report).putShort(2, (short) 7); // 32 bytes announced, 28 there
        assertEquals(MALFORMED, classify(report, false));
        assertEquals(MALFORMED, classify(report, true));
        byte[] withTrailer = java.util.Arrays.copyOf(RtpPackets.rtcpSenderReport(7, 1, 2), 28 + 14);
        assertEquals(RTCP, classify(withTrailer, true), "an SRTCP trailer may follow the compound");
    }

    @Test
    void looksOnlyBetweenPositionAndLimitAndLeavesThemAlone() {
        byte[] rtp = RtpPackets.rtp(1, 2, 3, 20);
        ByteBuffer buffer = ByteBuffer.allocate(100);
        buffer.position(40);
        buffer.put(rtp).flip().position(40);
        assertEquals(RTP, PacketClassifier.classify(buffer, false));
        assertEquals(40, buffer.position());
        assertEquals(40 + rtp.length, buffer.limit());
        buffer.limit(40 + 11);
        assertEquals(MALFORMED, PacketClassifier.classify(buffer, false));
    }

    @Test
    void readsHeaderFields() {
        ByteBuffer packet = ByteBuffer.wrap(RtpPackets.rtp(65535, 0xfedcba98, 0x89abcdef, 4));
        assertEquals(65535, PacketClassifier.sequenceNumber(packet));
        assertEquals(0xfedcba98, PacketClassifier.timestamp(packet));
        assertEquals(0x89abcdef, PacketClassifier.ssrc(packet));
    }
}
