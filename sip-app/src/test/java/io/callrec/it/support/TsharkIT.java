package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the pcap Debian's sip-tester ships, whose content is fixed. */
class TsharkIT {

    @Test
    void countsTheFlowOfSippsG711aPcap() {
        List<UdpFlow> flows = Tshark.udpFlows(MediaFiles.SIPP_G711A_PCAP);
        assertEquals(1, flows.size(), flows.toString());
        UdpFlow flow = flows.get(0);
        assertEquals(236, flow.packets());
        assertEquals(5000, flow.srcPort());
        assertEquals(2006, flow.dstPort());
    }

    @Test
    void findsItsRtpStreamWithoutSignalling() {
        List<RtpStream> streams = Tshark.rtpStreams(MediaFiles.SIPP_G711A_PCAP);
        assertEquals(1, streams.size(), Tshark.rtpStreamsReport(MediaFiles.SIPP_G711A_PCAP));
        RtpStream s = streams.get(0);
        assertEquals("g711A", s.payload());
        assertEquals(236, s.packets());
        assertEquals(0, s.lost());
    }

    @Test
    void findsAnRtpStreamOnAPortTsharkGivesToAnotherProtocol(@TempDir Path dir) throws IOException {
        // 27960 is in the range the tests draw media ports from, and in tshark's port table (Quake 3).
        Path pcap = dir.resolve("quake-port.pcap");
        Files.write(pcap, withUdpDestinationPort(Files.readAllBytes(MediaFiles.SIPP_G711A_PCAP), 27960));
        assertEquals(27960, Tshark.udpFlows(pcap).get(0).dstPort());
        List<RtpStream> streams = Tshark.rtpStreams(pcap);
        assertEquals(1, streams.size(), Tshark.rtpStreamsReport(pcap));
        assertEquals(236, streams.get(0).packets());
    }

    /** The classic-pcap file (Ethernet, IPv4, UDP) with every packet's UDP destination port changed. */
    private static byte[] withUdpDestinationPort(byte[] pcap, int port) {
        ByteBuffer b = ByteBuffer.wrap(pcap.clone()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, b.getInt(0), "little-endian classic pcap");
        assertEquals(1, b.getInt(20), "Ethernet link type");
        for (int record = 24; record < pcap.length; record += 16 + b.getInt(record + 8)) {
            int ip = record + 16 + 14;
            int udp = ip + (b.get(ip) & 0x0f) * 4;
            b.order(ByteOrder.BIG_ENDIAN).putShort(udp + 2, (short) port).putShort(udp + 6, (short) 0);
            b.order(ByteOrder.LITTLE_ENDIAN);
        }
        return b.array();
    }

    @Test
    void countsWithADisplayFilter() {
        assertEquals(236, Tshark.count(MediaFiles.SIPP_G711A_PCAP, ""));
        assertEquals(0, Tshark.count(MediaFiles.SIPP_G711A_PCAP, "tcp"));
    }
}
