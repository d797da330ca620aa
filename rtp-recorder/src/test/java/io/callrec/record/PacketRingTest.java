package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class PacketRingTest {

    @Test
    void entriesComeOutAsOfferedAndThePacketBufferIsLeftAsFound() {
        PacketRing ring = new PacketRing(64 * 1024);
        ByteBuffer p = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5});
        p.position(1).limit(4);
        assertTrue(ring.offer(p, 1234L, PacketRing.FLAG_RTCP, 7));
        assertEquals(1, p.position());
        assertEquals(4, p.limit());
        ByteBuffer taken = ring.take();
        assertEquals(3, taken.getInt());
        assertEquals(1234L, taken.getLong());
        assertEquals(PacketRing.FLAG_RTCP, taken.get());
        assertEquals(7, taken.getShort());
        assertEquals(2, taken.get());
        assertEquals(3, taken.get());
        assertEquals(4, taken.get());
        assertFalse(taken.hasRemaining());
        assertFalse(ring.take().hasRemaining(), "a second take without offers is empty");
    }

    @Test
    void aFullRingDropsAndCountsInsteadOfWaiting() {
        PacketRing ring = new PacketRing(2 * (PacketRing.ENTRY_HEADER + 2048));
        byte[] big = new byte[1000];
        int accepted = 0;
        for (int i = 0; i < 10; i++) {
            if (ring.offer(ByteBuffer.wrap(big), i, 0, 0)) {
                accepted++;
            }
        }
        assertEquals(2, accepted);
        assertEquals(8, ring.overflowPackets());
        assertEquals(8000, ring.overflowBytes());
        ring.take();
        assertTrue(ring.offer(ByteBuffer.wrap(big), 11, 0, 0), "after a take there is room again");
    }

    @Test
    void concurrentProducersLoseNothingWhileTheConsumerKeepsUp() throws Exception {
        PacketRing ring = new PacketRing(1 << 20);
        int producers = 4;
        int perProducer = 20_000;
        CountDownLatch done = new CountDownLatch(producers);
        for (int t = 0; t < producers; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                ByteBuffer b = ByteBuffer.allocate(8);
                for (int i = 0; i < perProducer; i++) {
                    b.clear();
                    b.putInt(id).putInt(i).flip();
                    while (!ring.offer(b, i, 0, id)) {
                        Thread.onSpinWait();
                    }
                }
                done.countDown();
            });
            th.start();
        }
        int[] next = new int[producers];
        int total = 0;
        while (total < producers * perProducer) {
            ByteBuffer taken = ring.take();
            while (taken.hasRemaining()) {
                assertEquals(8, taken.getInt());
                taken.getLong();
                taken.get();
                taken.getShort();
                int id = taken.getInt();
                int seq = taken.getInt();
                assertEquals(next[id], seq, "producer " + id + " in order");
                next[id]++;
                total++;
            }
        }
        done.await();
        assertEquals(producers * perProducer, total);
    }

    @Test
    void buffersStartSmallAndGrowOnlyForABurstKeepingOrder() {
        PacketRing ring = new PacketRing(512 * 1024);
        assertEquals(2 * PacketRing.INITIAL_BYTES, ring.allocatedBytes(), "an idle or audio-only ring stays small");
        byte[] p = new byte[1200];
        for (int i = 0; i < 100; i++) { // 120 KB at once: a video burst
            p[0] = (byte) i;
            assertTrue(ring.offer(ByteBuffer.wrap(p), i, 0, 1));
        }
        assertTrue(ring.allocatedBytes() > 120_000 && ring.allocatedBytes() <= 512 * 1024, "" + ring.allocatedBytes());
        ByteBuffer taken = ring.take();
        for (int i = 0; i < 100; i++) {
            assertEquals(1200, taken.getInt());
            assertEquals(i, taken.getLong());
            taken.get();
            taken.getShort();
            assertEquals((byte) i, taken.get());
            taken.position(taken.position() + 1199);
        }
        assertFalse(taken.hasRemaining());
        assertEquals(0, ring.overflowPackets());
    }

    @Test
    void releasedBuffersGoBackToThePoolAndLateOffersAreRefusedWithoutCountingOverflow() {
        io.callrec.media.buffer.ByteArrayPool pool = new io.callrec.media.buffer.ByteArrayPool(1 << 20);
        PacketRing ring = new PacketRing(64 * 1024, pool);
        ByteBuffer p = ByteBuffer.wrap(new byte[200]);
        for (int i = 0; i < 60; i++) { // 12.9 KB, past the first 8 KiB: the front buffer grows once, to 16 KiB
            assertTrue(ring.offer(p, i, 0, 0));
        }
        assertEquals(8192, pool.pooledBytes(), "the buffer it grew out of went back");
        ring.release();
        assertEquals(8192 + 16384 + 8192, pool.pooledBytes());
        assertFalse(ring.offer(p, 1, 0, 0), "a relay thread late by one packet finds the ring closed");
        assertEquals(0, ring.overflowPackets());
        assertFalse(ring.take().hasRemaining());
        ring.release();
        assertEquals(8192 + 16384 + 8192, pool.pooledBytes(), "released once only");
    }
}
