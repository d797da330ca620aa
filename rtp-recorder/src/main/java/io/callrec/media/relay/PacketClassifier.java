package io.callrec.media.relay;

import java.nio.ByteBuffer;

/** Tells RTP from RTCP from garbage by looking at the first two bytes and the length (RFC 3550, RFC 5761 §4). */
final class PacketClassifier {
    static final int MALFORMED = 0;
    static final int RTP = 1;
    static final int RTCP = 2;

    static final int RTP_HEADER_LENGTH = 12;
    static final int RTCP_HEADER_LENGTH = 8;

    private PacketClassifier() {
    }

    /**
     * Classifies the datagram in {@code packet[0..length)} (absolute indexes, position is ignored).
     *
     * @param onRtcpPort the datagram arrived on a dedicated RTCP port, where only RTCP is expected
     */
    static int classify(ByteBuffer packet, int length, boolean onRtcpPort) {
        if (length < 2 || (packet.get(0) & 0xc0) != 0x80) {
            return MALFORMED;
        }
        // RFC 5761 §4: RTCP packet types 192..223 occupy the byte where RTP has marker + payload type 64..95.
        int payloadType = packet.get(1) & 0x7f;
        boolean rtcp = onRtcpPort || (payloadType >= 64 && payloadType <= 95);
        if (rtcp) {
            return length >= RTCP_HEADER_LENGTH ? RTCP : MALFORMED;
        }
        return length >= RTP_HEADER_LENGTH ? RTP : MALFORMED;
    }

    static int sequenceNumber(ByteBuffer rtp) {
        return rtp.getShort(2) & 0xffff;
    }

    static int timestamp(ByteBuffer rtp) {
        return rtp.getInt(4);
    }

    static int ssrc(ByteBuffer rtp) {
        return rtp.getInt(8);
    }
}
