package io.callrec.testing.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.rtp.RtpHeader;
import io.callrec.media.rtp.SeqNum;
import io.callrec.testing.media.RtpPlayer.Schedule;
import io.callrec.testing.media.RtpPlayer.Schedule.Planned;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The player's schedule, decided before any sending: no sockets, no clock. */
class RtpPlayerTest {
    private static final List<byte[]> AUDIO = SyntheticRtp.stream(10_000, 1, 160, 160);

    private static Schedule schedule(StreamPlan plan, long seed) {
        return Schedule.of(plan, new Random(seed));
    }

    private static double sigma(int n, double percent) {
        return Math.sqrt(n * percent / 100 * (1 - percent / 100));
    }

    @Test
    void withoutImpairmentsEveryPacketGoesAtItsMediaTimeWithNewNumbers() {
        Schedule s = schedule(StreamPlan.of("a", AUDIO.subList(0, 100), 8000).withStartOffsetMillis(250), 1);
        assertEquals(100, s.datagrams.size());
        Planned first = s.datagrams.get(0);
        for (int i = 0; i < 100; i++) {
            Planned p = s.datagrams.get(i);
            assertEquals(i, p.index());
            assertEquals(i * 20_000_000L, p.mediaNanos());
            assertEquals(250_000_000L + i * 20_000_000L, p.atNanos());
            assertEquals((first.seq() + i) & 0xffff, p.seq());
            assertEquals((first.timestamp() + i * 160L) & 0xffffffffL, p.timestamp());
            ByteBuffer b = ByteBuffer.wrap(p.datagram());
            assertEquals(p.ssrc(), RtpHeader.ssrc(b));
            assertEquals(p.seq(), RtpHeader.sequenceNumber(b));
            assertEquals(p.timestamp(), RtpHeader.timestamp(b));
            assertEquals(96, RtpHeader.payloadType(b));
            assertEquals(i, SyntheticRtp.index(p.datagram()));
        }
        assertNotEquals(1000, first.seq(), "sequence numbers are rewritten (1 in 65536 chance of a false alarm)");
        assertEquals(0, s.lost + s.inOutage + s.duplicated + s.reordered);
        assertArrayEquals(new long[] {0, 1_000_000_000L}, s.reportMediaNanos);
    }

    @Test
    void theSameSeedGivesTheSameSchedule() {
        StreamPlan plan = StreamPlan.of("a", AUDIO, 8000).with(Impairments.NONE.withJitterMillis(30)
                .withLossPercent(5).withDuplicatePercent(3).withReorderPercent(2));
        Schedule one = schedule(plan, 42);
        Schedule two = schedule(plan, 42);
        Schedule other = schedule(plan, 43);
        assertEquals(one.datagrams.stream().map(Planned::atNanos).toList(),
                two.datagrams.stream().map(Planned::atNanos).toList());
        assertNotEquals(one.datagrams.stream().map(Planned::atNanos).toList(),
                other.datagrams.stream().map(Planned::atNanos).toList());
    }

    @Test
    void lossDuplicatesAndReorderingComeAtTheConfiguredRates() {
        int n = AUDIO.size();
        StreamPlan plan = StreamPlan.of("a", AUDIO, 8000).with(Impairments.NONE.withLossPercent(10)
                .withDuplicatePercent(5).withReorderPercent(4));
        for (long seed = 1; seed <= 5; seed++) {
            Schedule s = schedule(plan, seed);
            assertEquals(n * 0.10, s.lost, 4 * sigma(n, 10), "seed " + seed);
            assertEquals(n * 0.9 * 0.05, s.duplicated, 4 * sigma(n, 5), "seed " + seed);
            // a reordered packet is sent, not chosen right after another, and its successor is sent
            assertEquals(n * 0.04 * 0.9 * 0.9, s.reordered, 4 * sigma(n, 4), "seed " + seed);
            assertEquals(n - s.lost + s.duplicated, s.datagrams.size(), "seed " + seed);
            long distinct = s.datagrams.stream().mapToInt(Planned::index).distinct().count();
            assertEquals(n - s.lost, distinct, "seed " + seed);
        }
    }

    @Test
    void aReorderedPacketGoesJustAfterItsSuccessor() {
        Schedule s = schedule(StreamPlan.of("a", AUDIO.subList(0, 2000), 8000)
                .with(Impairments.NONE.withReorderPercent(20)), 3);
        int swaps = 0;
        for (int k = 1; k < s.datagrams.size(); k++) {
            Planned previous = s.datagrams.get(k - 1);
            Planned p = s.datagrams.get(k);
            if (p.index() < previous.index()) {
                assertEquals(previous.index() - 1, p.index());
                assertEquals(previous.atNanos() + 1_000_000L, p.atNanos());
                swaps++;
            }
        }
        assertEquals(s.reordered, swaps);
        assertTrue(swaps > 250, swaps + " swaps");
    }

    @Test
    void jitterDelaysUniformlyWithinItsRange() {
        Schedule s = schedule(StreamPlan.of("a", AUDIO, 8000).with(Impairments.NONE.withJitterMillis(40)), 5);
        long min = Long.MAX_VALUE;
        long max = 0;
        int firstQuarter = 0;
        for (Planned p : s.datagrams) {
            long delay = p.atNanos() - p.mediaNanos();
            min = Math.min(min, delay);
            max = Math.max(max, delay);
            firstQuarter += delay < 10_000_000L ? 1 : 0;
        }
        assertTrue(min >= 0 && min < 100_000, "min " + min);
        assertTrue(max < 40_000_000L && max > 39_900_000L, "max " + max);
        assertEquals(AUDIO.size() / 4.0, firstQuarter, 4 * sigma(AUDIO.size(), 25));
        assertTrue(s.reordered > 0, "20 ms packets with up to 40 ms jitter overtake each other");
        assertTrue(s.datagrams.stream().map(Planned::atNanos).sorted().toList()
                .equals(s.datagrams.stream().map(Planned::atNanos).toList()), "sorted by sending time");
    }

    @Test
    void aConstantDelayMovesThePacketsButNotTheReports() {
        StreamPlan plan = StreamPlan.of("a", AUDIO.subList(0, 100), 8000).withStartOffsetMillis(100);
        Schedule plain = schedule(plan, 8);
        Schedule late = schedule(plan.with(Impairments.NONE.withDelayMillis(300)), 8);
        for (int i = 0; i < 100; i++) {
            assertEquals(plain.datagrams.get(i).atNanos() + 300_000_000L, late.datagrams.get(i).atNanos());
            assertArrayEquals(plain.datagrams.get(i).datagram(), late.datagrams.get(i).datagram());
        }
        assertArrayEquals(plain.reportMediaNanos, late.reportMediaNanos);
        assertEquals(plain.offsetNanos, late.offsetNanos);
    }

    @Test
    void anOutageSendsNothingInItsWindow() {
        Schedule s = schedule(StreamPlan.of("a", AUDIO.subList(0, 500), 8000)
                .with(Impairments.NONE.withOutage(2000, 1500)), 9);
        assertEquals(75, s.inOutage);
        assertTrue(s.datagrams.stream().noneMatch(p -> p.mediaNanos() >= 2_000_000_000L
                && p.mediaNanos() < 3_500_000_000L));
        assertTrue(s.datagrams.stream().anyMatch(p -> p.mediaNanos() == 3_500_000_000L));
    }

    @Test
    void anSsrcChangeRenumbersFromItsMediaTime() {
        Schedule s = schedule(StreamPlan.of("a", AUDIO.subList(0, 300), 8000).withSsrcChangeAtMillis(2010), 11);
        assertEquals(2, s.epochs.size());
        Schedule.Epoch before = s.epochs.get(0);
        Schedule.Epoch after = s.epochs.get(1);
        assertEquals(101, after.firstIndex(), "first packet at or after 2.010 s is the one at 2.020 s");
        assertNotEquals(before.ssrc(), after.ssrc());
        for (Planned p : s.datagrams) {
            Schedule.Epoch e = p.index() < 101 ? before : after;
            assertEquals(e.ssrc(), p.ssrc());
            assertEquals((e.seqBase() + p.index() - e.firstIndex()) & 0xffff, p.seq());
            long mediaTicks = SeqNum.timestampDistance(e.timestampAtMediaZero(), p.timestamp());
            assertEquals(p.mediaNanos(), mediaTicks * 125_000L, "timestamps keep the media clock on both SSRCs");
        }
        assertArrayEquals(new long[] {0, 1_000_000_000L, 2_000_000_000L, 2_020_000_000L, 3_000_000_000L,
                4_000_000_000L, 5_000_000_000L}, s.reportMediaNanos, "every second and at the new SSRC's start");
        assertEquals(after, s.epochAt(2_020_000_000L));
        assertEquals(before, s.epochAt(2_019_999_999L));
    }

    @Test
    void aPayloadTypeChangeAppliesFromItsMediaTime() {
        Schedule s = schedule(StreamPlan.of("a", AUDIO.subList(0, 100), 8000).withPayloadTypeChange(1000, 8), 1);
        for (Planned p : s.datagrams) {
            int expected = p.mediaNanos() >= 1_000_000_000L ? 8 : 96;
            assertEquals(expected, p.payloadType());
            assertEquals(expected, RtpHeader.payloadType(ByteBuffer.wrap(p.datagram())));
        }
    }

    @Test
    void videoFramesGoAsBursts() {
        List<byte[]> video = SyntheticRtp.stream(90, 3, 3000, 1000);
        Schedule s = schedule(StreamPlan.of("v", video, 90000), 1);
        assertEquals(List.of(0L, 0L, 0L, 33_333_333L, 33_333_333L, 33_333_333L, 66_666_667L),
                s.datagrams.stream().limit(7).map(Planned::atNanos).toList());
        assertTrue(s.datagrams.stream().sorted(Comparator.comparingInt(Planned::index)).toList()
                .equals(s.datagrams), "equal times keep plan order");
    }

    @Test
    void rejectsPlansThatCannotBePlayed() {
        assertThrows(IllegalArgumentException.class, () -> StreamPlan.of("a", List.of(), 8000));
        assertThrows(IllegalArgumentException.class, () -> StreamPlan.of("a", AUDIO, 0));
        assertThrows(IllegalArgumentException.class, () -> Impairments.NONE.withLossPercent(101));
        assertThrows(IllegalArgumentException.class, () -> schedule(StreamPlan.of("a", List.of(new byte[8]), 8000),
                1));
    }
}
