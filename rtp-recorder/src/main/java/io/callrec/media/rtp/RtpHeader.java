package io.callrec.media.rtp;

import java.nio.ByteBuffer;

/**
 * Reads the fields of an RTP packet (RFC 3550 §5.1) straight from a buffer, without allocating. All offsets are
 * relative to {@code packet.position()}; the packet is {@code position()..limit()}. Callers check {@link #isValid}
 * first; the other methods assume a valid packet.
 */
public final class RtpHeader {
    public static final int FIXED_LENGTH = 12;

    private RtpHeader() {
    }

    /**
     * True if the buffer holds a well-formed RTP packet: version 2, header (CSRCs, extension) and padding fit within
     * the packet. A packet whose payload is empty is valid.
     */
    public static boolean isValid(ByteBuffer packet) {
        return isValid(packet, true);
    }

    /**
     * Like {@link #isValid(ByteBuffer)}; with {@code checkPadding} false the padding count is not looked at, for an
     * SRTP packet whose last bytes are its authentication tag (the padding is checked once it is decrypted).
     */
    public static boolean isValid(ByteBuffer packet, boolean checkPadding) {
        int length = packet.remaining();
        if (length < FIXED_LENGTH) {
            return false;
        }
        int p = packet.position();
        int b0 = packet.get(p) & 0xff;
        if ((b0 >>> 6) != 2) {
            return false;
        }
        int headerLength = FIXED_LENGTH + 4 * (b0 & 0x0f);
        if ((b0 & 0x10) != 0) {
            if (length < headerLength + 4) {
                return false;
            }
            headerLength += 4 + 4 * (packet.getShort(p + headerLength + 2) & 0xffff);
        }
        if (headerLength > length) {
            return false;
        }
        if (!checkPadding) {
            return true;
        }
        int padding = (b0 & 0x20) != 0 ? packet.get(packet.limit() - 1) & 0xff : 0;
        if ((b0 & 0x20) != 0 && padding == 0) {
            return false;
        }
        return headerLength + padding <= length;
    }

    public static boolean marker(ByteBuffer packet) {
        return (packet.get(packet.position() + 1) & 0x80) != 0;
    }

    public static int payloadType(ByteBuffer packet) {
        return packet.get(packet.position() + 1) & 0x7f;
    }

    /** 16-bit sequence number, 0..65535. */
    public static int sequenceNumber(ByteBuffer packet) {
        return packet.getShort(packet.position() + 2) & 0xffff;
    }

    /** 32-bit timestamp as an unsigned value, 0..2^32-1. */
    public static long timestamp(ByteBuffer packet) {
        return packet.getInt(packet.position() + 4) & 0xffffffffL;
    }

    public static int ssrc(ByteBuffer packet) {
        return packet.getInt(packet.position() + 8);
    }

    /** Offset of the payload relative to {@code position()}. */
    public static int payloadOffset(ByteBuffer packet) {
        int p = packet.position();
        int b0 = packet.get(p) & 0xff;
        int headerLength = FIXED_LENGTH + 4 * (b0 & 0x0f);
        if ((b0 & 0x10) != 0) {
            headerLength += 4 + 4 * (packet.getShort(p + headerLength + 2) & 0xffff);
        }
        return headerLength;
    }

    /** Payload length in bytes, without padding. */
    public static int payloadLength(ByteBuffer packet) {
        int b0 = packet.get(packet.position()) & 0xff;
        int padding = (b0 & 0x20) != 0 ? packet.get(packet.limit() - 1) & 0xff : 0;
        return packet.remaining() - payloadOffset(packet) - padding;
    }
}
