package io.callrec.media.relay;

import java.nio.ByteBuffer;
import java.util.Random;

/** Builds RTP and RTCP datagrams for tests. */
final class RtpPackets {
    private RtpPackets() {
    }

    /** An RTP packet (version 2, PT 0) followed by {@code payloadLength} pseudo-random bytes. */
    static byte[] rtp(int seq, int timestamp, int ssrc, int payloadLength) {
        byte[] payload = new byte[payloadLength];
        new Random(seq * 31L + ssrc).nextBytes(payload);
        return ByteBuffer.allocate(12 + payloadLength)
                .put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(timestamp).putInt(ssrc)
                .put(payload).array();
    }

    /** A minimal RTCP receiver report (PT 201, no report blocks) from {@code ssrc}; 8 bytes. */
    static byte[] rtcpReceiverReport(int ssrc) {
        return ByteBuffer.allocate(8).put((byte) 0x80).put((byte) 201).putShort((short) 1).putInt(ssrc).array();
    }

    /** A minimal RTCP sender report (PT 200, no report blocks); 28 bytes. */
    static byte[] rtcpSenderReport(int ssrc, long ntp, int rtpTimestamp) {
        return ByteBuffer.allocate(28).put((byte) 0x80).put((byte) 200).putShort((short) 6).putInt(ssrc)
                .putLong(ntp).putInt(rtpTimestamp).putInt(1).putInt(160).array();
    }
}
