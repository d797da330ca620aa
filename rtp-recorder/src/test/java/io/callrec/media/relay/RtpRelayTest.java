package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** End to end on 127.0.0.1 with real UDP sockets: forwarding, RTCP, rtcp-mux, garbage, life cycle. */
class RtpRelayTest {
    private static final int BASE = 24000;
    private static final SessionListener IGNORE = (session, idle) -> { };

    private RtpRelay relay;
    private TestParty a;
    private TestParty b;
    private RelaySession session;
    private RelayStream stream;

    @BeforeEach
    void start() throws IOException {
        RelayConfig config = new RelayConfig(InetAddress.getByName("127.0.0.1"), BASE, BASE + 199, 2,
                Duration.ofSeconds(3), Duration.ofSeconds(60));
        relay = RtpRelay.start(config);
        a = new TestParty();
        b = new TestParty();
        session = relay.openSession("call-1", IGNORE);
        stream = session.stream(0, "audio");
    }

    @AfterEach
    void stop() {
        relay.close();
        a.close();
        b.close();
    }

    private void declareBoth() {
        stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        stream.setRemote(Side.B, b.rtpAddress(), b.rtcpAddress(), false);
    }

    @Test
    void forwardsRtpBothWaysUnchanged() throws IOException {
        declareBoth();
        for (int i = 0; i < 20; i++) {
            byte[] packet = RtpPackets.rtp(1000 + i, 160 * i, 0xa, 160);
            TestParty.send(a.rtp, packet, stream.localRtp(Side.A));
            TestParty.Datagram got = TestParty.receiveFrom(b.rtp);
            assertArrayEquals(packet, got.data());
            assertEquals(stream.localRtp(Side.B), got.source(), "leaves from the socket facing B");
        }
        for (int i = 0; i < 20; i++) {
            byte[] packet = RtpPackets.rtp(7 + i, 960 * i, 0xb, 100 + i);
            TestParty.send(b.rtp, packet, stream.localRtp(Side.B));
            TestParty.Datagram got = TestParty.receiveFrom(a.rtp);
            assertArrayEquals(packet, got.data());
            assertEquals(stream.localRtp(Side.A), got.source());
        }
        Await.until("counters", 2000, () -> stream.counters(Side.A).rtpPackets() == 20
                && stream.counters(Side.B).rtpPackets() == 20);
        assertEquals(20 * 172, stream.counters(Side.A).rtpBytes());
        assertEquals(0, stream.counters(Side.A).lost());
        // The relay counts a packet as forwarded after send() returned, which may be after the receiver got it.
        Await.until("totals", 2000, () -> relay.totals().packets() == 40);
        RelayTotals totals = relay.totals();
        assertEquals(20 * 172 + 20 * 112 + 190, totals.bytes());
        assertEquals(0, totals.dropped());
    }

    @Test
    void forwardsRtcpBetweenRtcpPorts() throws IOException {
        declareBoth();
        byte[] senderReport = RtpPackets.rtcpSenderReport(0xa, 0x0102030405060708L, 1234);
        TestParty.send(a.rtcp, senderReport, stream.localRtcp(Side.A));
        TestParty.Datagram atB = TestParty.receiveFrom(b.rtcp);
        assertArrayEquals(senderReport, atB.data());
        assertEquals(stream.localRtcp(Side.B), atB.source());

        byte[] receiverReport = RtpPackets.rtcpReceiverReport(0xb);
        TestParty.send(b.rtcp, receiverReport, stream.localRtcp(Side.B));
        TestParty.Datagram atA = TestParty.receiveFrom(a.rtcp);
        assertArrayEquals(receiverReport, atA.data());
        assertEquals(stream.localRtcp(Side.A), atA.source());
        Await.until("RTCP counted", 2000, () -> stream.counters(Side.A).rtcpPackets() == 1
                && stream.counters(Side.B).rtcpPackets() == 1);
        assertEquals(0, stream.counters(Side.A).rtpPackets());
    }

    @Test
    void rtcpCrossesBetweenMuxedAndNonMuxedSides() throws IOException {
        stream.setRemote(Side.A, a.rtpAddress(), null, true);
        stream.setRemote(Side.B, b.rtpAddress(), b.rtcpAddress(), false);

        byte[] fromA = RtpPackets.rtcpReceiverReport(0xa);
        TestParty.send(a.rtp, fromA, stream.localRtp(Side.A));
        TestParty.Datagram atB = TestParty.receiveFrom(b.rtcp);
        assertArrayEquals(fromA, atB.data());
        assertEquals(stream.localRtcp(Side.B), atB.source(), "muxed RTCP leaves B's RTCP socket");

        byte[] fromB = RtpPackets.rtcpSenderReport(0xb, 42, 42);
        TestParty.send(b.rtcp, fromB, stream.localRtcp(Side.B));
        TestParty.Datagram atA = TestParty.receiveFrom(a.rtp);
        assertArrayEquals(fromB, atA.data());
        assertEquals(stream.localRtp(Side.A), atA.source(), "RTCP to a muxing party leaves its RTP socket");

        byte[] rtp = RtpPackets.rtp(1, 1, 0xa, 40);
        TestParty.send(a.rtp, rtp, stream.localRtp(Side.A));
        assertArrayEquals(rtp, TestParty.receive(b.rtp), "RTP still goes RTP to RTP");
        Await.until("counted", 2000, () -> stream.counters(Side.A).rtcpPackets() == 1
                && stream.counters(Side.A).rtpPackets() == 1 && stream.counters(Side.B).rtcpPackets() == 1);
    }

    @Test
    void bothSidesMuxed() throws IOException {
        stream.setRemote(Side.A, a.rtpAddress(), null, true);
        stream.setRemote(Side.B, b.rtpAddress(), null, true);
        byte[] report = RtpPackets.rtcpReceiverReport(0xa);
        TestParty.send(a.rtp, report, stream.localRtp(Side.A));
        TestParty.Datagram atB = TestParty.receiveFrom(b.rtp);
        assertArrayEquals(report, atB.data());
        assertEquals(stream.localRtp(Side.B), atB.source());
    }

    @Test
    void garbageIsCountedAsMalformedAndForwardingGoesOn() throws IOException {
        declareBoth();
        byte[] random = new byte[200];
        new Random(1).nextBytes(random);
        random[0] &= 0x0f; // version 0, below DTLS's 20..63 (RFC 7983): neither RTP nor DTLS by chance
        byte[] versionOne = RtpPackets.rtp(1, 1, 1, 20);
        versionOne[0] = 0x40;
        byte[] versionZero = RtpPackets.rtp(1, 1, 1, 20);
        versionZero[0] = 0x00;
        byte[] huge = new byte[65000];
        new Random(2).nextBytes(huge);
        huge[0] = 0x10;
        byte[][] garbage = {random, {(byte) 0x80, 0, 1}, versionOne, versionZero, huge, new byte[0]};
        for (byte[] g : garbage) {
            TestParty.send(a.rtp, g, stream.localRtp(Side.A));
        }
        TestParty.send(a.rtcp, new byte[] {(byte) 0x80, (byte) 201, 0, 1}, stream.localRtcp(Side.A));

        byte[] valid = RtpPackets.rtp(5, 800, 0xa, 160);
        TestParty.send(a.rtp, valid, stream.localRtp(Side.A));
        assertArrayEquals(valid, TestParty.receive(b.rtp), "the first thing B gets is the valid packet");
        Await.until("malformed counted", 2000, () -> stream.counters(Side.A).droppedMalformed() == 6
                && stream.counters(Side.A).droppedOversized() == 1 && relay.totals().packets() == 1);
        assertEquals(6, relay.totals().droppedMalformed());
        assertEquals(1, relay.totals().droppedOversized(), "the 65000-byte one");
        assertEquals(0, relay.totals().errors());
    }

    @Test
    void truncatedRtpHeadersAreDroppedBeforeTheTapAndCounted() throws IOException {
        declareBoth();
        RecordingTaps.Collecting tap = new RecordingTaps.Collecting();
        session.setTap(tap);
        byte[] eleven = java.util.Arrays.copyOf(RtpPackets.rtp(1, 1, 0xa, 0), 11);
        byte[] csrcBeyond = RtpPackets.rtp(2, 2, 0xa, 4);
        csrcBeyond[0] = (byte) 0x8f; // 15 CSRCs: 60 bytes announced, 4 there
        byte[] extensionBeyond = RtpPackets.rtp(3, 3, 0xa, 8);
        extensionBeyond[0] = (byte) 0x90;
        java.nio.ByteBuffer.wrap(extensionBeyond).putShort(14, (short) 0xffff);
        byte[] paddingBeyond = RtpPackets.rtp(4, 4, 0xa, 8);
        paddingBeyond[0] = (byte) 0xa0;
        paddingBeyond[paddingBeyond.length - 1] = (byte) 200;
        for (byte[] bad : new byte[][] {eleven, csrcBeyond, extensionBeyond, paddingBeyond}) {
            TestParty.send(a.rtp, bad, stream.localRtp(Side.A));
        }
        byte[] valid = RtpPackets.rtp(5, 5, 0xa, 8);
        TestParty.send(a.rtp, valid, stream.localRtp(Side.A));
        assertArrayEquals(valid, TestParty.receive(b.rtp), "none of the four was forwarded");
        Await.until("tapped", 2000, () -> tap.seen.size() == 1);
        assertArrayEquals(valid, tap.seen.get(0).data(), "the tap (the recorder) never saw them");
        assertEquals(4, stream.counters(Side.A).droppedMalformed());
        assertEquals(1, stream.counters(Side.A).rtpPackets());
        assertTrue(stream.latchedSource(Side.A).isPresent());
    }

    @Test
    void datagramsAboveTheSizeLimitAreDroppedAndCountedOnRtpAndRtcpPortsAndTheRelayGoesOn() throws IOException {
        declareBoth();
        int limit = PacketForwarder.MAX_PACKET_BYTES;
        byte[] largest = RtpPackets.rtp(1, 1, 0xa, limit - 12);
        TestParty.send(a.rtp, largest, stream.localRtp(Side.A));
        assertArrayEquals(largest, TestParty.receive(b.rtp), "the largest datagram relayed goes through unchanged");
        int[] sizes = {limit + 1, 16_000, 65_507};
        for (int size : sizes) {
            TestParty.send(a.rtp, RtpPackets.rtp(2, 2, 0xa, size - 12), stream.localRtp(Side.A));
            byte[] rtcp = java.util.Arrays.copyOf(RtpPackets.rtcpReceiverReport(0xa), size);
            TestParty.send(a.rtcp, rtcp, stream.localRtcp(Side.A));
            TestParty.send(b.rtcp, rtcp, stream.localRtcp(Side.B));
        }
        byte[] after = RtpPackets.rtp(3, 3, 0xa, 160);
        TestParty.send(a.rtp, after, stream.localRtp(Side.A));
        assertArrayEquals(after, TestParty.receive(b.rtp), "nothing oversized was forwarded, and the relay goes on");
        Await.until("oversized counted", 2000, () -> relay.totals().droppedOversized() == 3 * sizes.length);
        assertEquals(2 * sizes.length, stream.counters(Side.A).droppedOversized());
        assertEquals(sizes.length, stream.counters(Side.B).droppedOversized());
        assertEquals(null, TestParty.receiveFrom(a.rtcp, 200), "nothing reached A's RTCP");
        assertEquals(null, TestParty.receiveFrom(b.rtcp, 10), "nothing reached B's RTCP");
        assertEquals(2, relay.totals().packets());
        assertEquals(0, relay.totals().errors());
    }

    @Test
    void packetsToPortsOfAnEndedCallOrToPortsNeverHandedOutGoNowhere() throws Exception {
        declareBoth();
        byte[] first = RtpPackets.rtp(1, 1, 0xa, 40);
        TestParty.send(a.rtp, first, stream.localRtp(Side.A));
        assertArrayEquals(first, TestParty.receive(b.rtp));
        java.util.List<java.net.InetSocketAddress> ended = java.util.List.of(stream.localRtp(Side.A),
                stream.localRtcp(Side.A), stream.localRtp(Side.B), stream.localRtcp(Side.B));
        session.close();
        RelayTotals before = relay.totals();
        java.util.List<java.net.InetSocketAddress> targets = new java.util.ArrayList<>(ended);
        targets.add(new java.net.InetSocketAddress("127.0.0.1", BASE + 198)); // in the range, never handed out
        for (java.net.InetSocketAddress target : targets) {
            for (int i = 0; i < 5; i++) {
                TestParty.send(a.rtp, RtpPackets.rtp(10 + i, 10 + i, 0xa, 40), target);
                TestParty.send(b.rtp, RtpPackets.rtp(10 + i, 10 + i, 0xb, 40), target);
            }
        }
        for (java.net.InetSocketAddress port : ended) {
            try (java.nio.channels.DatagramChannel probe = java.nio.channels.DatagramChannel.open()) {
                probe.bind(port); // nobody holds the port any more: the kernel had nowhere to deliver
            }
        }
        assertEquals(null, TestParty.receiveFrom(b.rtp, 300), "nothing reached B");
        assertEquals(null, TestParty.receiveFrom(a.rtp, 10), "nothing reached A");
        assertEquals(before, relay.totals(), "the relay saw none of it");

        RelayStream next = relay.openSession("call-2", IGNORE).stream(0, "audio");
        assertTrue(!ended.contains(next.localRtp(Side.A)) && !ended.contains(next.localRtp(Side.B)),
                "released ports go to the back of the queue");
        next.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        next.setRemote(Side.B, b.rtpAddress(), b.rtcpAddress(), false);
        byte[] packet = RtpPackets.rtp(1, 1, 0xa, 40);
        TestParty.send(a.rtp, packet, next.localRtp(Side.A));
        assertArrayEquals(packet, TestParty.receive(b.rtp), "the next call works");
    }

    @Test
    void packetsTowardAPartyWithoutAddressAreDroppedAsNoDestination() throws IOException {
        stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        for (int i = 0; i < 3; i++) {
            TestParty.send(a.rtp, RtpPackets.rtp(i, i, 0xa, 10), stream.localRtp(Side.A));
        }
        Await.until("no destination", 2000, () -> relay.totals().droppedNoDestination() == 3);
        assertEquals(3, stream.counters(Side.A).rtpPackets(), "still received from A");

        stream.setRemote(Side.B, b.rtpAddress(), b.rtcpAddress(), false);
        byte[] packet = RtpPackets.rtp(3, 3, 0xa, 10);
        TestParty.send(a.rtp, packet, stream.localRtp(Side.A));
        assertArrayEquals(packet, TestParty.receive(b.rtp));
    }

    @Test
    void streamsOfOneSessionAreIndependent() throws IOException, PortsExhaustedException {
        RelayStream video = session.stream(1, "video");
        declareBoth();
        TestParty videoA = new TestParty();
        TestParty videoB = new TestParty();
        try {
            video.setRemote(Side.A, videoA.rtpAddress(), videoA.rtcpAddress(), false);
            video.setRemote(Side.B, videoB.rtpAddress(), videoB.rtcpAddress(), false);
            byte[] audio = RtpPackets.rtp(1, 1, 0xa, 160);
            byte[] frame = RtpPackets.rtp(1, 1, 0xf, 1200);
            TestParty.send(videoA.rtp, frame, video.localRtp(Side.A));
            TestParty.send(a.rtp, audio, stream.localRtp(Side.A));
            assertArrayEquals(frame, TestParty.receive(videoB.rtp));
            assertArrayEquals(audio, TestParty.receive(b.rtp));
            assertEquals(2, session.streams().size());
        } finally {
            videoA.close();
            videoB.close();
        }
    }

    @Test
    void forwardsOverIpv6Loopback() throws IOException {
        RelayConfig config = new RelayConfig(InetAddress.getByName("::1"), BASE + 200, BASE + 219, 1,
                Duration.ofSeconds(3), Duration.ofSeconds(60));
        try (RtpRelay v6 = RtpRelay.start(config); TestParty a6 = new TestParty("::1");
             TestParty b6 = new TestParty("::1")) {
            RelayStream s = v6.openSession("v6", IGNORE).stream(0, "audio");
            s.setRemote(Side.A, a6.rtpAddress(), a6.rtcpAddress(), false);
            s.setRemote(Side.B, b6.rtpAddress(), null, true);
            byte[] packet = RtpPackets.rtp(1, 1, 0xa, 100);
            TestParty.send(a6.rtp, packet, s.localRtp(Side.A));
            TestParty.Datagram got = TestParty.receiveFrom(b6.rtp);
            assertArrayEquals(packet, got.data());
            assertEquals(s.localRtp(Side.B), got.source());
            assertEquals(Optional.of(a6.rtpAddress()), s.latchedSource(Side.A));
        }
    }

    @Test
    void closeFreesEverythingStopsThreadsAndIsIdempotent() throws PortsExhaustedException {
        session.stream(1, "video");
        relay.openSession("call-2", IGNORE).stream(0, "audio");
        assertEquals(12, relay.portsInUse());
        assertEquals(2, relay.activeSessions());
        Set<Long> ids = Set.copyOf(relay.loopThreadIds());
        relay.close();
        relay.close();
        assertEquals(0, relay.portsInUse());
        assertEquals(0, relay.activeSessions());
        assertTrue(session.isClosed());
        assertThrows(IllegalStateException.class, () -> relay.openSession("late", IGNORE));
        Await.until("relay threads gone", 2000, () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> ids.contains(t.getId())));
    }

    @Test
    void thousandSessionsOpenAndCloseLeakNoPort() throws PortsExhaustedException {
        for (int i = 0; i < 1000; i++) {
            RelaySession s = relay.openSession("call-" + i, IGNORE);
            s.stream(0, "audio");
            s.stream(1, "video");
            s.close();
        }
        assertEquals(4, relay.portsInUse(), "only the fixture's stream");
        assertEquals(1, relay.activeSessions());
        session.close();
        assertEquals(0, relay.portsInUse());
        assertEquals(0, relay.activeSessions());
    }

    @Test
    void audioAndVideoStreamsAreSpreadOverTheThreadsEachOnItsOwn() throws PortsExhaustedException {
        session.close(); // the fixture's audio stream: start from empty loops
        List<RelaySession> calls = new ArrayList<>();
        Map<RelayLoop, int[]> perLoop = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            RelaySession call = relay.openSession("av-" + i, IGNORE);
            calls.add(call);
            // each call's m-lines in SDP order, as the B2BUA opens them: audio first, then video
            perLoop.computeIfAbsent(call.stream(0, "audio").loop(), l -> new int[2])[0]++;
            perLoop.computeIfAbsent(call.stream(1, "video").loop(), l -> new int[2])[1]++;
        }
        assertEquals(2, perLoop.size());
        for (int[] counts : perLoop.values()) {
            assertArrayEquals(new int[] {3, 3}, counts, "3 audio and 3 video streams on each thread");
        }
        for (RelayLoop loop : perLoop.keySet()) {
            assertEquals(3, loop.streams(RelayLoop.KIND_AUDIO));
            assertEquals(3, loop.streams(RelayLoop.KIND_VIDEO));
        }
        // closing frees the count: a new video stream goes to the loop that has fewer video streams now
        RelaySession closing = calls.get(0);
        RelayLoop lighter = closing.existing(1).orElseThrow().loop();
        closing.close();
        assertEquals(2, lighter.streams(RelayLoop.KIND_VIDEO));
        RelaySession next = relay.openSession("av-next", IGNORE);
        assertEquals(lighter, next.stream(1, "video").loop());
        next.close();
        calls.forEach(RelaySession::close);
        for (RelayLoop loop : perLoop.keySet()) {
            assertEquals(0, loop.streams(), "every stream closed");
        }
    }

    @Test
    void threadsAreNamedDaemons() {
        Set<String> names = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("rtp-relay-") && t.isDaemon())
                .map(Thread::getName).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("rtp-relay-0", "rtp-relay-1", "rtp-relay-sweeper")), names.toString());
    }
}
