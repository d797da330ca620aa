package io.callrec.record.mkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameQueueTest {

    private static byte[] head(FrameQueue q) {
        return Arrays.copyOfRange(q.headArray(), q.headOffset(), q.headOffset() + q.headLength());
    }

    @Test
    void framesComeOutInOrderWithTheirFields() {
        FrameQueue q = new FrameQueue(256);
        ByteBuffer src = ByteBuffer.wrap(new byte[] {9, 1, 2, 3, 9});
        src.position(1).limit(4);
        q.add(10, true, src);
        assertEquals(1, src.position(), "the source is not moved");
        q.add(20, false, ByteBuffer.wrap(new byte[] {4}));
        assertEquals(2, q.size());
        assertEquals(4, q.bytes());
        assertEquals(10, q.headTime());
        assertTrue(q.headKeyframe());
        assertArrayEquals(new byte[] {1, 2, 3}, head(q));
        q.removeHead();
        assertEquals(20, q.headTime());
        assertFalse(q.headKeyframe());
        assertArrayEquals(new byte[] {4}, head(q));
        q.removeHead();
        assertTrue(q.isEmpty());
        assertThrows(IllegalStateException.class, q::headTime);
    }

    @Test
    void theIndexGrowsPastItsInitialSlots() {
        FrameQueue q = new FrameQueue(256);
        q.add(0, true, ByteBuffer.wrap(new byte[] {0}));
        q.removeHead(); // the ring's head is no longer at slot 0 when it grows
        for (int i = 1; i <= 500; i++) {
            q.add(i, i % 2 == 0, ByteBuffer.wrap(new byte[] {(byte) i, (byte) (i >> 8)}));
        }
        for (int i = 1; i <= 500; i++) {
            assertEquals(i, q.headTime());
            assertEquals(i % 2 == 0, q.headKeyframe());
            assertArrayEquals(new byte[] {(byte) i, (byte) (i >> 8)}, head(q));
            q.removeHead();
        }
    }

    @Test
    void aSteadyStreamWrapsAroundInsteadOfGrowing() {
        FrameQueue q = new FrameQueue(4096);
        byte[] frame = new byte[300];
        // About a window's worth (5 frames) live at any time, 10 000 frames through.
        for (int i = 0; i < 10_000; i++) {
            frame[0] = (byte) i;
            q.add(i, false, ByteBuffer.wrap(frame));
            if (q.size() > 5) {
                assertEquals((byte) (i - 5), q.headArray()[q.headOffset()]);
                q.removeHead();
            }
        }
        assertEquals(4096, q.dataCapacity(), "no growth: the live bytes and a frame fit");
        long[] times = q.queuedTimes();
        assertArrayEquals(new long[] {9995, 9996, 9997, 9998, 9999}, times);
    }

    @Test
    void growsWhenTheLiveFramesAndTheNewOneDoNotFit() {
        FrameQueue q = new FrameQueue(4096);
        for (int i = 0; i < 10; i++) {
            byte[] frame = new byte[1000];
            Arrays.fill(frame, (byte) i);
            q.add(i, false, ByteBuffer.wrap(frame));
        }
        assertEquals(10_000, q.bytes());
        // grown by half each time, rounded up to the pool's next size class (at most a third more)
        assertTrue(q.dataCapacity() >= 10_000 && q.dataCapacity() <= 20_000, "capacity " + q.dataCapacity());
        for (int i = 0; i < 10; i++) {
            byte[] expected = new byte[1000];
            Arrays.fill(expected, (byte) i);
            assertArrayEquals(expected, head(q));
            q.removeHead();
        }
    }

    @Test
    void framesOfMixedSizesComeOutIntactThroughWrapsAndGrowth() {
        FrameQueue q = new FrameQueue(256);
        java.util.ArrayDeque<byte[]> expected = new java.util.ArrayDeque<>();
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        long time = 0;
        int largestLive = 0;
        int largestFrame = 0;
        for (int i = 0; i < 20_000; i++) {
            // Mostly small frames and a window of a few, now and then a big one (a keyframe) or an empty one.
            int length = random.nextInt(20) == 0 ? 1000 + random.nextInt(3000) : random.nextInt(10) == 0 ? 0
                    : random.nextInt(400);
            byte[] frame = new byte[length];
            random.nextBytes(frame);
            q.add(time++, false, ByteBuffer.wrap(frame));
            expected.add(frame);
            largestFrame = Math.max(largestFrame, length);
            largestLive = Math.max(largestLive, q.bytes());
            while (q.size() > 1 + random.nextInt(12)) {
                assertArrayEquals(expected.remove(), head(q));
                q.removeHead();
            }
            assertEquals(expected.stream().mapToInt(f -> f.length).sum(), q.bytes());
        }
        while (!q.isEmpty()) {
            assertArrayEquals(expected.remove(), head(q));
            q.removeHead();
        }
        assertTrue(q.dataCapacity() <= 2 * (largestLive + largestFrame), "capacity " + q.dataCapacity()
                + " for at most " + largestLive + " live bytes and frames of up to " + largestFrame);
    }
}
