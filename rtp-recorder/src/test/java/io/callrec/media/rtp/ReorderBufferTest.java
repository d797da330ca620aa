package io.callrec.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.rtp.ReorderBuffer.Slot;
import io.callrec.media.rtp.ReorderBuffer.Verdict;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ReorderBufferTest {
    private static final long MS = 1000;
    private static final long HOLD = 200 * MS;

    /** An RTP packet whose payload repeats the sequence number, so the output can be checked for identity. */
    private static ByteBuffer rtp(int seq) {
        return rtp(seq, 8);
    }

    private static ByteBuffer rtp(int seq, int payloadLength) {
        ByteBuffer b = ByteBuffer.allocate(12 + payloadLength);
        b.put((byte) 0x80).put((byte) 96).putShort((short) seq).putInt(seq * 160).putInt(0x1234);
        while (b.hasRemaining()) {
            b.put((byte) seq);
        }
        return b.flip();
    }

    /** What came out of one pop: sequence number (16-bit), extended one, loss before it, restart flag. */
    private record Out(int seq, long ext, long lostBefore, boolean restart) {
        static Out of(Slot slot) {
            ByteBuffer p = slot.packet();
            int seq = RtpHeader.sequenceNumber(p);
            assertEquals((byte) seq, p.get(p.limit() - 1), "payload of " + seq);
            assertEquals(seq, (int) (slot.extendedSeq() & 0xffff));
            return new Out(seq, slot.extendedSeq(), slot.lostBefore(), slot.restart());
        }
    }

    private static List<Out> popAll(ReorderBuffer buffer, long now) {
        List<Out> out = new ArrayList<>();
        for (Slot s = buffer.pop(now); s != null; s = buffer.pop(now)) {
            out.add(Out.of(s));
        }
        return out;
    }

    private static List<Out> drainAll(ReorderBuffer buffer) {
        List<Out> out = new ArrayList<>();
        for (Slot s = buffer.drain(); s != null; s = buffer.drain()) {
            out.add(Out.of(s));
        }
        return out;
    }

    private static List<Integer> seqs(List<Out> out) {
        return out.stream().map(Out::seq).toList();
    }

    /** A buffer that has already let packet {@code seq} out (so the stream is under way), at time 0. */
    private static ReorderBuffer started(int seq) {
        ReorderBuffer buffer = new ReorderBuffer(16, HOLD);
        assertEquals(Verdict.ACCEPTED, buffer.push(rtp(seq), 0));
        assertEquals(List.of(seq), seqs(drainAll(buffer)));
        return buffer;
    }

    @Test
    void firstPacketWaitsForMaxHoldThenTheRunFlowsInOrder() {
        ReorderBuffer buffer = new ReorderBuffer(128, HOLD);
        List<Out> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            assertEquals(Verdict.ACCEPTED, buffer.push(rtp(100 + i), i * 20 * MS));
            List<Out> now = popAll(buffer, i * 20 * MS);
            if (i < 10) {
                assertEquals(List.of(), now, "the stream's first packet waits for an overtaken earlier one");
            }
            out.addAll(now);
        }
        assertEquals(20, out.size());
        for (int i = 0; i < 20; i++) {
            assertEquals(new Out(100 + i, 100 + i, 0, false), out.get(i));
        }
        assertEquals(0, buffer.held());
        assertEquals(20, buffer.received());
    }

    @Test
    void anEarlierPacketOvertakenAtTheStartGoesFirst() {
        ReorderBuffer buffer = new ReorderBuffer(16, HOLD);
        buffer.push(rtp(11), 0);
        buffer.push(rtp(10), 5 * MS);
        buffer.push(rtp(12), 10 * MS);
        assertEquals(List.of(), popAll(buffer, 199 * MS));
        assertEquals(List.of(10, 11, 12), seqs(popAll(buffer, 200 * MS)));
        assertEquals(0, buffer.lost());
    }

    @Test
    void reversedPairsComeOutInOrderWithoutWaiting() {
        ReorderBuffer buffer = started(0);
        List<Integer> out = new ArrayList<>();
        for (int pair = 0; pair < 10; pair++) {
            long t = pair * 40 * MS;
            buffer.push(rtp(2 * pair + 2), t);
            assertEquals(List.of(), popAll(buffer, t), "waits for " + (2 * pair + 1));
            buffer.push(rtp(2 * pair + 1), t + MS);
            out.addAll(seqs(popAll(buffer, t + MS)));
        }
        assertEquals(java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList(), out);
        assertEquals(0, buffer.lost());
    }

    @Test
    void duplicatesOfHeldAndOfPoppedPacketsAreDropped() {
        ReorderBuffer buffer = started(1);
        assertEquals(Verdict.ACCEPTED, buffer.push(rtp(3), MS));
        assertEquals(Verdict.DUPLICATE, buffer.push(rtp(3), 2 * MS));
        assertEquals(Verdict.ACCEPTED, buffer.push(rtp(2), 3 * MS));
        assertEquals(List.of(2, 3), seqs(popAll(buffer, 3 * MS)));
        assertEquals(Verdict.DUPLICATE, buffer.push(rtp(2), 4 * MS));
        assertEquals(Verdict.DUPLICATE, buffer.push(rtp(1), 4 * MS));
        assertEquals(3, buffer.duplicates());
        assertEquals(0, buffer.late());
    }

    @Test
    void aHoleFilledInTimeLosesNothing() {
        ReorderBuffer buffer = started(1);
        buffer.push(rtp(2), 20 * MS);
        assertEquals(List.of(2), seqs(popAll(buffer, 20 * MS)));
        buffer.push(rtp(4), 60 * MS);
        buffer.push(rtp(5), 80 * MS);
        assertEquals(List.of(), popAll(buffer, 80 * MS));
        assertEquals(List.of(), popAll(buffer, 259 * MS));
        buffer.push(rtp(3), 259 * MS);
        assertEquals(List.of(new Out(3, 3, 0, false), new Out(4, 4, 0, false), new Out(5, 5, 0, false)),
                popAll(buffer, 259 * MS));
        assertEquals(0, buffer.lost());
    }

    @Test
    void aHoleOlderThanMaxHoldIsGivenUpAndItsPacketIsLate() {
        ReorderBuffer buffer = started(1);
        buffer.push(rtp(4), 60 * MS);
        buffer.push(rtp(5), 80 * MS);
        assertEquals(List.of(), popAll(buffer, 259 * MS));
        assertEquals(List.of(new Out(4, 4, 2, false), new Out(5, 5, 0, false)), popAll(buffer, 260 * MS));
        assertEquals(Verdict.TOO_LATE, buffer.push(rtp(3), 270 * MS));
        assertEquals(Verdict.TOO_LATE, buffer.push(rtp(2), 270 * MS));
        assertEquals(2, buffer.lost());
        assertEquals(2, buffer.late());
        assertEquals(0, buffer.duplicates());
    }

    @Test
    void holeAgeCountsFromTheEarliestArrivalBehindIt() {
        ReorderBuffer buffer = started(1);
        buffer.push(rtp(5), 10 * MS);
        buffer.push(rtp(3), 100 * MS);
        assertEquals(List.of(), popAll(buffer, 209 * MS));
        assertEquals(List.of(3, 5), seqs(popAll(buffer, 210 * MS)), "packet 5 told of the hole at 10 ms");
    }

    @Test
    void sequenceNumbersWrapAt65535() {
        ReorderBuffer buffer = started(65530);
        List<Out> out = new ArrayList<>();
        int[] order = {65531, 65532, 65533, 0, 65534, 65535, 1, 3, 2, 4};
        for (int i = 0; i < order.length; i++) {
            assertEquals(Verdict.ACCEPTED, buffer.push(rtp(order[i]), i * MS));
            out.addAll(popAll(buffer, i * MS));
        }
        assertEquals(List.of(65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3, 4), seqs(out));
        for (int i = 0; i < out.size(); i++) {
            assertEquals(65531L + i, out.get(i).ext());
            assertEquals(0, out.get(i).lostBefore());
        }
        assertEquals(Verdict.DUPLICATE, buffer.push(rtp(65535), 20 * MS));
        assertEquals(Verdict.ACCEPTED, buffer.push(rtp(5), 20 * MS));
        assertEquals(65536L + 5, buffer.pop(20 * MS).extendedSeq());
    }

    @Test
    void aFullBufferLetsTheOldestOutAcrossTheHole() {
        ReorderBuffer buffer = new ReorderBuffer(4, HOLD);
        buffer.push(rtp(1), 0);
        assertEquals(1, buffer.drain().extendedSeq());
        for (int seq = 3; seq <= 5; seq++) {
            buffer.push(rtp(seq), seq * MS);
            assertEquals(List.of(), popAll(buffer, seq * MS));
        }
        buffer.push(rtp(6), 6 * MS);
        assertEquals(List.of(new Out(3, 3, 1, false), new Out(4, 4, 0, false), new Out(5, 5, 0, false),
                new Out(6, 6, 0, false)), popAll(buffer, 6 * MS));
        assertEquals(1, buffer.lost());
        assertEquals(0, buffer.overflows());
    }

    @Test
    void pushingIntoAFullBufferWithoutPoppingOverflows() {
        ReorderBuffer buffer = new ReorderBuffer(2, HOLD);
        buffer.push(rtp(1), 0);
        buffer.push(rtp(2), 0);
        buffer.push(rtp(3), 0);
        assertEquals(Verdict.OVERFLOW, buffer.push(rtp(4), 0));
        assertEquals(1, buffer.overflows());
        assertEquals(List.of(1, 2, 3), seqs(drainAll(buffer)));
    }

    @Test
    void aConfirmedBigJumpRestartsAfterTheHeldPackets() {
        ReorderBuffer buffer = started(100);
        buffer.push(rtp(102), MS);
        assertEquals(Verdict.PROBATION, buffer.push(rtp(30000), 2 * MS));
        assertEquals(List.of(), popAll(buffer, 2 * MS), "102 still waits for 101");
        assertEquals(Verdict.RESTART, buffer.push(rtp(30001), 3 * MS));
        List<Out> out = popAll(buffer, 3 * MS);
        assertEquals(List.of(102), seqs(out), "the old stream's rest at once");
        assertEquals(1, out.get(0).lostBefore());
        assertEquals(List.of(), popAll(buffer, 201 * MS), "the new stream's start waits like a first packet");
        out.addAll(popAll(buffer, 202 * MS));
        assertEquals(List.of(102, 30000, 30001), seqs(out));
        assertTrue(out.get(1).restart());
        assertEquals(0, out.get(1).lostBefore());
        assertTrue(out.get(1).ext() > 65536 + 102, "extended numbers keep increasing: " + out.get(1).ext());
        assertEquals(out.get(1).ext() + 1, out.get(2).ext());
        assertFalse(out.get(2).restart());
        assertEquals(1, buffer.restarts());
        assertEquals(Verdict.ACCEPTED, buffer.push(rtp(30002), 210 * MS));
        assertEquals(List.of(30002), seqs(popAll(buffer, 210 * MS)));
    }

    @Test
    void anUnconfirmedBigJumpIsAStray() {
        ReorderBuffer buffer = started(100);
        assertEquals(Verdict.PROBATION, buffer.push(rtp(100 + 3001), MS));
        assertEquals(Verdict.ACCEPTED, buffer.push(rtp(101), 2 * MS));
        assertEquals(Verdict.PROBATION, buffer.push(rtp(100 - 1025), 3 * MS));
        assertEquals(Verdict.PROBATION, buffer.push(rtp(40000), 4 * MS));
        assertEquals(Verdict.ACCEPTED, buffer.push(rtp(102), 5 * MS));
        assertEquals(List.of(101, 102), seqs(popAll(buffer, 5 * MS)));
        assertEquals(3, buffer.late());
        assertEquals(0, buffer.restarts());
    }

    @Test
    void theCallerCanDeclareARestart() {
        ReorderBuffer buffer = started(100);
        buffer.push(rtp(101), MS);
        buffer.restart();
        assertEquals(Verdict.RESTART, buffer.push(rtp(7), 2 * MS));
        assertEquals(Verdict.ACCEPTED, buffer.push(rtp(6), 3 * MS));
        List<Out> out = popAll(buffer, 3 * MS);
        assertEquals(List.of(101), seqs(out), "the new sequence's first packet waits like a stream start");
        out = popAll(buffer, 202 * MS);
        assertEquals(List.of(6, 7), seqs(out));
        assertTrue(out.get(0).restart());
        assertEquals(1, buffer.restarts());
    }

    @Test
    void severalRestartsWhileHeldKeepEachStartMarked() {
        ReorderBuffer buffer = started(100);
        buffer.restart();
        buffer.push(rtp(500), MS);
        buffer.restart();
        buffer.push(rtp(900), 2 * MS);
        List<Out> out = drainAll(buffer);
        assertEquals(List.of(500, 900), seqs(out));
        assertTrue(out.get(0).restart() && out.get(1).restart());
        assertEquals(0, out.get(0).lostBefore() + out.get(1).lostBefore());
        assertEquals(0, buffer.lost());
    }

    @Test
    void malformedPacketsAreCountedNotStored() {
        ReorderBuffer buffer = new ReorderBuffer();
        assertEquals(Verdict.MALFORMED, buffer.push(ByteBuffer.allocate(11), 0));
        assertEquals(Verdict.MALFORMED, buffer.push(ByteBuffer.wrap(new byte[20]), 0));
        assertEquals(2, buffer.malformed());
        assertEquals(0, buffer.received());
        assertNull(buffer.drain());
    }

    @Test
    void rejectsBadConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new ReorderBuffer(1, HOLD));
        assertThrows(IllegalArgumentException.class, () -> new ReorderBuffer(16, -1));
    }

    @Test
    void theCallersBufferIsCopiedNotKept() {
        ReorderBuffer buffer = started(1);
        ByteBuffer packet = rtp(3, 100);
        buffer.push(packet, MS);
        assertEquals(0, packet.position());
        packet.put(12, (byte) 0x55);
        buffer.push(rtp(2), MS);
        popAll(buffer, MS);
        assertEquals(Verdict.ACCEPTED, buffer.push(rtp(4, 1200), 2 * MS));
        Slot slot = buffer.pop(2 * MS);
        assertEquals(1212, slot.packet().remaining());
        assertEquals(2 * MS, slot.arrivalMicros());
    }

    @Test
    void steadyStateAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ReorderBuffer buffer = new ReorderBuffer();
        ByteBuffer[] packets = new ByteBuffer[65536];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = rtp(i, 160 + (i % 7) * 100);
        }
        long sum = 0;
        long allocated = 0;
        for (int round = 0; round < 3; round++) {
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 200_000; i++) {
                // Pairs swapped, every 50th packet missing: holds, holes and skips on every round.
                int seq = ((i ^ 1) + round * 200_000) & 0xffff;
                if (i % 50 == 7) {
                    continue;
                }
                long now = (round * 200_000L + i) * 20 * MS;
                buffer.push(packets[seq], now);
                for (Slot s = buffer.pop(now); s != null; s = buffer.pop(now)) {
                    sum += s.lostBefore();
                }
            }
            allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        }
        assertTrue(sum > 0);
        assertTrue(allocated < 16 * 1024, allocated + " bytes allocated for 200 000 packets");
    }

    /**
     * A stream with loss, duplicates and reordering whose extra delay stays below the hold time: everything that
     * arrived comes out once, in order, and exactly the packets never sent are reported lost.
     */
    @Test
    void randomBoundedImpairmentsMatchTheModelExactly() {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            int first = random.nextInt(65536);
            List<long[]> arrivals = new ArrayList<>(); // {seq offset, arrival}
            TreeSet<Integer> sent = new TreeSet<>();
            int count = 3000;
            for (int i = 0; i < count; i++) {
                if (i > 0 && i < count - 1 && random.nextInt(100) < 5) {
                    continue;
                }
                sent.add(i);
                long nominal = i * 20 * MS;
                arrivals.add(new long[] {i, nominal + random.nextInt(150) * MS});
                if (random.nextInt(100) < 3) {
                    arrivals.add(new long[] {i, nominal + random.nextInt(150) * MS});
                }
            }
            arrivals.sort(Comparator.comparingLong(a -> a[1]));
            ReorderBuffer buffer = new ReorderBuffer(128, HOLD);
            List<Out> out = new ArrayList<>();
            for (long[] a : arrivals) {
                Verdict v = buffer.push(rtp((first + (int) a[0]) & 0xffff), a[1]);
                assertTrue(v == Verdict.ACCEPTED || v == Verdict.DUPLICATE, "seed " + seed + ": " + v);
                out.addAll(popAll(buffer, a[1]));
            }
            out.addAll(drainAll(buffer));
            assertEquals(sent.size(), out.size(), "seed " + seed);
            int i = 0;
            int previous = -1;
            for (int offset : sent) {
                Out o = out.get(i++);
                assertEquals((first + offset) & 0xffff, o.seq(), "seed " + seed);
                assertEquals(first + (long) offset, o.ext(), "seed " + seed);
                assertEquals(previous < 0 ? 0 : offset - previous - 1, o.lostBefore(), "seed " + seed);
                previous = offset;
            }
            assertEquals(count - sent.size(), buffer.lost(), "seed " + seed);
            assertEquals(arrivals.size() - sent.size(), buffer.duplicates(), "seed " + seed);
            assertEquals(0, buffer.late(), "seed " + seed);
        }
    }

    /**
     * Delays beyond the hold time, bursts of loss and a timer popping every 10 ms: the output stays strictly
     * increasing, accounts for every sequence number, never holds a packet much longer than the hold time, and a
     * packet is late exactly when its place was already passed.
     */
    @Test
    void randomHeavyImpairmentsKeepTheInvariants() {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed * 7919);
            int first = random.nextInt(65536);
            List<long[]> events = new ArrayList<>(); // {seq offset or -1 for a timer tick, time}
            int count = 4000;
            for (int i = 0; i < count; i++) {
                if (random.nextInt(100) < (i % 500 < 20 ? 60 : 3)) {
                    continue;
                }
                long delay = random.nextInt(100) < 10 ? random.nextInt(600) : random.nextInt(60);
                events.add(new long[] {i, i * 20 * MS + delay * MS});
                if (random.nextInt(100) < 5) {
                    events.add(new long[] {i, i * 20 * MS + random.nextInt(400) * MS});
                }
            }
            for (long t = 0; t < count * 20 * MS + 1000 * MS; t += 10 * MS) {
                events.add(new long[] {-1, t});
            }
            events.sort(Comparator.comparingLong(a -> a[1]));
            ReorderBuffer buffer = new ReorderBuffer(64, HOLD);
            long lastOut = Long.MIN_VALUE;
            long accounted = 0;
            long outputs = 0;
            long firstOut = -1;
            for (long[] e : events) {
                long now = e[1];
                if (e[0] >= 0) {
                    long ext = first + e[0];
                    Verdict v = buffer.push(rtp((int) (ext & 0xffff)), now);
                    if (v == Verdict.TOO_LATE) {
                        assertTrue(ext < lastOut, "seed " + seed + ": " + ext + " late though only " + lastOut
                                + " was out");
                    } else if (v == Verdict.ACCEPTED && lastOut != Long.MIN_VALUE) {
                        assertTrue(ext > lastOut, "seed " + seed + ": " + ext + " accepted after " + lastOut);
                    }
                    assertTrue(v != Verdict.RESTART && v != Verdict.PROBATION && v != Verdict.OVERFLOW,
                            "seed " + seed + ": " + v);
                }
                for (Slot s = buffer.pop(now); s != null; s = buffer.pop(now)) {
                    Out o = Out.of(s);
                    assertTrue(o.ext() > lastOut, "seed " + seed + ": " + o + " after " + lastOut);
                    if (lastOut != Long.MIN_VALUE) {
                        assertEquals(o.ext() - lastOut - 1, o.lostBefore(), "seed " + seed);
                    } else {
                        firstOut = o.ext();
                    }
                    assertTrue(now - s.arrivalMicros() <= HOLD + 10 * MS || buffer.held() >= 63,
                            "seed " + seed + ": held " + (now - s.arrivalMicros()) + " µs");
                    lastOut = o.ext();
                    accounted += 1 + o.lostBefore();
                    outputs++;
                }
            }
            for (Slot s = buffer.drain(); s != null; s = buffer.drain()) {
                accounted += 1 + s.lostBefore();
                lastOut = s.extendedSeq();
                outputs++;
            }
            assertEquals(lastOut - firstOut + 1, accounted, "seed " + seed);
            assertEquals(buffer.lost() + outputs, accounted, "seed " + seed);
            assertEquals(buffer.received(), outputs + buffer.duplicates() + buffer.late(), "seed " + seed);
            assertTrue(buffer.late() > 0, "seed " + seed + ": the generator should make some packets late");
        }
    }

    @Test
    void inOrderPacketsReuseOneSlotAndAHoleUsesMoreOnlyWhileItLasts() {
        ReorderBuffer buffer = new ReorderBuffer(64, HOLD);
        java.util.Set<Slot> used = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int next = 0;
        for (int seq = 0; seq < 200; seq++) {
            buffer.push(rtp(seq), seq * 20 * MS);
            if (seq == 20) {
                used.clear(); // the first packets waited for the hold time (a new sequence) in several slots
            }
            Slot slot;
            while ((slot = buffer.pop(seq * 20 * MS)) != null) {
                assertEquals(next++, RtpHeader.sequenceNumber(slot.packet()));
                used.add(slot);
            }
        }
        assertEquals(200, next);
        assertEquals(1, used.size(), "an empty buffer starts again at its first slot: one slot stays warm");
        buffer.push(rtp(201), 4020 * MS); // 200 is late: 201 waits
        assertNull(buffer.pop(4020 * MS));
        buffer.push(rtp(200), 4030 * MS);
        assertEquals(200, RtpHeader.sequenceNumber(buffer.pop(4030 * MS).packet()));
        assertEquals(201, RtpHeader.sequenceNumber(buffer.pop(4030 * MS).packet()));
        assertNull(buffer.pop(4030 * MS));
        used.clear();
        for (int seq = 202; seq < 300; seq++) {
            buffer.push(rtp(seq), seq * 20 * MS);
            used.add(buffer.pop(seq * 20 * MS));
        }
        assertEquals(1, used.size(), "back to one slot once the hole is filled");
        assertEquals(0, buffer.lost());
    }
}
