package io.callrec.it.support;

import io.callrec.testing.ExternalCommand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class MediaFilesIT {

    /** Classic pcap, microsecond timestamps, as written by the host (little-endian here). */
    private static final int PCAP_MAGIC = 0xA1B2C3D4;

    @Test
    void g711aIsAClassicPcapOfPacedPcmaThatSippReplays(TestInfo test) throws IOException {
        Path dir = ItDirs.logDir(test);
        Path pcap = MediaFiles.g711a(dir.resolve("sine-1k-g711a.pcap"), Duration.ofSeconds(2));

        assertEquals(PCAP_MAGIC, magic(pcap), "classic pcap, not pcapng");
        long packets = Tshark.count(pcap, "");
        // 2 s of 20 ms packets
        assertTrue(packets >= 98 && packets <= 102, "packets " + packets);
        assertEquals(packets, Tshark.count(pcap, "udp.length == " + (8 + 12 + 160)), "every packet carries 160 samples");
        List<RtpStream> streams = Tshark.rtpStreams(pcap);
        assertEquals(1, streams.size(), Tshark.rtpStreamsReport(pcap));
        assertEquals("g711A", streams.get(0).payload());
        assertEquals(0, streams.get(0).lost());
        double seconds = Double.parseDouble(ExternalCommand.run(Duration.ofSeconds(30), "capinfos", "-u", "-M", "-T", "-r",
                pcap.toString()).requireSuccess().stdout().trim().split("\t")[1]);
        assertTrue(seconds > 1.8 && seconds < 3, "paced in real time: " + seconds + " s");

        PortRange uacMedia = Ports.freeEvenUdpRange(4);
        PortRange uasMedia = Ports.freeEvenUdpRange(4);
        try (Capture capture = Capture.onLoopback(dir.resolve("call.pcap"), Capture.udpPortRanges(uacMedia, uasMedia));
             Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).mediaPort(uasMedia.low()).rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_pcap.xml").logDir(dir).mediaPort(uacMedia.low()).remote(uas.localPort())
                     .pcapAudio(pcap).pauseMillis(2500).run()) {
            assertEquals(0, uac.exitCode(), uac::report);
            assertEquals(0, uas.exitCode(), uas::report);
            List<UdpFlow> flows = capture.flows();
            long sent = UdpFlow.packetsBetween(flows, uacMedia, uasMedia);
            // Normally every packet of the file; SIPp 3.6.1's replay was once seen to stall on a loaded machine.
            assertTrue(sent >= 20 && sent <= packets, "SIPp replayed the file: " + flows);
            assertEquals(sent, UdpFlow.packetsBetween(flows, uasMedia, uacMedia), "and got it echoed: " + flows);
        }
    }

    private static int magic(Path pcap) throws IOException {
        try (InputStream in = Files.newInputStream(pcap)) {
            return ByteBuffer.wrap(in.readNBytes(4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
        }
    }
}
