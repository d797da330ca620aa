package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class PeerRouteTest {
    private static final InetSocketAddress RTP = new InetSocketAddress("127.0.0.2", 4000);
    private static final InetSocketAddress RTCP = new InetSocketAddress("127.0.0.2", 4001);
    private static final InetSocketAddress NAT_RTP = new InetSocketAddress("127.0.0.1", 50000);
    private static final InetSocketAddress NAT_RTCP = new InetSocketAddress("127.0.0.1", 50001);

    @Test
    void sendsToTheDeclaredAddressUntilASourceIsLatched() {
        SourceLatch latch = new SourceLatch(RTP, RTCP, 100);
        PeerRoute route = new PeerRoute(RTP, RTCP, false, latch, true);
        assertTrue(route.receives());
        assertEquals(RTP, route.rtpDestination());
        assertEquals(RTCP, route.rtcpDestination());
        latch.admit(NAT_RTP, false, 0);
        assertEquals(NAT_RTP, route.rtpDestination());
        assertEquals(RTCP, route.rtcpDestination());
        latch.admit(NAT_RTCP, true, 0);
        assertEquals(NAT_RTCP, route.rtcpDestination());
    }

    @Test
    void withoutAddressThePartyReceivesNothing() {
        assertFalse(new PeerRoute(null, null, false, new SourceLatch(null, null, 0), true).receives());
        assertFalse(PeerRoute.undeclared(new SourceLatch(null, null, 0)).receives(), "nothing latched yet");
    }
}
