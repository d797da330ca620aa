package io.callrec.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.testing.ExternalCommand;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtcpPacketsTest {
    private static final byte[] CNAME = "rec@callrec".getBytes(StandardCharsets.UTF_8);

    private static List<String> walk(byte[] packet) {
        RecordingRtcpVisitor visitor = new RecordingRtcpVisitor();
        int count = RtcpPackets.walk(ByteBuffer.wrap(packet), visitor);
        assertTrue(count > 0, "malformed: " + HexFormat.of().formatHex(packet));
        return visitor.calls;
    }

    private static byte[] written(ByteBuffer out) {
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    @Test
    void pliHasRfc4585Layout() {
        ByteBuffer out = ByteBuffer.allocate(64);
        assertEquals(12, RtcpPackets.writePli(out, 0x11223344, 0x55667788));
        byte[] pli = written(out);
        assertEquals("81ce0002" + "11223344" + "55667788", HexFormat.of().formatHex(pli));
        assertEquals(List.of("FB 206/1 11223344->55667788"), walk(pli));
    }

    @Test
    void firCarriesTargetAndSequenceNumberInFci() {
        ByteBuffer out = ByteBuffer.allocate(64);
        assertEquals(20, RtcpPackets.writeFir(out, 0x11223344, 0x55667788, 0x1ff));
        byte[] fir = written(out);
        assertEquals("84ce0004" + "11223344" + "00000000" + "55667788" + "ff000000", HexFormat.of().formatHex(fir));
        assertEquals(List.of("FB 206/4 11223344->55667788"), walk(fir));
    }

    @Test
    void senderReportIsACompoundWithCname() {
        ByteBuffer out = ByteBuffer.allocate(128);
        long ntp = 0xe9a1_b2c3_8000_0000L;
        int length = RtcpPackets.writeSenderReport(out, 0xcafebabe, ntp, 0xfffffff0L, 4_000_000_000L, 123, CNAME);
        assertEquals(out.position(), length);
        assertEquals(0, length % 4);
        assertEquals(List.of(
                "SR cafebabe ntp=e9a1b2c380000000 rtp=4294967280 packets=4000000000 octets=123",
                "CNAME cafebabe rec@callrec"), walk(written(out)));
    }

    @Test
    void cnameOfEveryLengthIsNullTerminatedAndAligned() {
        for (int n = 1; n <= 255; n++) {
            byte[] cname = new byte[n];
            java.util.Arrays.fill(cname, (byte) 'x');
            ByteBuffer out = ByteBuffer.allocate(400);
            int length = RtcpPackets.writeReceiverReport(out, 1, cname);
            byte[] packet = written(out);
            assertEquals(0, length % 4, "n=" + n);
            assertEquals(0, packet[packet.length - 1], "n=" + n);
            assertEquals(List.of("RR 00000001", "CNAME 00000001 " + "x".repeat(n)), walk(packet));
        }
        assertThrows(IllegalArgumentException.class, () -> RtcpPackets.writeReceiverReport(
                ByteBuffer.allocate(400), 1, new byte[256]));
        assertThrows(IllegalArgumentException.class, () -> RtcpPackets.writeReceiverReport(
                ByteBuffer.allocate(400), 1, new byte[0]));
    }

    @Test
    void compoundOfReportPliAndByeVisitsInOrder() {
        ByteBuffer out = ByteBuffer.allocate(128);
        RtcpPackets.writeReceiverReport(out, 7, CNAME);
        RtcpPackets.writePli(out, 7, 9);
        RtcpPackets.writeBye(out, 7);
        byte[] packet = written(out);
        assertEquals(4, RtcpPackets.walk(ByteBuffer.wrap(packet), null));
        assertEquals(List.of("RR 00000007", "CNAME 00000007 rec@callrec", "FB 206/1 00000007->00000009",
                "BYE 00000007"), walk(packet));
    }

    @Test
    void writingThatDoesNotFitWritesNothing() {
        ByteBuffer out = ByteBuffer.allocate(30);
        out.position(3);
        assertThrows(BufferOverflowException.class, () -> RtcpPackets.writeSenderReport(out, 1, 2, 3, 4, 5, CNAME));
        assertThrows(BufferOverflowException.class, () -> RtcpPackets.writeFir(ByteBuffer.allocate(19), 1, 2, 3));
        assertEquals(3, out.position());
        assertEquals(0, out.get(3));
    }

    @Test
    void receiverReportBlocksAreDecoded() {
        ByteBuffer p = ByteBuffer.allocate(8 + 2 * 24);
        p.put((byte) 0x82).put((byte) 201).putShort((short) 13).putInt(0x0a0a0a0a);
        p.putInt(0x1b1b1b1b).putInt((25 << 24) | 0x00_01_00).putInt(70_000).putInt(42).putInt(0x12345678).putInt(65536);
        p.putInt(0x2c2c2c2c).putInt(0x00_ff_ff_fe).putInt(5).putInt(0).putInt(0).putInt(0);
        assertEquals(List.of(
                "RR 0a0a0a0a",
                "RB 0a0a0a0a->1b1b1b1b fraction=25 lost=256 highest=70000 jitter=42 lsr=12345678 dlsr=65536",
                "RB 0a0a0a0a->2c2c2c2c fraction=0 lost=-2 highest=5 jitter=0 lsr=0 dlsr=0"), walk(p.array()));
    }

    @Test
    void sdesWithSeveralChunksAndItemsFindsEachCname() {
        // chunk 1: NAME "ab", CNAME "c", end; chunk 2: CNAME "de", end
        byte[] sdes = HexFormat.of().parseHex("82ca0006" + "00000001" + "02026162" + "01016300"
                + "00000002" + "01026465" + "00000000");
        assertEquals(List.of("CNAME 00000001 c", "CNAME 00000002 de"), walk(sdes));
    }

    @Test
    void byeWithReasonAndAppAreAccepted() {
        byte[] bye = HexFormat.of().parseHex("82cb0004" + "00000001" + "00000002" + "03626f6f" + "00000000");
        assertEquals(List.of("BYE 00000001", "BYE 00000002"), walk(bye));
        byte[] app = HexFormat.of().parseHex("80cc0002" + "00000001" + "74657374");
        assertEquals(List.of("OTHER 204 12"), walk(app));
    }

    @Test
    void nackIsTransportFeedback() {
        byte[] nack = HexFormat.of().parseHex("81cd0003" + "00000001" + "00000002" + "00640003");
        assertEquals(List.of("FB 205/1 00000001->00000002"), walk(nack));
    }

    @Test
    void paddingOnlyOnTheLastPacket() {
        byte[] padded = HexFormat.of().parseHex("80c90001" + "00000001" + "a1cd0003" + "00000001" + "00000002"
                + "00000004");
        assertEquals(List.of("RR 00000001", "FB 205/1 00000001->00000002"), walk(padded));
        byte[] paddedFirst = HexFormat.of().parseHex("a0c90002" + "00000001" + "00000004" + "80c90001"
                + "00000001");
        assertEquals(RtcpPackets.MALFORMED, RtcpPackets.walk(ByteBuffer.wrap(paddedFirst), null));
        byte[] zeroPadding = HexFormat.of().parseHex("a0c90002" + "00000001" + "00000000");
        assertEquals(RtcpPackets.MALFORMED, RtcpPackets.walk(ByteBuffer.wrap(zeroPadding), null));
    }

    @Test
    void readsFromPositionToLimitWithoutMovingThem() {
        ByteBuffer out = ByteBuffer.allocate(64);
        out.position(5);
        RtcpPackets.writePli(out, 1, 2);
        ByteBuffer view = out.duplicate().limit(out.position()).position(5);
        RecordingRtcpVisitor visitor = new RecordingRtcpVisitor();
        assertEquals(1, RtcpPackets.walk(view, visitor));
        assertEquals(5, view.position());
        assertEquals(17, view.limit());
        assertEquals(List.of("FB 206/1 00000001->00000002"), visitor.calls);
    }

    @Test
    void everyTruncationIsMalformedUnlessItEndsOnAPacketBoundary() {
        ByteBuffer out = ByteBuffer.allocate(256);
        RtcpPackets.writeSenderReport(out, 1, 2, 3, 4, 5, CNAME);
        int firstEnd = 28;
        int secondEnd = out.position();
        RtcpPackets.writeFir(out, 1, 2, 3);
        byte[] packet = written(out);
        for (int n = 0; n < packet.length; n++) {
            RecordingRtcpVisitor visitor = new RecordingRtcpVisitor();
            int count = RtcpPackets.walk(ByteBuffer.wrap(packet, 0, n), visitor);
            int expected = n == firstEnd ? 1 : n == secondEnd ? 2 : RtcpPackets.MALFORMED;
            assertEquals(expected, count, "prefix of " + n + " bytes");
            if (count == RtcpPackets.MALFORMED) {
                assertEquals(List.of(), visitor.calls, "a malformed compound must not be visited");
            }
        }
    }

    @Test
    void wrongVersionAndLengthOverrunAreMalformed() {
        assertEquals(RtcpPackets.MALFORMED, RtcpPackets.walk(ByteBuffer.wrap(
                HexFormat.of().parseHex("40c90001" + "00000001")), null));
        assertEquals(RtcpPackets.MALFORMED, RtcpPackets.walk(ByteBuffer.wrap(
                HexFormat.of().parseHex("80c90002" + "00000001")), null));
        assertEquals(RtcpPackets.MALFORMED, RtcpPackets.walk(ByteBuffer.wrap(
                HexFormat.of().parseHex("81c90001" + "00000001")), null), "RR claiming a report block it lacks");
        assertEquals(RtcpPackets.MALFORMED, RtcpPackets.walk(ByteBuffer.allocate(0), null));
    }

    @Test
    void garbageNeverThrows() {
        Random random = new Random(42);
        ByteBuffer out = ByteBuffer.allocate(256);
        RtcpPackets.writeSenderReport(out, 1, 2, 3, 4, 5, CNAME);
        RtcpPackets.writeFir(out, 1, 2, 3);
        RtcpPackets.writeBye(out, 1);
        byte[] valid = written(out);
        RecordingRtcpVisitor visitor = new RecordingRtcpVisitor();
        int validAfterMutation = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] packet;
            if (i % 2 == 0) {
                packet = new byte[random.nextInt(80)];
                random.nextBytes(packet);
                if (packet.length > 0) {
                    packet[0] = (byte) (0x80 | (packet[0] & 0x3f));
                }
            } else {
                packet = valid.clone();
                for (int k = random.nextInt(4); k >= 0; k--) {
                    packet[random.nextInt(packet.length)] = (byte) random.nextInt();
                }
            }
            visitor.calls.clear();
            if (RtcpPackets.walk(ByteBuffer.wrap(packet), visitor) != RtcpPackets.MALFORMED) {
                validAfterMutation++;
            }
        }
        assertTrue(validAfterMutation > 0, "some mutations keep the structure (sanity of the generator)");
    }

    @Test
    void parsesFfmpegSenderReports() throws IOException {
        try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket rtcp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            long before = System.currentTimeMillis() * 1000;
            // The datagrams wait in the sockets' receive buffers while ffmpeg runs (~1 s of 8 kHz A-law).
            ExternalCommand.run(Duration.ofSeconds(20), "ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
                    "-f", "lavfi", "-i", "sine=f=1000:r=8000:samples_per_frame=160", "-t", "1",
                    "-c:a", "pcm_alaw", "-ssrc", "305419896", "-f", "rtp",
                    "rtp://127.0.0.1:" + rtp.getLocalPort() + "?rtcpport=" + rtcp.getLocalPort()).requireSuccess();
            long after = System.currentTimeMillis() * 1000;
            List<byte[]> media = drain(rtp);
            List<byte[]> reports = drain(rtcp);
            assertTrue(media.size() >= 40, media.size() + " RTP packets");
            assertTrue(!reports.isEmpty(), "no RTCP from ffmpeg");
            long firstTs = RtpHeader.timestamp(ByteBuffer.wrap(media.get(0)));
            long lastTs = RtpHeader.timestamp(ByteBuffer.wrap(media.get(media.size() - 1)));
            for (byte[] report : reports) {
                long[] sr = new long[3];
                int[] ssrc = new int[1];
                RtcpVisitor visitor = new RtcpVisitor() {
                    @Override
                    public void senderReport(int s, long ntp64, long rtpTimestamp, long packets, long octets) {
                        ssrc[0] = s;
                        sr[0] = ntp64;
                        sr[1] = rtpTimestamp;
                        sr[2]++;
                    }
                };
                assertTrue(RtcpPackets.walk(ByteBuffer.wrap(report), visitor) > 0, HexFormat.of().formatHex(report));
                assertEquals(1, sr[2], "one SR per ffmpeg RTCP packet");
                assertEquals(0x12345678, ssrc[0]);
                long ntpMicros = NtpTime.toUnixMicros(sr[0]);
                assertTrue(ntpMicros > before - 2_000_000 && ntpMicros < after + 2_000_000,
                        "SR time " + ntpMicros + " not within 2 s of [" + before + ", " + after + "]");
                assertTrue(SeqNum.timestampDistance(firstTs, sr[1]) >= 0
                        && SeqNum.timestampDistance(sr[1], lastTs) >= 0,
                        "SR RTP time " + sr[1] + " outside the stream's " + firstTs + ".." + lastTs);
            }
        }
    }

    private static List<byte[]> drain(DatagramSocket socket) throws IOException {
        List<byte[]> datagrams = new ArrayList<>();
        socket.setSoTimeout(200);
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        try {
            while (true) {
                socket.receive(packet);
                datagrams.add(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
            }
        } catch (SocketTimeoutException e) {
            return datagrams;
        }
    }

    @Test
    void tsharkDecodesWhatWeWrite() throws IOException {
        List<byte[]> datagrams = new ArrayList<>();
        ByteBuffer out = ByteBuffer.allocate(256);
        RtcpPackets.writeSenderReport(out, 0x0a0b0c0d, 0xe9a1b2c380000000L, 123456, 50, 8000, CNAME);
        datagrams.add(written(out));
        out = ByteBuffer.allocate(256);
        RtcpPackets.writeReceiverReport(out, 0x01020304, CNAME);
        RtcpPackets.writePli(out, 0x01020304, 0x0a0b0c0d);
        datagrams.add(written(out));
        out = ByteBuffer.allocate(256);
        RtcpPackets.writeReceiverReport(out, 0x01020304, CNAME);
        RtcpPackets.writeFir(out, 0x01020304, 0x0a0b0c0d, 7);
        datagrams.add(written(out));
        Path dir = Files.createDirectories(Path.of("target", "rtcp-tshark"));
        Path pcap = dir.resolve("built.pcap");
        Files.write(pcap, udpPcap(datagrams, 5005));
        String fields = ExternalCommand.run(Duration.ofSeconds(30), "tshark", "-r", pcap.toString(),
                "-d", "udp.port==5005,rtcp", "-T", "fields", "-E", "separator=;", "-e", "rtcp.pt",
                "-e", "rtcp.senderssrc", "-e", "rtcp.mediassrc", "-e", "rtcp.psfb.fmt",
                "-e", "rtcp.psfb.fir.fci.ssrc", "-e", "rtcp.psfb.fir.fci.csn", "-e", "rtcp.timestamp.rtp",
                "-e", "rtcp.sdes.text", "-e", "rtcp.length_check", "-e", "_ws.malformed").requireSuccess().stdout();
        List<String> lines = fields.lines().toList();
        assertEquals(3, lines.size(), fields);
        assertEquals("200,202;0x0a0b0c0d;;;;;123456;rec@callrec;1;", lines.get(0));
        assertEquals("201,202,206;0x01020304,0x01020304;0x0a0b0c0d;1;;;;rec@callrec;1;", lines.get(1));
        assertEquals("201,202,206;0x01020304,0x01020304;0x00000000;4;0x0a0b0c0d;7;;rec@callrec;1;", lines.get(2));
    }

    /** A classic pcap (LINKTYPE_RAW) holding each datagram as IPv4/UDP from 127.0.0.1:5004 to 127.0.0.1:port. */
    private static byte[] udpPcap(List<byte[]> datagrams, int port) {
        ByteBuffer pcap = ByteBuffer.allocate(24 + datagrams.stream().mapToInt(d -> 16 + 28 + d.length).sum())
                .order(ByteOrder.LITTLE_ENDIAN);
        pcap.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(101);
        int second = 1_700_000_000;
        for (byte[] d : datagrams) {
            int length = 28 + d.length;
            pcap.order(ByteOrder.LITTLE_ENDIAN).putInt(second++).putInt(0).putInt(length).putInt(length);
            pcap.order(ByteOrder.BIG_ENDIAN)
                    .put((byte) 0x45).put((byte) 0).putShort((short) length).putInt(0)
                    .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(0x7f000001).putInt(0x7f000001)
                    .putShort((short) 5004).putShort((short) port).putShort((short) (8 + d.length)).putShort((short) 0)
                    .put(d);
        }
        return pcap.array();
    }
}
