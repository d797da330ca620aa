package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class SourceLatchTest {
    private static final InetSocketAddress DECLARED = new InetSocketAddress("127.0.0.2", 4000);
    private static final InetSocketAddress DECLARED_RTCP = new InetSocketAddress("127.0.0.2", 4001);
    private static final InetSocketAddress NAT = new InetSocketAddress("127.0.0.1", 50000);
    private static final InetSocketAddress OTHER = new InetSocketAddress("127.0.0.1", 50002);
    private static final InetSocketAddress SAME_HOST = new InetSocketAddress("127.0.0.2", 50004);
    private static final InetSocketAddress STRANGER_HOST = new InetSocketAddress("127.0.0.5", 4000);
    private static final long WINDOW_END = 1_000;

    private final SourceLatch latch = new SourceLatch(DECLARED, DECLARED_RTCP, WINDOW_END);

    @Test
    void theDeclaredAddressLatchesEvenAfterTheWindow() {
        assertTrue(latch.admit(new InetSocketAddress("127.0.0.2", 4000), false, WINDOW_END + 5));
        assertEquals(DECLARED, latch.rtpSource());
        assertFalse(latch.admit(NAT, false, WINDOW_END + 6));
    }

    @Test
    void withinTheWindowTheFirstSourceLatchesAndOthersOfItsRankAreStrangers() {
        assertTrue(latch.admit(NAT, false, WINDOW_END - 1));
        assertTrue(latch.admit(NAT, false, WINDOW_END + 100));
        assertFalse(latch.admit(OTHER, false, WINDOW_END - 1));
        assertFalse(latch.admit(STRANGER_HOST, false, WINDOW_END - 1));
        assertEquals(NAT, latch.rtpSource());
    }

    @Test
    void theDeclaredAddressTakesTheLatchOverFromAStrangerThatCameFirst() {
        assertTrue(latch.admit(STRANGER_HOST, false, 0), "provisionally: the party may be behind a NAT");
        assertTrue(latch.admit(DECLARED, false, 1));
        assertEquals(DECLARED, latch.rtpSource());
        assertFalse(latch.admit(STRANGER_HOST, false, 2), "the stranger is dropped from then on");
        assertFalse(latch.admit(SAME_HOST, false, 3), "nothing takes the declared address's latch over");
        assertTrue(latch.admit(DECLARED, false, WINDOW_END + 10));
    }

    @Test
    void theDeclaredAddressWinsEvenAfterTheWindowSoAStrangerCannotLockThePartyOut() {
        assertTrue(latch.admit(STRANGER_HOST, false, WINDOW_END - 1));
        assertFalse(latch.admit(SAME_HOST, false, WINDOW_END + 1), "after the window only the declared one");
        assertTrue(latch.admit(DECLARED, false, WINDOW_END + 1));
        assertEquals(DECLARED, latch.rtpSource());
        assertFalse(latch.admit(STRANGER_HOST, false, WINDOW_END + 2));
    }

    @Test
    void theDeclaredHostOnAnotherPortOutranksAnotherHost() {
        assertTrue(latch.admit(STRANGER_HOST, false, 0));
        assertTrue(latch.admit(SAME_HOST, false, 1), "a NAT that kept the IP but not the port");
        assertEquals(SAME_HOST, latch.rtpSource());
        assertFalse(latch.admit(STRANGER_HOST, false, 2));
        assertFalse(latch.admit(new InetSocketAddress("127.0.0.2", 4002), false, 3), "equal rank: first wins");
        assertTrue(latch.admit(DECLARED, false, 4));
        assertEquals(DECLARED, latch.rtpSource());
    }

    @Test
    void afterTheWindowNothingButTheDeclaredAddressIsAccepted() {
        assertFalse(latch.admit(NAT, false, WINDOW_END));
        assertFalse(latch.admit(OTHER, false, WINDOW_END + 1));
        assertNull(latch.rtpSource());
        assertTrue(latch.admit(DECLARED, false, WINDOW_END + 2));
    }

    @Test
    void rtcpRanksAgainstTheDeclaredRtcpAddress() {
        assertTrue(latch.admit(STRANGER_HOST, true, 0));
        assertTrue(latch.admit(DECLARED_RTCP, true, 1));
        assertEquals(DECLARED_RTCP, latch.rtcpSource());
        assertFalse(latch.admit(DECLARED, true, 2), "the RTP address is not the RTCP one");
        assertNull(latch.rtpSource());
    }

    @Test
    void onceRtpIsLatchedRtcpFromAnotherHostIsAStrangerEvenWhileLearning() {
        assertTrue(latch.admit(NAT, false, 0));
        assertFalse(latch.admit(STRANGER_HOST, true, 1), "127.0.0.5: neither the RTP source's host nor declared");
        assertTrue(latch.admit(new InetSocketAddress("127.0.0.1", 50001), true, 2), "the NAT's RTCP mapping");
        assertTrue(latch.admit(DECLARED_RTCP, true, 3), "the declared RTCP address still takes over");
        assertEquals(DECLARED_RTCP, latch.rtcpSource());
    }

    @Test
    void rtpAndRtcpLatchSeparately() {
        assertTrue(latch.admit(NAT, false, 0));
        assertNull(latch.rtcpSource());
        assertTrue(latch.admit(OTHER, true, 1));
        assertEquals(NAT, latch.rtpSource());
        assertEquals(OTHER, latch.rtcpSource());
        assertFalse(latch.admit(NAT, true, 2));
        assertFalse(latch.admit(OTHER, false, 2));
    }

    @Test
    void withoutDeclaredAddressOnlyTheWindowLatches() {
        SourceLatch undeclared = new SourceLatch(null, null, WINDOW_END);
        assertFalse(undeclared.admit(NAT, false, WINDOW_END + 1));
        SourceLatch learning = new SourceLatch(null, null, WINDOW_END);
        assertTrue(learning.admit(NAT, false, WINDOW_END - 1));
    }

    @Test
    void theWindowComparisonSurvivesNanoTimeOverflow() {
        SourceLatch nearOverflow = new SourceLatch(null, null, Long.MIN_VALUE + 10);
        assertTrue(nearOverflow.admit(NAT, false, Long.MAX_VALUE - 10), "20 ns before the window ends");
    }
}
