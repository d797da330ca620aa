package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Latching and per-side routing, with real sockets and a hand-moved clock for the learning window. */
class RelayStreamTest {
    private static final int BASE = 24400;
    private static final long WINDOW_MILLIS = 1000;

    private final FakeTime time = new FakeTime();
    private RtpRelay relay;
    private RelaySession session;
    private RelayStream stream;
    private final RecordingTaps.Collecting tap = new RecordingTaps.Collecting();
    private TestParty a;
    private TestParty b;
    private TestParty stranger;
    private TestParty declaredOnly;
    private TestParty otherHost;

    @BeforeEach
    void start() throws IOException {
        RelayConfig config = new RelayConfig(InetAddress.getByName("127.0.0.1"), BASE, BASE + 99, 1,
                Duration.ofMillis(WINDOW_MILLIS), Duration.ofSeconds(60));
        relay = RtpRelay.start(config, time.source, Duration.ofHours(1));
        session = relay.openSession("latching", (s, idle) -> { });
        session.setTap(tap);
        stream = session.stream(0, "audio");
        a = new TestParty("127.0.0.1");
        b = new TestParty("127.0.0.1");
        stranger = new TestParty("127.0.0.1");
        declaredOnly = new TestParty("127.0.0.2"); // what A's SDP says in the NAT case; A really sends from 127.0.0.1
        otherHost = new TestParty("127.0.0.5");
        stream.setRemote(Side.B, b.rtpAddress(), b.rtcpAddress(), false);
    }

    @AfterEach
    void stop() {
        relay.close();
        a.close();
        b.close();
        stranger.close();
        declaredOnly.close();
        otherHost.close();
    }

    private byte[] sendFrom(TestParty party, int seq) throws IOException {
        byte[] packet = RtpPackets.rtp(seq, seq * 160, 0xa, 40);
        TestParty.send(party.rtp, packet, stream.localRtp(Side.A));
        return packet;
    }

    @Test
    void theDeclaredAddressLatchesAnyTime() throws IOException {
        stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        time.advanceMillis(5 * WINDOW_MILLIS);
        byte[] packet = sendFrom(a, 1);
        assertArrayEquals(packet, TestParty.receive(b.rtp));
        assertEquals(Optional.of(a.rtpAddress()), stream.latchedSource(Side.A));
    }

    @Test
    void afterLatchingStrangersOnAnotherPortOrAnotherAddressAreNeitherForwardedNorTapped() throws IOException {
        stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        byte[] first = sendFrom(a, 1);
        assertArrayEquals(first, TestParty.receive(b.rtp));
        for (int seq = 100; seq < 110; seq++) {
            sendFrom(stranger, seq); // 127.0.0.1, another port
            sendFrom(otherHost, seq + 100); // 127.0.0.5
            TestParty.send(otherHost.rtcp, RtpPackets.rtcpReceiverReport(0x5), stream.localRtcp(Side.A));
        }
        byte[] last = sendFrom(a, 2);
        assertArrayEquals(last, TestParty.receive(b.rtp), "the next thing B gets is A's next packet");
        assertNull(TestParty.receiveFrom(b.rtcp, 100), "no stranger's RTCP either");
        Await.until("strangers counted", 2000, () -> stream.counters(Side.A).droppedStranger() == 30);
        Await.until("tapped", 2000, () -> tap.seen.size() == 2);
        assertArrayEquals(first, tap.seen.get(0).data());
        assertArrayEquals(last, tap.seen.get(1).data(), "the recorder saw A's packets and nothing else");
        assertEquals(2, stream.counters(Side.A).rtpPackets());
        assertEquals(0, stream.counters(Side.A).ssrcChanges());
    }

    @Test
    void aStrangerThatSendsFirstLosesTheLatchToTheDeclaredSource() throws IOException {
        stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        byte[] bleed = sendFrom(otherHost, 1);
        assertArrayEquals(bleed, TestParty.receive(b.rtp), "provisional: A could be behind a NAT");
        assertEquals(Optional.of(otherHost.rtpAddress()), stream.latchedSource(Side.A));

        byte[] fromA = sendFrom(a, 2);
        assertArrayEquals(fromA, TestParty.receive(b.rtp), "the declared source takes the latch over");
        assertEquals(Optional.of(a.rtpAddress()), stream.latchedSource(Side.A));
        byte[] toA = RtpPackets.rtp(1, 1, 0xb, 40);
        TestParty.send(b.rtp, toA, stream.localRtp(Side.B));
        assertArrayEquals(toA, TestParty.receive(a.rtp), "B's media goes to A again");
        assertNull(TestParty.receiveFrom(otherHost.rtp, 100), "and no longer to the stranger");

        sendFrom(otherHost, 3);
        byte[] next = sendFrom(a, 4);
        assertArrayEquals(next, TestParty.receive(b.rtp));
        Await.until("the stranger is a stranger now", 2000, () -> stream.counters(Side.A).droppedStranger() == 1);
    }

    @Test
    void theDeclaredSourceWinsEvenAfterTheWindowSoAStrangerCannotLockThePartyOut() throws IOException {
        stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        sendFrom(otherHost, 1);
        TestParty.receive(b.rtp);
        time.advanceMillis(5 * WINDOW_MILLIS); // the party's phone starts sending late
        byte[] fromA = sendFrom(a, 2);
        assertArrayEquals(fromA, TestParty.receive(b.rtp));
        assertEquals(Optional.of(a.rtpAddress()), stream.latchedSource(Side.A));
        sendFrom(otherHost, 3);
        sendFrom(stranger, 4);
        Await.until("both strangers counted", 2000, () -> stream.counters(Side.A).droppedStranger() == 2);
        assertNull(TestParty.receiveFrom(b.rtp, 100));
    }

    @Test
    void aPacketWithAnotherCallsSsrcFromTheLatchedSourceStaysInThisCallAndFromAStrangerIsDropped()
            throws IOException, PortsExhaustedException {
        RecordingTaps.Collecting otherTap = new RecordingTaps.Collecting();
        RelaySession otherCall = relay.openSession("other-call", (s, idle) -> { });
        otherCall.setTap(otherTap);
        RelayStream other = otherCall.stream(0, "audio");
        try (TestParty c = new TestParty(); TestParty d = new TestParty()) {
            other.setRemote(Side.A, c.rtpAddress(), c.rtcpAddress(), false);
            other.setRemote(Side.B, d.rtpAddress(), d.rtcpAddress(), false);
            int otherCallsSsrc = 0xc0ffee;
            TestParty.send(c.rtp, RtpPackets.rtp(1, 160, otherCallsSsrc, 40), other.localRtp(Side.A));
            TestParty.receive(d.rtp);

            stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
            sendFrom(a, 1);
            TestParty.receive(b.rtp);
            byte[] spoofed = RtpPackets.rtp(2, 320, otherCallsSsrc, 40);
            TestParty.send(a.rtp, spoofed, stream.localRtp(Side.A));
            assertArrayEquals(spoofed, TestParty.receive(b.rtp), "from A's latched source it is A's packet");
            TestParty.send(otherHost.rtp, RtpPackets.rtp(3, 480, otherCallsSsrc, 40), stream.localRtp(Side.A));
            TestParty.send(otherHost.rtp, RtpPackets.rtp(3, 480, otherCallsSsrc, 40), other.localRtp(Side.A));
            Await.until("strangers counted", 2000, () -> stream.counters(Side.A).droppedStranger() == 1
                    && other.counters(Side.A).droppedStranger() == 1);
            assertEquals(1, stream.counters(Side.A).ssrcChanges(), "counted as an SSRC change in this call");
            assertEquals(0, other.counters(Side.A).ssrcChanges());
            assertEquals(1, other.counters(Side.A).rtpPackets(), "the other call got nothing more");
            assertNull(TestParty.receiveFrom(d.rtp, 100));
            Await.until("tapped", 2000, () -> tap.seen.size() == 2);
            assertEquals(1, otherTap.seen.size(), "the other call's recorder saw only its own packet");
        }
    }

    @Test
    void natCaseLatchesTheFirstSourceAndDropsLaterStrangers() throws IOException {
        stream.setRemote(Side.A, declaredOnly.rtpAddress(), declaredOnly.rtcpAddress(), false);
        time.advanceMillis(WINDOW_MILLIS / 2);
        byte[] first = sendFrom(a, 1);
        assertArrayEquals(first, TestParty.receive(b.rtp));
        assertEquals(Optional.of(a.rtpAddress()), stream.latchedSource(Side.A));

        // B's media now goes where A's packets came from, not to the declared address.
        byte[] toA = RtpPackets.rtp(1, 1, 0xb, 40);
        TestParty.send(b.rtp, toA, stream.localRtp(Side.B));
        assertArrayEquals(toA, TestParty.receive(a.rtp));

        // Still inside the window, another source is a stranger: dropped, counted, never tapped.
        sendFrom(stranger, 99);
        byte[] second = sendFrom(a, 2);
        assertArrayEquals(second, TestParty.receive(b.rtp), "the stranger's packet was not forwarded");
        Await.until("stranger counted", 2000, () -> stream.counters(Side.A).droppedStranger() == 1
                && relay.totals().droppedStranger() == 1);
        Await.until("tap saw 3 packets", 2000, () -> tap.seen.size() == 3);
        assertTrue(tap.seen.stream().noneMatch(p -> p.from() == Side.A && p.data()[3] == 99));
        assertEquals(2, stream.counters(Side.A).rtpPackets());
        assertNull(TestParty.receiveFrom(declaredOnly.rtp, 100), "nothing went to the SDP address");
    }

    @Test
    void afterTheWindowWithoutMatchNoStrangerIsForwarded() throws IOException {
        stream.setRemote(Side.A, declaredOnly.rtpAddress(), declaredOnly.rtcpAddress(), false);
        time.advanceMillis(WINDOW_MILLIS + 1);
        sendFrom(a, 1);
        sendFrom(stranger, 2);
        byte[] fromDeclared = RtpPackets.rtp(3, 3, 0xa, 40);
        TestParty.send(declaredOnly.rtp, fromDeclared, stream.localRtp(Side.A));
        assertArrayEquals(fromDeclared, TestParty.receive(b.rtp), "only the declared address gets through");
        Await.until("strangers counted", 2000, () -> stream.counters(Side.A).droppedStranger() == 2);
        assertEquals(Optional.of(declaredOnly.rtpAddress()), stream.latchedSource(Side.A));
        Await.until("tapped", 2000, () -> tap.seen.size() == 1);
        assertEquals(3, tap.seen.get(0).data()[3], "the tap saw only the declared source's packet");
    }

    @Test
    void mediaArrivingBeforeItsSdpIsRelayedFromTheFirstSourceOnly() throws IOException {
        // A late-offer caller sends right after its ACK, possibly before the ACK's SDP was processed.
        byte[] packet = sendFrom(a, 1);
        assertArrayEquals(packet, TestParty.receive(b.rtp));
        assertEquals(Optional.of(a.rtpAddress()), stream.latchedSource(Side.A));
        sendFrom(stranger, 2);
        Await.until("stranger counted", 2000, () -> relay.totals().droppedStranger() == 1);
        // Symmetric RTP before A's SDP: B's media goes back to where A sends from.
        byte[] fromB = RtpPackets.rtp(1, 160, 0xb, 40);
        TestParty.send(b.rtp, fromB, stream.localRtp(Side.B));
        assertArrayEquals(fromB, TestParty.receive(a.rtp));
        // The SDP then names that same address: the party goes on without a gap.
        stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        byte[] next = sendFrom(a, 3);
        assertArrayEquals(next, TestParty.receive(b.rtp));
    }

    @Test
    void withoutSdpAfterTheLearningWindowEverySourceIsAStranger() throws IOException {
        time.advanceMillis(WINDOW_MILLIS + 1);
        sendFrom(a, 1);
        Await.until("stranger counted", 2000, () -> relay.totals().droppedStranger() == 1);
        assertTrue(stream.latchedSource(Side.A).isEmpty());
        assertEquals(0, relay.totals().packets());
    }

    @Test
    void rtpAndRtcpLatchSeparately() throws IOException {
        stream.setRemote(Side.A, declaredOnly.rtpAddress(), declaredOnly.rtcpAddress(), false);
        sendFrom(a, 1);
        TestParty.receive(b.rtp);
        byte[] report = RtpPackets.rtcpReceiverReport(0xa);
        TestParty.send(a.rtcp, report, stream.localRtcp(Side.A));
        assertArrayEquals(report, TestParty.receive(b.rtcp));
        assertEquals(Optional.of(a.rtpAddress()), stream.latchedSource(Side.A));
        assertEquals(Optional.of(a.rtcpAddress()), stream.latchedRtcpSource(Side.A));

        TestParty.send(a.rtp, report, stream.localRtcp(Side.A)); // RTCP from the RTP-latched source: a stranger
        byte[] second = RtpPackets.rtcpReceiverReport(0xaa);
        TestParty.send(a.rtcp, second, stream.localRtcp(Side.A));
        assertArrayEquals(second, TestParty.receive(b.rtcp));
        Await.until("stranger counted", 2000, () -> stream.counters(Side.A).droppedStranger() == 1);

        // B -> A RTCP goes to A's latched RTCP source.
        byte[] toA = RtpPackets.rtcpReceiverReport(0xb);
        TestParty.send(b.rtcp, toA, stream.localRtcp(Side.B));
        assertArrayEquals(toA, TestParty.receive(a.rtcp));
    }

    @Test
    void holdKeepsTheLatchAndDropsTowardTheHeldParty() throws IOException {
        stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        sendFrom(a, 1);
        TestParty.receive(b.rtp);

        stream.setRemote(Side.A, new InetSocketAddress("0.0.0.0", a.rtpAddress().getPort()), null, false);
        TestParty.send(b.rtp, RtpPackets.rtp(1, 1, 0xb, 40), stream.localRtp(Side.B));
        Await.until("dropped toward held A", 2000, () -> relay.totals().droppedNoDestination() == 1);
        byte[] musicOnHold = sendFrom(a, 2);
        assertArrayEquals(musicOnHold, TestParty.receive(b.rtp), "the held party's own packets still flow");

        stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false); // resume, same address
        time.advanceMillis(10 * WINDOW_MILLIS);
        assertEquals(Optional.of(a.rtpAddress()), stream.latchedSource(Side.A), "latch kept");
        byte[] toA = RtpPackets.rtp(2, 2, 0xb, 40);
        TestParty.send(b.rtp, toA, stream.localRtp(Side.B));
        assertArrayEquals(toA, TestParty.receive(a.rtp));
    }

    @Test
    void aNewAddressRestartsLatching() throws IOException {
        stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        sendFrom(a, 1);
        TestParty.receive(b.rtp);
        time.advanceMillis(10 * WINDOW_MILLIS);

        stream.setRemote(Side.A, declaredOnly.rtpAddress(), declaredOnly.rtcpAddress(), false);
        assertTrue(stream.latchedSource(Side.A).isEmpty());
        byte[] fromNewSource = sendFrom(stranger, 2);
        assertArrayEquals(fromNewSource, TestParty.receive(b.rtp), "new learning window");
        assertEquals(Optional.of(stranger.rtpAddress()), stream.latchedSource(Side.A));
        sendFrom(a, 3);
        Await.until("old source is a stranger now", 2000, () -> stream.counters(Side.A).droppedStranger() == 1);
    }

    @Test
    void theSameAddressAgainKeepsTheLatch() {
        stream.setRemote(Side.A, declaredOnly.rtpAddress(), null, false);
        assertFalse(stream.latchedSource(Side.A).isPresent());
        stream.setRemote(Side.A, declaredOnly.rtpAddress(),
                new InetSocketAddress(declaredOnly.rtpAddress().getAddress(), declaredOnly.rtpAddress().getPort() + 1),
                false);
        // Same declaration (RTCP defaults to RTP + 1), so the window did not restart: after it, still no latch.
        time.advanceMillis(WINDOW_MILLIS + 1);
        assertFalse(stream.latchedSource(Side.A).isPresent());
    }

    @Test
    void clockRateEnablesJitter() throws IOException {
        stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        stream.setClockRate(Side.A, 8000);
        for (int i = 0; i < 3; i++) {
            sendFrom(a, i);
            TestParty.receive(b.rtp);
        }
        assertTrue(stream.counters(Side.A).jitterMs().isPresent());
        assertFalse(stream.counters(Side.B).jitterMs().isPresent());
        assertEquals(8000, stream.counters(Side.A).clockRate());
    }

    @Test
    void describesItself() {
        assertEquals(0, stream.index());
        assertEquals("audio", stream.mediaType());
        assertEquals(session, stream.session());
        assertEquals(new InetSocketAddress("127.0.0.1", stream.localRtp(Side.A).getPort() + 1),
                stream.localRtcp(Side.A));
        assertEquals(0, stream.localRtp(Side.B).getPort() % 2);
        assertFalse(stream.localRtp(Side.A).equals(stream.localRtp(Side.B)));
        assertEquals("latching#0(audio)", stream.toString());
    }

    @Test
    void rejectsUnresolvedAddresses() {
        assertThrows(IllegalArgumentException.class, () -> stream.setRemote(Side.A,
                InetSocketAddress.createUnresolved("phone.invalid", 4000), null, false));
    }
}
