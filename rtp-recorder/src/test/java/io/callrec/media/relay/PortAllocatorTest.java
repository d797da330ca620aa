package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PortAllocatorTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int BASE = 31000;

    private final List<PortAllocator.PortPair> held = new ArrayList<>();

    @AfterEach
    void closeHeld() throws IOException {
        for (PortAllocator.PortPair pair : held) {
            close(pair);
        }
    }

    private PortAllocator.PortPair allocate(PortAllocator allocator) throws PortsExhaustedException {
        PortAllocator.PortPair pair = allocator.allocate();
        held.add(pair);
        return pair;
    }

    private static void close(PortAllocator.PortPair pair) throws IOException {
        pair.rtp().close();
        pair.rtcp().close();
    }

    private void free(PortAllocator allocator, PortAllocator.PortPair pair) throws IOException {
        close(pair);
        held.remove(pair);
        assertTrue(allocator.release(pair.rtpPort()));
    }

    @Test
    void handsOutBoundEvenOddPairsInOrder() throws IOException {
        PortAllocator allocator = new PortAllocator(LOOPBACK, BASE, BASE + 9);
        assertEquals(5, allocator.capacity());
        PortAllocator.PortPair first = allocate(allocator);
        PortAllocator.PortPair second = allocate(allocator);
        assertEquals(BASE, first.rtpPort());
        assertEquals(BASE + 1, first.rtcpPort());
        assertEquals(BASE + 2, second.rtpPort());
        assertEquals(new InetSocketAddress(LOOPBACK, BASE), first.rtp().getLocalAddress());
        assertEquals(new InetSocketAddress(LOOPBACK, BASE + 1), first.rtcp().getLocalAddress());
        assertFalse(first.rtp().isBlocking());
        assertEquals(2, allocator.pairsInUse());
        assertEquals(4, allocator.portsInUse());
    }

    @Test
    void anOddTopPortIsLeftOutWhenItsPairDoesNotFit() throws IOException {
        PortAllocator allocator = new PortAllocator(LOOPBACK, BASE, BASE + 4);
        assertEquals(2, allocator.capacity());
        allocate(allocator);
        allocate(allocator);
        assertThrows(PortsExhaustedException.class, allocator::allocate);
    }

    @Test
    void throwsWhenExhaustedAndRecoversAfterARelease() throws IOException {
        PortAllocator allocator = new PortAllocator(LOOPBACK, BASE, BASE + 3);
        PortAllocator.PortPair first = allocate(allocator);
        allocate(allocator);
        PortsExhaustedException e = assertThrows(PortsExhaustedException.class, allocator::allocate);
        assertTrue(e.getMessage().contains(BASE + "-" + (BASE + 3)), e.getMessage());
        free(allocator, first);
        assertEquals(BASE, allocate(allocator).rtpPort());
    }

    @Test
    void freedPairsAreReusedLast() throws IOException {
        PortAllocator allocator = new PortAllocator(LOOPBACK, BASE, BASE + 7); // 4 pairs
        PortAllocator.PortPair first = allocate(allocator);
        allocate(allocator);
        free(allocator, first);
        assertEquals(BASE + 4, allocate(allocator).rtpPort());
        assertEquals(BASE + 6, allocate(allocator).rtpPort());
        assertEquals(BASE, allocate(allocator).rtpPort(), "the freed pair comes after the never-used ones");
    }

    @Test
    void skipsPortsSomeoneElseHolds() throws IOException {
        DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(LOOPBACK, BASE + 3));
        PortAllocator allocator = new PortAllocator(LOOPBACK, BASE, BASE + 5);
        try {
            assertEquals(BASE, allocate(allocator).rtpPort());
            assertEquals(BASE + 4, allocate(allocator).rtpPort(), "pair 2/3 has its RTCP port taken");
            assertThrows(PortsExhaustedException.class, allocator::allocate);
            assertEquals(2, allocator.pairsInUse());
        } finally {
            squatter.close();
        }
        assertEquals(BASE + 2, allocate(allocator).rtpPort(), "retried once it is free");
    }

    @Test
    void releaseCountsOnce() throws IOException {
        PortAllocator allocator = new PortAllocator(LOOPBACK, BASE, BASE + 3);
        PortAllocator.PortPair pair = allocate(allocator);
        free(allocator, pair);
        assertFalse(allocator.release(pair.rtpPort()));
        assertFalse(allocator.release(BASE + 2), "never handed out");
        assertFalse(allocator.release(BASE + 100), "outside the range");
        assertEquals(0, allocator.pairsInUse());
    }

    @Test
    void thousandCyclesLeakNothing() throws IOException {
        PortAllocator allocator = new PortAllocator(LOOPBACK, BASE, BASE + 9);
        for (int i = 0; i < 1000; i++) {
            PortAllocator.PortPair a = allocate(allocator);
            PortAllocator.PortPair b = allocate(allocator);
            free(allocator, b);
            free(allocator, a);
        }
        assertEquals(0, allocator.pairsInUse());
        for (int i = 0; i < 5; i++) {
            allocate(allocator);
        }
        assertEquals(5, allocator.pairsInUse(), "every pair is still usable");
    }

    @Test
    void rejectsBadRanges() {
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(LOOPBACK, BASE + 1, BASE + 9));
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(LOOPBACK, BASE, BASE));
    }
}
