package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class LocalSocketsTest {

    private static final String UDP_TABLE = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
             1234: 0100007F:13C4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5519 2 0000000000000000 0
             1240: 00000000:3E80 0100007F:3E82 01 00000000:00000000 00:00000000 00000000     0        0 5520 2 0000000000000000 0
            """;
    private static final String TCP_TABLE = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 100 1
               1: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 101 1
            """;

    @Test
    void findsBoundUdpPortsInAnyState() {
        assertTrue(LocalSockets.tableHas(UDP_TABLE, 5060, null));
        assertTrue(LocalSockets.tableHas(UDP_TABLE, 16000, null));
        assertFalse(LocalSockets.tableHas(UDP_TABLE, 16002, null), "a remote port is not a local one");
    }

    @Test
    void tcpCountsOnlyListeners() {
        assertTrue(LocalSockets.tableHas(TCP_TABLE, 8080, "0A"));
        assertFalse(LocalSockets.tableHas(TCP_TABLE, 50000, "0A"), "an outgoing connection is not listening");
        assertTrue(LocalSockets.tableHas(TCP_TABLE, 50000, null));
    }

    @Test
    void seesSocketsOfThisProcessComeAndGo() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int udpPort;
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            udpPort = udp.getLocalPort();
            assertTrue(LocalSockets.udpBound(udpPort));
        }
        assertFalse(LocalSockets.udpBound(udpPort));
        int tcpPort;
        try (ServerSocket tcp = new ServerSocket(0, 1, loopback)) {
            tcpPort = tcp.getLocalPort();
            assertTrue(LocalSockets.tcpListening(tcpPort));
        }
        assertFalse(LocalSockets.tcpListening(tcpPort));
    }
}
