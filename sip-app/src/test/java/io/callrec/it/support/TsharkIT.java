package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

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
    void countsWithADisplayFilter() {
        assertEquals(236, Tshark.count(MediaFiles.SIPP_G711A_PCAP, ""));
        assertEquals(0, Tshark.count(MediaFiles.SIPP_G711A_PCAP, "tcp"));
    }
}
