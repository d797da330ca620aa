package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SenderClockTest {

    @Test
    void arrivalMappingUsesTheLeastDelayedPacket() {
        SenderClock c = new SenderClock(1, 8000);
        long base = 1_000_000_000L;
        // 20 ms packets; the second arrives 30 ms late, the third on time
        c.onPacket(1000, base + 5_000);
        c.onPacket(1160, base + 20_000 + 30_000);
        c.onPacket(1320, base + 40_000 + 1_000);
        c.mapByArrival();
        assertEquals("arrival", c.mappedBy());
        assertEquals(base + 1_000, c.localMicros(1000), "ts 1000 is placed by the least-delayed packet");
        assertEquals(base + 1_000 + 20_000, c.localMicros(1160));
    }

    @Test
    void timestampsWrapAround() {
        SenderClock c = new SenderClock(1, 90000);
        long ext1 = c.onPacket(0xFFFF_FF00L, 0);
        long ext2 = c.onPacket(0x0000_0100L, 2_844);
        assertEquals(0x200, ext2 - ext1);
        c.mapByArrival();
        assertEquals(c.localMicros(ext1) + 0x200 * 1_000_000L / 90000, c.localMicros(ext2));
    }

    @Test
    void senderReportsGiveLipSyncAcrossSourcesOfOneSender() {
        // The sender's NTP clock: media time 0 at NTP 5_000_000_000 µs. Audio ts base 1234, video base 777.
        long ntpZero = 5_000_000_000L;
        SenderClock audio = new SenderClock(1, 8000);
        SenderClock video = new SenderClock(2, 90000);
        long localZero = 9_000_000L; // our clock when media time 0 would arrive without delay
        // video from media time 0, audio starts 300 ms later; every packet 0..40 ms late
        for (int i = 0; i < 50; i++) {
            long mt = i * 66_666L;
            video.onPacket(777 + mt * 90000 / 1_000_000, localZero + mt + (i * 7919 % 40_000));
        }
        for (int i = 0; i < 100; i++) {
            long mt = 300_000 + i * 20_000L;
            audio.onPacket(1234 + mt * 8000 / 1_000_000, localZero + mt + (i * 104729 % 40_000));
        }
        audio.onSenderReport(ntpZero + 1_000_000, 1234 + 8000);
        video.onSenderReport(ntpZero + 2_000_000, 777 + 180_000);
        long offset = Math.min(audio.partyOffsetCandidate(), video.partyOffsetCandidate());
        audio.mapBySenderReport(offset);
        video.mapBySenderReport(offset);
        long audioAt1s = audio.localMicros(1234 + 8000);
        long videoAt1s = video.localMicros(777 + 90000);
        assertEquals(audioAt1s, videoAt1s, "the same media instant lands at the same local time");
        assertTrue(Math.abs(audioAt1s - (localZero + 1_000_000)) < 2_000, "within the least delay: " + audioAt1s);
    }

    @Test
    void aSenderReportThatGoesBackwardsOrJumpsAgainstTheAcceptedOneIsIgnored() {
        SenderClock c = new SenderClock(1, 8000);
        long ntp = 5_000_000_000L;
        c.onPacket(1000, 1_000_000);
        assertTrue(c.onSenderReport(ntp, 1000));
        assertTrue(c.onSenderReport(ntp + 5_001_000, 1000 + 5 * 8000), "5 s later, 1 ms of drift: fine");
        assertFalse(c.onSenderReport(ntp + 4_000_000, 1000 + 6 * 8000), "NTP going backwards");
        assertFalse(c.onSenderReport(ntp + 6_000_000 + 300_000, 1000 + 6 * 8000), "a 300 ms jump");
        assertFalse(c.onSenderReport(ntp + 6_000_000, 0x7000_0000L), "an RTP time from nowhere");
        assertTrue(c.onSenderReport(ntp + 6_000_000 + 150_000, 1000 + 6 * 8000), "within the bound");
        assertEquals(3, c.senderReports());
        assertEquals(3, c.senderReportsIgnored());
        assertEquals(ntp, c.firstSrNtpMicros());
    }

    @Test
    void aSenderReportThatPlacesItsSourceSecondsAwayFromItsArrivalIsRefusedForMapping() {
        long localZero = 9_000_000L;
        long ntpZero = 5_000_000_000L;
        SenderClock audio = new SenderClock(1, 8000);
        SenderClock video = new SenderClock(2, 90000);
        for (int i = 0; i < 50; i++) {
            audio.onPacket(i * 160L, localZero + i * 20_000L + 2_000);
            video.onPacket(i * 1500L, localZero + i * 16_666L + 250_000); // an encoder 250 ms slower
        }
        audio.onSenderReport(ntpZero, 0);
        video.onSenderReport(ntpZero, 0);
        long offset = audio.partyOffsetCandidate();
        assertTrue(video.senderReportAgrees(offset), "a quarter of a second later than audio is plausible");

        SenderClock liar = new SenderClock(3, 90000);
        liar.onPacket(0, localZero + 1_000_000);
        liar.onSenderReport(ntpZero + 1_000_000 + 3_000_000, 0); // claims to be 3 s later than it arrives
        assertFalse(liar.senderReportAgrees(offset));
        assertEquals(1, liar.senderReportsIgnored());
        liar.mapByArrival();
        assertEquals(localZero + 1_000_000, liar.localMicros(0), "placed where it arrived");
    }
}
