package io.callrec.media.relay;

import io.callrec.media.rtp.RtpHeader;
import java.nio.ByteBuffer;

/**
 * Tells RTP from RTCP from garbage by looking at the first bytes and the length (RFC 3550 §5.1 and A.2, RFC 5761 §4).
 *
 * <p>An RTP packet must hold what its header announces: the CSRC list, the header extension and the padding count
 * all within the datagram ({@link RtpHeader#isValid}). An RTCP datagram must hold at least its first packet's
 * length; the rest of a compound is the receivers' business (an SRTCP trailer follows the compound).
 */
final class PacketClassifier {
    static final int MALFORMED = 0;
    static final int RTP = 1;
    static final int RTCP = 2;

    static final int RTCP_HEADER_LENGTH = 8;

    private PacketClassifier() {
    }

    /**
     * Classifies the datagram {@code packet[position..limit)}; position and limit are left as they are.
     *
     * @param onRtcpPort the datagram arrived on a dedicated RTCP port, where only RTCP is expected
     */
    static int classify(ByteBuffer packet, boolean onRtcpPort) {
        return classify(packet, onRtcpPort, false);
    }

    /**
     * @param encrypted an SRTP packet: its padding count sits in front of the authentication tag, so it is checked
     *                  only after decryption ({@link RtpHeader#isValid(ByteBuffer)} on the plain packet)
     */
    static int classify(ByteBuffer packet, boolean onRtcpPort, boolean encrypted) {
        int p = packet.position();
        int length = packet.remaining();
        if (length < 2 || (packet.get(p) & 0xc0) != 0x80) {
            return MALFORMED;
        }
        // RFC 5761 §4: RTCP packet types 192..223 occupy the byte where RTP has marker + payload type 64..95.
        int payloadType = packet.get(p + 1) & 0x7f;
        boolean rtcp = onRtcpPort || (payloadType >= 64 && payloadType <= 95);
        if (rtcp) {
            return length >= RTCP_HEADER_LENGTH && 4 * ((packet.getShort(p + 2) & 0xffff) + 1) <= length
                    ? RTCP : MALFORMED;
        }
        return RtpHeader.isValid(packet, !encrypted) ? RTP : MALFORMED;
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
