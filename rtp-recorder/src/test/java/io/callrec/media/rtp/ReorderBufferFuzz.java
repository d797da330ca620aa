package io.callrec.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.callrec.media.rtp.ReorderBuffer.Slot;
import io.callrec.media.rtp.ReorderBuffer.Verdict;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * A sender controls its sequence numbers: reordered, duplicated, jumping, wrapping, restarting. Used as documented
 * (pop until null after each push), {@link ReorderBuffer} must never overflow, must hand out packets in strictly
 * increasing extended order, each stored packet exactly once and unchanged, and account for every gap it skips.
 */
class ReorderBufferFuzz {
    private static final int MAX_PUSHES = 2000;

    @FuzzTest(maxDuration = "30s", maxExecutions = 20000)
    void packetsComeOutOnceInOrderAndGapsAreCounted(FuzzedDataProvider data) {
        ReorderBuffer buffer = new ReorderBuffer(data.consumeInt(2, 64), data.consumeLong(0, 1_000_000));
        Map<Integer, Verdict> verdicts = new HashMap<>();
        Checker out = new Checker(verdicts);
        long now = data.consumeLong(0, 1L << 40);
        int seq = data.consumeInt(0, 0xffff);
        int pushes = 0;
        while (data.remainingBytes() > 0 && pushes < MAX_PUSHES) {
            switch (data.consumeInt(0, 7)) {
                case 0 -> seq = data.consumeInt(0, 0xffff); // a jump anywhere
                case 1 -> seq = (seq + data.consumeInt(-40, 40)) & 0xffff; // reordering and duplicates
                case 2 -> buffer.restart();
                case 3 -> now += data.consumeLong(0, 2_000_000); // time passes: held packets fall due
                default -> seq = (seq + 1) & 0xffff;
            }
            Verdict verdict = buffer.push(packet(seq, pushes), now);
            assertNotEquals(Verdict.OVERFLOW, verdict, "popping after every push must leave room");
            assertNotEquals(Verdict.MALFORMED, verdict);
            verdicts.put(pushes, verdict);
            pushes++;
            for (Slot s = buffer.pop(now); s != null; s = buffer.pop(now)) {
                out.take(s);
            }
            assertTrue(buffer.held() < 64, buffer.held() + " held");
        }
        for (Slot s = buffer.drain(); s != null; s = buffer.drain()) {
            out.take(s);
        }
        assertEquals(0, buffer.held());
        assertNull(buffer.pop(Long.MAX_VALUE));
        assertEquals(pushes, buffer.received());
        assertEquals(0, buffer.overflows());
        assertEquals(out.lost, buffer.lost(), "lost() is the sum of lostBefore");
        for (Map.Entry<Integer, Verdict> e : verdicts.entrySet()) {
            boolean stored = e.getValue() == Verdict.ACCEPTED || e.getValue() == Verdict.RESTART;
            if (stored) {
                assertTrue(out.seen.containsKey(e.getKey()), "packet " + e.getKey() + " (" + e.getValue() + ") lost");
            }
        }
    }

    /** An RTP packet whose payload names the push that made it. */
    private static ByteBuffer packet(int seq, int index) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.put((byte) 0x80).put((byte) 96).putShort((short) seq).putInt(seq * 160).putInt(0x5eed).putInt(index);
        return b.flip();
    }

    /** Checks every packet coming out against what went in. */
    private static final class Checker {
        final Map<Integer, Long> seen = new HashMap<>();
        final Map<Integer, Verdict> verdicts;
        long lost;
        private long lastExt = Long.MIN_VALUE;

        Checker(Map<Integer, Verdict> verdicts) {
            this.verdicts = verdicts;
        }

        void take(Slot slot) {
            ByteBuffer p = slot.packet();
            assertEquals(16, p.remaining());
            int index = p.getInt(p.position() + 12);
            Verdict verdict = verdicts.get(index);
            assertTrue(verdict == Verdict.ACCEPTED || verdict == Verdict.RESTART || verdict == Verdict.PROBATION,
                    "packet " + index + " came out after " + verdict);
            assertEquals(null, seen.put(index, slot.extendedSeq()), "packet " + index + " came out twice");
            assertTrue(slot.extendedSeq() > lastExt, slot.extendedSeq() + " after " + lastExt);
            lastExt = slot.extendedSeq();
            assertEquals(RtpHeader.sequenceNumber(p), (int) (slot.extendedSeq() & 0xffff), "extension keeps the seq");
            assertTrue(slot.lostBefore() >= 0, "lostBefore " + slot.lostBefore());
            lost += slot.lostBefore();
        }
    }
}
