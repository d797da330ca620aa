package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class HeldFramesTest {

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void framesComeBackInOrderWithTheirOwnersAndFields() {
        HeldFrames<String> held = new HeldFrames<>();
        ByteBuffer source = ByteBuffer.wrap(new byte[] {9, 1, 2, 3, 9});
        source.position(1).limit(4);
        held.add("audio", 160, true, source);
        assertEquals(1, source.position(), "the source is not moved");
        held.add("video", 90_000, false, ByteBuffer.wrap(new byte[0]));
        held.add("audio", 320, false, ByteBuffer.wrap(new byte[] {4, 5}));
        assertEquals(3, held.size());
        assertEquals(5, held.bytes());
        assertEquals("audio", held.owner(0));
        assertEquals(160, held.timestamp(0));
        assertTrue(held.keyframe(0));
        assertArrayEquals(new byte[] {1, 2, 3}, bytes(held.frame(0)));
        assertEquals("video", held.owner(1));
        assertFalse(held.keyframe(1));
        assertArrayEquals(new byte[0], bytes(held.frame(1)));
        assertArrayEquals(new byte[] {4, 5}, bytes(held.frame(2)));
        assertEquals(320, held.timestamp(2));
        assertThrows(IndexOutOfBoundsException.class, () -> held.frame(3));
    }

    @Test
    void growsPastItsInitialArraysWithoutLosingAByte() {
        HeldFrames<Integer> held = new HeldFrames<>();
        for (int i = 0; i < 1000; i++) {
            byte[] frame = new byte[i % 300];
            java.util.Arrays.fill(frame, (byte) i);
            held.add(i, i * 10L, i % 7 == 0, ByteBuffer.wrap(frame));
        }
        long total = 0;
        for (int i = 0; i < 1000; i++) {
            byte[] expected = new byte[i % 300];
            java.util.Arrays.fill(expected, (byte) i);
            assertEquals(i, held.owner(i));
            assertEquals(i * 10L, held.timestamp(i));
            assertEquals(i % 7 == 0, held.keyframe(i));
            assertArrayEquals(expected, bytes(held.frame(i)));
            total += expected.length;
        }
        assertEquals(total, held.bytes());
    }

    @Test
    void releaseGivesItsBytesBackToThePool() {
        io.callrec.media.buffer.ByteArrayPool pool = new io.callrec.media.buffer.ByteArrayPool(1 << 20);
        HeldFrames<String> held = new HeldFrames<>(pool);
        byte[] frame = new byte[10_000];
        held.add("video", 1, true, java.nio.ByteBuffer.wrap(frame));
        held.add("video", 2, false, java.nio.ByteBuffer.wrap(frame)); // grows out of its first 16 KiB
        assertEquals(16 * 1024, pool.pooledBytes());
        held.release();
        assertEquals(16 * 1024 + 32 * 1024, pool.pooledBytes());
    }
}
