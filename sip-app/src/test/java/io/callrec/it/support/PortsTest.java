package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void udpTcpPortCanBeBoundForBothAndIsBelowTheEphemeralRange() throws IOException {
        int port = Ports.freeUdpTcpPort();
        assertTrue(Ports.candidateRange().contains(port), port + " in " + Ports.candidateRange());
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port));
             ServerSocket tcp = new ServerSocket(port, 1, LOOPBACK)) {
            assertEquals(port, udp.getLocalPort());
            assertEquals(port, tcp.getLocalPort());
        }
    }

    @Test
    void neverHandsOutTheSamePortTwice() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            assertTrue(seen.add(Ports.freeUdpTcpPort()), "repeated port after " + seen);
        }
    }

    @Test
    void evenRangeStartsEvenHasEvenSizeAndIsFree() throws IOException {
        PortRange range = Ports.freeEvenUdpRange(5);
        assertEquals(0, range.low() % 2, range.toString());
        assertEquals(6, range.size());
        for (int p = range.low(); p <= range.high(); p++) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, p))) {
                assertEquals(p, s.getLocalPort());
            }
        }
        PortRange other = Ports.freeEvenUdpRange(6);
        assertTrue(other.high() < range.low() || other.low() > range.high(), range + " overlaps " + other);
    }

    @Test
    void aBoundPortIsNotFree() throws IOException {
        try (DatagramSocket held = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            assertFalse(Ports.isFree(held.getLocalPort(), false));
        }
        try (ServerSocket held = new ServerSocket(0, 1, LOOPBACK)) {
            assertFalse(Ports.isFree(held.getLocalPort(), true));
        }
    }

    @Test
    void candidatesAvoidTheEphemeralRange() {
        assertEquals(new PortRange(10_000, 32767), Ports.candidateRange(32768, 60999));
        assertEquals(new PortRange(20_000, 65535), Ports.candidateRange(1024, 19999));
        assertEquals(new PortRange(10_000, 65535), Ports.candidateRange(1024, 65000));
        assertEquals(new PortRange(61_000, 65535), Ports.candidateRange(10500, 60999));
    }
}
