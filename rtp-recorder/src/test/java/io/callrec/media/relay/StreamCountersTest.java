package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class StreamCountersTest {
    private static final int SSRC = 0x1234;
    private final FakeTime time = new FakeTime();
    private final StreamCounters counters = new StreamCounters(time.source);

    private void receive(int... seqs) {
        for (int seq : seqs) {
            counters.onRtp(seq, seq * 160, SSRC, 172, time.now());
        }
    }

    @Test
    void countsLossAcrossSequenceWrapAround() {
        receive(65530, 65531, 65532, 65534, 65535, 0, 1, 3, 4, 7); // missing 65533, 2, 5, 6
        assertEquals(14, counters.expected());
        assertEquals(4, counters.lost());
        assertEquals(10, counters.rtpPackets());
        assertEquals(1720, counters.rtpBytes());
    }

    @Test
    void countsLossOverSeveralWraps() {
        int seq = 100;
        int missing = 0;
        for (int i = 0; i < 3 * 65536; i++) {
            seq = (seq + 1) & 0xffff;
            if (i % 1000 == 0) {
                missing++;
                continue;
            }
            counters.onRtp(seq, i, SSRC, 12, time.now());
        }
        assertEquals(3L * 65536 - 1, counters.expected()); // the first packet skipped was before the base
        assertEquals(missing - 1, counters.lost());
    }

    @Test
    void reorderingAndDuplicatesAreNotLoss() {
        receive(1, 2, 4, 3, 3, 5, 6);
        assertEquals(6, counters.expected());
        assertEquals(0, counters.lost(), "one duplicate makes expected - received negative; reported as 0");
        assertEquals(7, counters.rtpPackets());
    }

    @Test
    void lateReorderingAcrossTheWrapDoesNotAddACycle() {
        receive(65534, 0, 65535, 1);
        assertEquals(4, counters.expected());
        assertEquals(0, counters.lost());
    }

    @Test
    void aNewSsrcStartsANewSequenceAndKeepsEarlierLoss() {
        receive(1, 2, 4);
        counters.onRtp(100, 0, SSRC + 1, 12, time.now());
        counters.onRtp(101, 0, SSRC + 1, 12, time.now());
        counters.onRtp(103, 0, SSRC + 1, 12, time.now());
        assertEquals(8, counters.expected());
        assertEquals(2, counters.lost());
    }

    @Test
    void aStrayBigJumpIsIgnoredButTwoInARowRestartTheSequence() {
        receive(1, 2, 3, 40000, 4, 5);
        assertEquals(5, counters.expected());
        assertEquals(0, counters.lost());
        receive(20000, 20001, 20003);
        assertEquals(5 + 3, counters.expected(), "restart at 20001: 20001..20003");
        assertEquals(1, counters.lost());
    }

    @Test
    void jitterIsZeroForPerfectlySpacedPackets() {
        counters.clockRate(8000);
        int ts = 0xffffff00; // crosses the 32-bit timestamp wrap on the way
        for (int i = 0; i < 100; i++) {
            counters.onRtp(i, ts, SSRC, 172, time.now());
            ts += 160;
            time.advanceMillis(20);
        }
        assertEquals(0.0, counters.jitterMs().orElseThrow(), 1e-9);
    }

    @Test
    void jitterApproachesTheTransitDifference() {
        counters.clockRate(8000);
        long start = time.now();
        for (int i = 0; i < 400; i++) {
            long arrival = start + TimeUnit.MILLISECONDS.toNanos(20L * i + (i % 2 == 0 ? 0 : 5));
            counters.onRtp(i, i * 160, SSRC, 172, arrival);
        }
        // Every consecutive pair differs by 5 ms in transit time, so J converges to 5 ms (RFC 3550 A.8).
        assertEquals(5.0, counters.jitterMs().orElseThrow(), 0.01);
    }

    @Test
    void jitterNeedsTheClockRate() {
        receive(1, 2, 3);
        assertFalse(counters.jitterMs().isPresent());
        assertNull(counters.snapshot().jitterMs());
        counters.clockRate(90000);
        receive(4);
        assertEquals(0.0, counters.jitterMs().orElseThrow());
        assertEquals(90000, counters.snapshot().clockRate());
        assertThrows(IllegalArgumentException.class, () -> counters.clockRate(-1));
    }

    @Test
    void readsHeaderFromTheBuffer() {
        byte[] packet = RtpPackets.rtp(7, 1120, SSRC, 40);
        counters.onRtp(ByteBuffer.wrap(packet), packet.length, time.now());
        counters.onRtp(ByteBuffer.wrap(RtpPackets.rtp(9, 1440, SSRC, 40)), packet.length, time.now());
        assertEquals(3, counters.expected());
        assertEquals(1, counters.lost());
        assertEquals(104, counters.rtpBytes());
    }

    @Test
    void snapshotHoldsEveryCounter() {
        assertTrue(counters.lastSeen().isEmpty());
        receive(1, 3);
        time.advanceMillis(500);
        counters.onRtcp(time.now());
        counters.countStranger();
        counters.countStranger();
        counters.countMalformed();
        counters.countOversized();
        time.advanceMillis(1500);
        StreamCounters.Snapshot snapshot = counters.snapshot();
        assertEquals(new StreamCounters.Snapshot(2, 344, 1, 3, 1, null, 0,
                FakeTime.EPOCH.minusMillis(1500), 2, 1, 1, 0), snapshot);
        assertEquals(Instant.parse("2025-12-31T23:59:58.500Z"), counters.lastSeen().orElseThrow());
    }

    @Test
    void countsEachChangeOfSsrcButNotTheFirstSource() {
        receive(1, 2);
        assertEquals(0, counters.ssrcChanges());
        counters.onRtp(500, 0, 0xbad, 172, time.now());
        counters.onRtp(3, 480, SSRC, 172, time.now());
        assertEquals(2, counters.ssrcChanges(), "to the other SSRC and back");
        assertEquals(4, counters.rtpPackets());
    }
}
