package io.callrec.media.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FrameBufferTest {

    @Test
    void growsByDoublingAndKeepsContent() {
        FrameBuffer buffer = new FrameBuffer(4, 64);
        buffer.putInt(0x01020304);
        buffer.putByte(5);
        buffer.putShortLittleEndian(0x0706);
        assertEquals(7, buffer.size());
        assertTrue(buffer.array().length >= 8);
        byte[] out = new byte[7];
        buffer.view().get(out);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7}, out);
    }

    @Test
    void passingTheCapMarksOverflowAndWritesNothingMore() {
        FrameBuffer buffer = new FrameBuffer(4, 10);
        buffer.put(ByteBuffer.wrap(new byte[8]), 0, 8);
        buffer.putInt(1);
        assertTrue(buffer.overflowed());
        assertEquals(8, buffer.size());
        buffer.putByte(1); // would fit, but the frame is already lost
        assertEquals(8, buffer.size());
        buffer.clear();
        assertFalse(buffer.overflowed());
        buffer.putInt(1);
        assertEquals(4, buffer.size());
    }

    @Test
    void copiesFromAbsoluteOffsetsWithoutMovingTheSource() {
        ByteBuffer source = ByteBuffer.wrap(new byte[] {9, 8, 7, 6});
        source.position(1);
        FrameBuffer buffer = new FrameBuffer(2, 16);
        buffer.put(source, 2, 2);
        assertEquals(1, source.position());
        assertEquals(7, buffer.byteAt(0));
        assertEquals(6, buffer.byteAt(1));
    }

    @Test
    void truncateCutsBackOnly() {
        FrameBuffer buffer = new FrameBuffer(8, 8);
        buffer.putInt(7);
        buffer.truncate(2);
        assertEquals(2, buffer.size());
        assertThrows(IllegalArgumentException.class, () -> buffer.truncate(3));
    }

    @Test
    void theViewIsReusedAndCoversTheFrame() {
        FrameBuffer buffer = new FrameBuffer(8, 8);
        buffer.putByte(1);
        ByteBuffer first = buffer.view();
        first.get();
        buffer.putByte(2);
        ByteBuffer second = buffer.view();
        assertSame(first, second);
        assertEquals(0, second.position());
        assertEquals(2, second.limit());
    }

    @Test
    void claimedBytesAreWrittenInPlaceAndAClaimPastTheCapIsRefused() {
        FrameBuffer buffer = new FrameBuffer(4, 16);
        buffer.putByte(7);
        int at = buffer.claim(10);
        assertEquals(1, at);
        assertEquals(11, buffer.size());
        buffer.array()[at + 9] = 42; // the array may have grown: it is read after the claim
        assertEquals(42, buffer.byteAt(10));
        assertEquals(-1, buffer.claim(6));
        assertTrue(buffer.overflowed());
        assertEquals(11, buffer.size(), "a refused claim adds nothing");
    }
}
