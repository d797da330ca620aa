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
    private static final long WINDOW_END = 1_000;

    private final SourceLatch latch = new SourceLatch(DECLARED, DECLARED_RTCP, WINDOW_END);

    @Test
    void theDeclaredAddressLatchesEvenAfterTheWindow() {
        assertTrue(latch.admit(new InetSocketAddress("127.0.0.2", 4000), false, WINDOW_END + 5));
        assertEquals(DECLARED, latch.rtpSource());
        assertFalse(latch.admit(NAT, false, WINDOW_END + 6));
    }

    @Test
    void withinTheWindowTheFirstSourceLatchesAndOthersAreStrangers() {
        assertTrue(latch.admit(NAT, false, WINDOW_END - 1));
        assertTrue(latch.admit(NAT, false, WINDOW_END + 100));
        assertFalse(latch.admit(OTHER, false, WINDOW_END - 1));
        assertFalse(latch.admit(DECLARED, false, WINDOW_END - 1), "first come wins, even over the declared address");
        assertEquals(NAT, latch.rtpSource());
    }

    @Test
    void afterTheWindowNothingButTheDeclaredAddressIsAccepted() {
        assertFalse(latch.admit(NAT, false, WINDOW_END));
        assertFalse(latch.admit(OTHER, false, WINDOW_END + 1));
        assertNull(latch.rtpSource());
        assertTrue(latch.admit(DECLARED, false, WINDOW_END + 2));
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
