package io.callrec.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Any datagram reaches {@link RtpHeader}: validation must never throw, and a packet it accepts must split exactly
 * into header, payload and padding, whatever the buffer's kind (heap, direct) and position.
 */
class RtpHeaderFuzz {

    @FuzzTest(maxDuration = "15s", maxExecutions = 500000)
    void headerFieldsOfAValidPacketFitTheDatagram(byte[] datagram) {
        ByteBuffer plain = ByteBuffer.wrap(datagram);
        boolean valid = RtpHeader.isValid(plain);
        assertEquals(0, plain.position());
        assertEquals(datagram.length, plain.limit());

        // The same bytes behind a prefix, in a direct buffer: every offset must be relative to position().
        ByteBuffer shifted = ByteBuffer.allocateDirect(datagram.length + 7);
        shifted.put(new byte[] {(byte) 0x80, 1, 2, 3, 4, 5, 6}).put(datagram).flip().position(7);
        assertEquals(valid, RtpHeader.isValid(shifted));
        if (!valid) {
            return;
        }
        int offset = RtpHeader.payloadOffset(plain);
        int length = RtpHeader.payloadLength(plain);
        assertTrue(offset >= RtpHeader.FIXED_LENGTH && offset <= datagram.length, "payload offset " + offset);
        assertTrue(length >= 0 && offset + length <= datagram.length, "payload " + offset + "+" + length);
        int padding = datagram.length - offset - length;
        boolean padded = (datagram[0] & 0x20) != 0;
        assertEquals(padded ? datagram[datagram.length - 1] & 0xff : 0, padding);

        assertEquals(offset, RtpHeader.payloadOffset(shifted));
        assertEquals(length, RtpHeader.payloadLength(shifted));
        assertEquals(RtpHeader.sequenceNumber(plain), RtpHeader.sequenceNumber(shifted));
        assertEquals(RtpHeader.timestamp(plain), RtpHeader.timestamp(shifted));
        assertEquals(RtpHeader.ssrc(plain), RtpHeader.ssrc(shifted));
        assertEquals(RtpHeader.payloadType(plain), RtpHeader.payloadType(shifted));
        assertEquals(RtpHeader.marker(plain), RtpHeader.marker(shifted));
        assertTrue(RtpHeader.timestamp(plain) >= 0 && RtpHeader.timestamp(plain) <= 0xffffffffL);
        assertTrue(RtpHeader.sequenceNumber(plain) <= 0xffff && RtpHeader.payloadType(plain) <= 127);
        assertEquals(7, shifted.position());
    }
}
