package io.callrec.media.rtp;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * Reads and writes RTCP (RFC 3550 §6) without allocating: {@link #walk} visits a compound packet, the
 * {@code write*} methods append packets to a caller's buffer.
 *
 * <p>Reading accepts compound packets and reduced-size ones (RFC 5506: a single feedback packet without a leading
 * SR/RR). It does not insist that a compound start with SR/RR, since reduced-size RTCP is common in practice
 * (WebRTC), and the recorder only observes what endpoints send to each other.
 */
public final class RtcpPackets {
    public static final int PT_SR = 200;
    public static final int PT_RR = 201;
    public static final int PT_SDES = 202;
    public static final int PT_BYE = 203;
    public static final int PT_APP = 204;
    public static final int PT_RTPFB = 205;
    public static final int PT_PSFB = 206;
    public static final int FMT_PLI = 1;
    public static final int FMT_FIR = 4;
    /** {@link #walk}'s result for a packet that is not well-formed RTCP. */
    public static final int MALFORMED = -1;

    static final int SDES_CNAME = 1;
    private static final int HEADER = 4;
    private static final int REPORT_BLOCK = 24;
    private static final int SR_LENGTH = 28;
    private static final int RR_LENGTH = 8;
    private static final int FEEDBACK_LENGTH = 12;
    private static final int FIR_ENTRY = 8;
    private static final int MAX_CNAME = 255;

    private RtcpPackets() {
    }

    /**
     * Checks the whole compound packet in {@code packet.position()..limit()}, then, if it is well-formed, calls
     * {@code visitor} for its parts in order. A malformed packet is reported without any visitor call, so a visitor
     * never sees half of a broken compound. Never throws on bad input; the buffer's position and limit are untouched.
     *
     * @return the number of RTCP packets in the compound, or {@link #MALFORMED}
     */
    public static int walk(ByteBuffer packet, RtcpVisitor visitor) {
        int count = scan(packet, null);
        if (count != MALFORMED && visitor != null) {
            scan(packet, visitor);
        }
        return count;
    }

    /** True if {@code packet.position()..limit()} is a well-formed (compound or reduced-size) RTCP packet. */
    public static boolean isValid(ByteBuffer packet) {
        return scan(packet, null) != MALFORMED;
    }

    // With visitor == null this only validates; walk() calls it twice so that validation and visiting share one
    // reading of the format.
    private static int scan(ByteBuffer packet, RtcpVisitor visitor) {
        int at = packet.position();
        int end = packet.limit();
        if (at >= end) {
            return MALFORMED;
        }
        int count = 0;
        while (at < end) {
            if (end - at < HEADER) {
                return MALFORMED;
            }
            int b0 = packet.get(at) & 0xff;
            int length = ((packet.getShort(at + 2) & 0xffff) + 1) * 4;
            if ((b0 >>> 6) != 2 || length > end - at) {
                return MALFORMED;
            }
            int bodyEnd = at + length;
            if ((b0 & 0x20) != 0) {
                // RFC 3550 §6.4.1: only the last packet of a compound may be padded.
                int padding = packet.get(bodyEnd - 1) & 0xff;
                if (bodyEnd != end || padding == 0 || padding > length - HEADER) {
                    return MALFORMED;
                }
                bodyEnd -= padding;
            }
            if (!part(packet, at, bodyEnd, b0 & 0x1f, packet.get(at + 1) & 0xff, visitor)) {
                return MALFORMED;
            }
            count++;
            at += length;
        }
        return count;
    }

    private static boolean part(ByteBuffer p, int at, int end, int count, int type, RtcpVisitor visitor) {
        switch (type) {
            case PT_SR:
                if (end - at < SR_LENGTH + count * REPORT_BLOCK) {
                    return false;
                }
                if (visitor != null) {
                    visitor.senderReport(p.getInt(at + 4), p.getLong(at + 8), unsigned(p, at + 16),
                            unsigned(p, at + 20), unsigned(p, at + 24));
                    reportBlocks(p, p.getInt(at + 4), at + SR_LENGTH, count, visitor);
                }
                return true;
            case PT_RR:
                if (end - at < RR_LENGTH + count * REPORT_BLOCK) {
                    return false;
                }
                if (visitor != null) {
                    visitor.receiverReport(p.getInt(at + 4));
                    reportBlocks(p, p.getInt(at + 4), at + RR_LENGTH, count, visitor);
                }
                return true;
            case PT_SDES:
                return sdes(p, at, end, count, visitor);
            case PT_BYE:
                return bye(p, at, end, count, visitor);
            case PT_RTPFB:
            case PT_PSFB:
                return feedback(p, at, end, count, type, visitor);
            default:
                if (visitor != null) {
                    visitor.other(type, end - at);
                }
                return true;
        }
    }

    private static void reportBlocks(ByteBuffer p, int reporter, int at, int count, RtcpVisitor visitor) {
        for (int i = 0; i < count; i++) {
            int b = at + i * REPORT_BLOCK;
            int lost = p.getInt(b + 4);
            visitor.reportBlock(reporter, p.getInt(b), lost >>> 24, (lost << 8) >> 8, unsigned(p, b + 8),
                    unsigned(p, b + 12), unsigned(p, b + 16), unsigned(p, b + 20));
        }
    }

    private static boolean sdes(ByteBuffer p, int start, int end, int chunks, RtcpVisitor visitor) {
        int at = start + HEADER;
        for (int c = 0; c < chunks; c++) {
            if (end - at < 4) {
                return false;
            }
            int ssrc = p.getInt(at);
            at += 4;
            while (true) {
                if (at >= end) {
                    return false;
                }
                int itemType = p.get(at) & 0xff;
                if (itemType == 0) {
                    // The null item ends the chunk, which is padded with more nulls to a 32-bit boundary.
                    at = start + ((at - start + 4) & ~3);
                    break;
                }
                if (end - at < 2) {
                    return false;
                }
                int itemLength = p.get(at + 1) & 0xff;
                if (end - at - 2 < itemLength) {
                    return false;
                }
                if (itemType == SDES_CNAME && visitor != null) {
                    visitor.sdesCname(ssrc, p, at + 2, itemLength);
                }
                at += 2 + itemLength;
            }
            if (at > end) {
                return false;
            }
        }
        return true;
    }

    private static boolean bye(ByteBuffer p, int at, int end, int sources, RtcpVisitor visitor) {
        int reasonAt = at + HEADER + 4 * sources;
        if (reasonAt > end || (reasonAt < end && reasonAt + 1 + (p.get(reasonAt) & 0xff) > end)) {
            return false;
        }
        if (visitor != null) {
            for (int i = 0; i < sources; i++) {
                visitor.bye(p.getInt(at + HEADER + 4 * i));
            }
        }
        return true;
    }

    private static boolean feedback(ByteBuffer p, int at, int end, int fmt, int type, RtcpVisitor visitor) {
        if (end - at < FEEDBACK_LENGTH) {
            return false;
        }
        int sender = p.getInt(at + 4);
        if (type == PT_PSFB && fmt == FMT_FIR) {
            if ((end - at - FEEDBACK_LENGTH) % FIR_ENTRY != 0 || end - at == FEEDBACK_LENGTH) {
                return false;
            }
            if (visitor != null) {
                for (int e = at + FEEDBACK_LENGTH; e < end; e += FIR_ENTRY) {
                    visitor.feedback(type, fmt, sender, p.getInt(e));
                }
            }
            return true;
        }
        if (visitor != null) {
            visitor.feedback(type, fmt, sender, p.getInt(at + 8));
        }
        return true;
    }

    private static long unsigned(ByteBuffer p, int at) {
        return p.getInt(at) & 0xffffffffL;
    }

    // ---- writing ------------------------------------------------------------------------------------------------

    /**
     * Appends a Picture Loss Indication (RFC 4585 §6.3.1, PSFB FMT 1) at {@code out.position()}. On its own it is a
     * reduced-size RTCP packet (RFC 5506); put a {@link #writeReceiverReport} before it for a compound one.
     *
     * @return bytes written (12); the position advances by as much
     * @throws BufferOverflowException if fewer than 12 bytes remain (nothing is written)
     */
    public static int writePli(ByteBuffer out, int senderSsrc, int mediaSsrc) {
        require(out, FEEDBACK_LENGTH);
        header(out, FMT_PLI, PT_PSFB, FEEDBACK_LENGTH);
        out.putInt(senderSsrc).putInt(mediaSsrc);
        return FEEDBACK_LENGTH;
    }

    /**
     * Appends a Full Intra Request (RFC 5104 §4.3.1, PSFB FMT 4) for one media sender. {@code seqNr} is the
     * command sequence number (low 8 bits used): increase it for each new request, repeat it for a retransmission.
     *
     * @return bytes written (20)
     * @throws BufferOverflowException if fewer than 20 bytes remain (nothing is written)
     */
    public static int writeFir(ByteBuffer out, int senderSsrc, int mediaSsrc, int seqNr) {
        int length = FEEDBACK_LENGTH + FIR_ENTRY;
        require(out, length);
        header(out, FMT_FIR, PT_PSFB, length);
        // RFC 5104 §4.3.1.2: the header's media source SSRC is not used and set to 0; the target is in the FCI.
        out.putInt(senderSsrc).putInt(0).putInt(mediaSsrc).putInt((seqNr & 0xff) << 24);
        return length;
    }

    /**
     * Appends a sender report without report blocks followed by an SDES CNAME chunk: the smallest valid compound
     * (RFC 3550 §6.1).
     *
     * @param cname the CNAME as UTF-8 bytes, 1..255 of them (kept by the caller, so nothing is encoded per call)
     * @return bytes written
     * @throws BufferOverflowException if it does not fit (nothing is written)
     */
    public static int writeSenderReport(ByteBuffer out, int ssrc, long ntp64, long rtpTimestamp, long packetCount,
                                        long octetCount, byte[] cname) {
        int length = SR_LENGTH + sdesLength(cname);
        require(out, length);
        header(out, 0, PT_SR, SR_LENGTH);
        out.putInt(ssrc).putLong(ntp64).putInt((int) rtpTimestamp).putInt((int) packetCount).putInt((int) octetCount);
        putSdes(out, ssrc, cname);
        return length;
    }

    /**
     * Appends a receiver report without report blocks followed by an SDES CNAME chunk, the smallest valid compound
     * from a party that sends no media.
     *
     * @return bytes written
     * @throws BufferOverflowException if it does not fit (nothing is written)
     */
    public static int writeReceiverReport(ByteBuffer out, int ssrc, byte[] cname) {
        int length = RR_LENGTH + sdesLength(cname);
        require(out, length);
        header(out, 0, PT_RR, RR_LENGTH);
        out.putInt(ssrc);
        putSdes(out, ssrc, cname);
        return length;
    }

    /**
     * Appends a BYE for one SSRC (no reason). Valid inside a compound after an SR/RR, or reduced-size on its own.
     *
     * @return bytes written (8)
     */
    public static int writeBye(ByteBuffer out, int ssrc) {
        require(out, 8);
        header(out, 1, PT_BYE, 8);
        out.putInt(ssrc);
        return 8;
    }

    private static int sdesLength(byte[] cname) {
        if (cname.length == 0 || cname.length > MAX_CNAME) {
            throw new IllegalArgumentException("CNAME of " + cname.length + " bytes, must be 1.." + MAX_CNAME);
        }
        // header, SSRC, CNAME item (type, length, text), then at least one null octet up to a 32-bit boundary
        return HEADER + ((4 + 2 + cname.length + 1 + 3) & ~3);
    }

    private static void putSdes(ByteBuffer out, int ssrc, byte[] cname) {
        int length = sdesLength(cname);
        header(out, 1, PT_SDES, length);
        out.putInt(ssrc).put((byte) SDES_CNAME).put((byte) cname.length).put(cname);
        for (int pad = length - HEADER - 4 - 2 - cname.length; pad > 0; pad--) {
            out.put((byte) 0);
        }
    }

    private static void header(ByteBuffer out, int countOrFmt, int type, int length) {
        out.put((byte) (0x80 | countOrFmt)).put((byte) type).putShort((short) (length / 4 - 1));
    }

    private static void require(ByteBuffer out, int length) {
        if (out.remaining() < length) {
            throw new BufferOverflowException();
        }
    }
}
