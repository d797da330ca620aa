package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Sends known datagrams over loopback and checks that the capture counts exactly those. (On
 * loopback a UDP send hands the packet to the capture before it returns; the receiving sockets
 * exist only so that no ICMP errors are sent back, and may drop what they cannot buffer.)
 */
class CaptureIT {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void countsUdpPerDirectionAndFindsRtpLoss(TestInfo test) throws IOException {
        Path dir = ItDirs.logDir(test);
        PortRange a = Ports.freeEvenUdpRange(2);
        PortRange b = Ports.freeEvenUdpRange(2);
        PortRange outside = Ports.freeEvenUdpRange(2);
        List<UdpFlow> flows;
        List<RtpStream> streams;
        try (DatagramSocket sa = bind(a.low());
             DatagramSocket sb = bind(b.low());
             DatagramSocket rtpFrom = bind(a.high());
             DatagramSocket rtpTo = bind(b.high());
             DatagramSocket notCaptured = bind(outside.low());
             Capture capture = Capture.onLoopback(dir.resolve("udp.pcap"), Capture.udpPortRanges(a, b))) {
            byte[] junk = new byte[20]; // version bits 0: never taken for RTP
            // A burst far larger than a default-sized capture ring holds.
            for (int i = 0; i < 400; i++) {
                sa.send(new DatagramPacket(junk, junk.length, sb.getLocalSocketAddress()));
            }
            for (int i = 0; i < 5; i++) {
                sb.send(new DatagramPacket(junk, junk.length, sa.getLocalSocketAddress()));
            }
            for (int i = 0; i < 7; i++) {
                notCaptured.send(new DatagramPacket(junk, junk.length, notCaptured.getLocalSocketAddress()));
            }
            // 40 PCMA packets with sequence numbers 1000..1040, 1020 missing
            for (int seq = 1000; seq <= 1040; seq++) {
                if (seq != 1020) {
                    byte[] rtp = rtpPacket(seq, 0x1234ABCDL);
                    rtpFrom.send(new DatagramPacket(rtp, rtp.length, rtpTo.getLocalSocketAddress()));
                }
            }
            capture.stop();
            assertEquals(0, capture.droppedByKernel());
            assertTrue(Files.size(capture.file()) > 0);
            flows = capture.flows();
            streams = capture.rtpStreams();
        }
        assertEquals(List.of(
                new UdpFlow("127.0.0.1", a.low(), "127.0.0.1", b.low(), 400),
                new UdpFlow("127.0.0.1", a.high(), "127.0.0.1", b.high(), 40),
                new UdpFlow("127.0.0.1", b.low(), "127.0.0.1", a.low(), 5)), flows);
        assertEquals(440, UdpFlow.packetsBetween(flows, a, b));
        assertEquals(List.of(new RtpStream("127.0.0.1", a.high(), "127.0.0.1", b.high(), 0x1234ABCDL, "g711A", 40, 1)),
                streams);
    }

    @Test
    void aBadFilterFailsAtStart(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Capture.onLoopback(dir.resolve("x.pcap"), "udp and portrange nonsense"));
        assertTrue(e.getMessage().contains("tcpdump"), e.getMessage());
    }

    private static DatagramSocket bind(int port) throws IOException {
        return new DatagramSocket(new InetSocketAddress(LOOPBACK, port));
    }

    /** RTP version 2, payload type 8 (PCMA), 160 payload bytes, timestamp advancing 160 per packet. */
    private static byte[] rtpPacket(int seq, long ssrc) {
        ByteBuffer b = ByteBuffer.allocate(12 + 160);
        b.put((byte) 0x80).put((byte) 8).putShort((short) seq).putInt(seq * 160).putInt((int) ssrc);
        while (b.hasRemaining()) {
            b.put((byte) 0xD5); // PCMA silence
        }
        return b.array();
    }
}
