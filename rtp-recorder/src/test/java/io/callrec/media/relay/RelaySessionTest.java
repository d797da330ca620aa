package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tap, the inactivity watch and the stream life cycle of a session. */
class RelaySessionTest {
    private static final int BASE = 24600;

    private final FakeTime time = new FakeTime();
    private final List<Duration> inactive = new CopyOnWriteArrayList<>();
    private RtpRelay relay;
    private RelaySession session;
    private TestParty a;
    private TestParty b;

    private static RelayConfig config(int pairs) throws IOException {
        return new RelayConfig(InetAddress.getByName("127.0.0.1"), BASE, BASE + 2 * pairs - 1, 2,
                Duration.ofSeconds(3), Duration.ofMillis(300));
    }

    @BeforeEach
    void start() throws IOException {
        relay = RtpRelay.start(config(50), time.source, Duration.ofHours(1)); // the test sweeps by hand
        session = relay.openSession("call-7", (s, idle) -> inactive.add(idle));
        a = new TestParty();
        b = new TestParty();
    }

    @AfterEach
    void stop() {
        relay.close();
        a.close();
        b.close();
    }

    private RelayStream connectedStream(int index) throws PortsExhaustedException {
        RelayStream stream = session.stream(index, "audio");
        stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        stream.setRemote(Side.B, b.rtpAddress(), b.rtcpAddress(), false);
        return stream;
    }

    // ---- tap ---------------------------------------------------------------------------------------------------

    @Test
    void tapSeesEveryForwardedPacketWithSideAndRtcpFlag() throws IOException {
        RelayStream stream = connectedStream(0);
        RecordingTaps.Collecting tap = new RecordingTaps.Collecting();
        session.setTap(tap);
        byte[] rtpFromA = RtpPackets.rtp(1, 160, 0xa, 160);
        byte[] rtcpFromB = RtpPackets.rtcpReceiverReport(0xb);
        byte[] rtpFromB = RtpPackets.rtp(2, 320, 0xb, 80);
        TestParty.send(a.rtp, rtpFromA, stream.localRtp(Side.A));
        TestParty.receive(b.rtp);
        TestParty.send(b.rtcp, rtcpFromB, stream.localRtcp(Side.B));
        TestParty.receive(a.rtcp);
        TestParty.send(b.rtp, rtpFromB, stream.localRtp(Side.B));
        TestParty.receive(a.rtp);
        Await.until("tap saw 3", 2000, () -> tap.seen.size() == 3);
        assertSeen(tap.seen.get(0), Side.A, false, rtpFromA);
        assertSeen(tap.seen.get(1), Side.B, true, rtcpFromB);
        assertSeen(tap.seen.get(2), Side.B, false, rtpFromB);
        assertTrue(tap.seen.get(0).receivedNanos() <= tap.seen.get(1).receivedNanos());
    }

    private static void assertSeen(RecordingTaps.Seen seen, Side from, boolean rtcp, byte[] data) {
        assertEquals(0, seen.streamIndex());
        assertEquals(from, seen.from());
        assertEquals(rtcp, seen.rtcp());
        assertArrayEquals(data, seen.data());
    }

    @Test
    void tapSeesPacketsThatHaveNoDestinationYet() throws IOException, PortsExhaustedException {
        RelayStream stream = session.stream(0, "audio");
        stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        RecordingTaps.Collecting tap = new RecordingTaps.Collecting();
        session.setTap(tap);
        TestParty.send(a.rtp, RtpPackets.rtp(1, 1, 0xa, 10), stream.localRtp(Side.A));
        Await.until("tapped", 2000, () -> tap.seen.size() == 1);
        assertEquals(1, relay.totals().droppedNoDestination());
    }

    @Test
    void aThrowingTapIsCountedAndForwardingGoesOn() throws IOException {
        RelayStream stream = connectedStream(0);
        session.setTap((s, from, rtcp, packet, nanos) -> {
            throw new IllegalStateException("recorder broke");
        });
        for (int i = 0; i < 10; i++) {
            byte[] packet = RtpPackets.rtp(i, i, 0xa, 20);
            TestParty.send(a.rtp, packet, stream.localRtp(Side.A));
            assertArrayEquals(packet, TestParty.receive(b.rtp));
        }
        Await.until("tap errors", 2000, () -> relay.totals().tapErrors() == 10);
        assertEquals(0, relay.totals().errors());
    }

    @Test
    void theTapCannotChangeTheBuffer() throws IOException {
        RelayStream stream = connectedStream(0);
        AtomicInteger rejected = new AtomicInteger();
        session.setTap((s, from, rtcp, packet, nanos) -> {
            assertTrue(packet.isReadOnly());
            assertThrows(java.nio.ReadOnlyBufferException.class, () -> packet.put(0, (byte) 0));
            packet.position(packet.limit()); // harmless: the relay resets its own buffer
            rejected.incrementAndGet();
        });
        for (int i = 0; i < 3; i++) {
            byte[] packet = RtpPackets.rtp(i, i, 0xa, 20);
            TestParty.send(a.rtp, packet, stream.localRtp(Side.A));
            assertArrayEquals(packet, TestParty.receive(b.rtp));
        }
        Await.until("tap ran", 2000, () -> rejected.get() == 3);
        assertEquals(0, relay.totals().tapErrors());
    }

    @Test
    void aSlowTapDelaysButLosesNothing() throws IOException {
        RelayStream stream = connectedStream(0);
        session.setTap((s, from, rtcp, packet, nanos) -> {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 20; i++) {
            TestParty.send(a.rtp, RtpPackets.rtp(i, i, 0xa, 20), stream.localRtp(Side.A));
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(i, ByteBuffer.wrap(TestParty.receive(b.rtp)).getShort(2));
        }
    }

    /** Stream 0 with a collecting tap that has seen one packet from A, relayed to B. */
    private RecordingTaps.Collecting tapAfterOnePacket(RelayStream stream) throws IOException {
        RecordingTaps.Collecting tap = new RecordingTaps.Collecting();
        session.setTap(tap);
        TestParty.send(a.rtp, RtpPackets.rtp(1, 1, 0xa, 20), stream.localRtp(Side.A));
        TestParty.receive(b.rtp);
        Await.until("tapped", 2000, () -> tap.seen.size() == 1);
        return tap;
    }

    @Test
    void removingTheTapStopsIt() throws IOException {
        RelayStream stream = connectedStream(0);
        RecordingTaps.Collecting tap = tapAfterOnePacket(stream);
        session.setTap(null);
        TestParty.send(a.rtp, RtpPackets.rtp(2, 2, 0xa, 20), stream.localRtp(Side.A));
        TestParty.receive(b.rtp);
        Await.until("forwarded", 2000, () -> relay.totals().packets() == 2);
        assertEquals(1, tap.seen.size());
    }

    // ---- the end of a call ---------------------------------------------------------------------------------------

    @Test
    void afterAHangUpPacketsStillOnTheirWayAreRelayedThenThePortsAreFreed() throws IOException {
        RelayStream stream = connectedStream(0);
        RecordingTaps.Collecting tap = tapAfterOnePacket(stream);
        session.closeAfterInFlight(Duration.ofSeconds(2));
        // The far end's echo, on its way when the call ended, still reaches the other side; the tap is gone.
        TestParty.send(b.rtp, RtpPackets.rtp(1, 1, 0xb, 20), stream.localRtp(Side.B));
        assertEquals(1, ByteBuffer.wrap(TestParty.receive(a.rtp)).getShort(2));
        assertEquals(1, tap.seen.size(), "nothing reaches the tap after the end");
        assertFalse(session.isClosed());
        Await.until("ports freed after the linger", 6000, () -> relay.portsInUse() == 0);
        assertTrue(session.isClosed());
        assertTrue(stream.isClosed());
    }

    @Test
    void aSessionThatCarriedNothingLatelyClosesAtOnceAtTheEnd() throws IOException {
        RelayStream stream = connectedStream(0);
        session.closeAfterInFlight(Duration.ofSeconds(5));
        assertTrue(session.isClosed(), "never carried a packet");

        RelaySession other = relay.openSession("call-8", (s, idle) -> { });
        RelayStream carried = other.stream(0, "audio");
        carried.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        carried.setRemote(Side.B, b.rtpAddress(), b.rtcpAddress(), false);
        TestParty.send(a.rtp, RtpPackets.rtp(1, 1, 0xa, 20), carried.localRtp(Side.A));
        TestParty.receive(b.rtp);
        time.advanceMillis(600);
        other.closeAfterInFlight(Duration.ofMillis(500));
        assertTrue(other.isClosed(), "its last packet is older than the linger");
        Await.until("ports freed", 2000, () -> relay.portsInUse() == 0);
        assertTrue(stream.isClosed());
    }

    @Test
    void theTapMayCloseTheSessionFromTheRelayThread() throws IOException {
        RelayStream stream = connectedStream(0);
        session.setTap((s, from, rtcp, packet, nanos) -> s.session().close());
        TestParty.send(a.rtp, RtpPackets.rtp(1, 1, 0xa, 20), stream.localRtp(Side.A));
        Await.until("ports freed", 2000, () -> relay.portsInUse() == 0);
        assertTrue(session.isClosed());
        assertTrue(stream.isClosed());
        assertEquals(0, relay.totals().tapErrors());
        assertEquals(0, relay.totals().errors());
    }

    // ---- inactivity --------------------------------------------------------------------------------------------

    @Test
    void inactivityIsReportedOnceAfterTheTimeout() throws IOException {
        RelayStream stream = connectedStream(0);
        time.advanceMillis(299);
        relay.sweep();
        assertTrue(inactive.isEmpty());
        time.advanceMillis(1);
        relay.sweep();
        relay.sweep();
        time.advanceMillis(5000);
        relay.sweep();
        assertEquals(List.of(Duration.ofMillis(300)), inactive);

        // Packets flow again, then stop: reported again.
        TestParty.send(a.rtp, RtpPackets.rtp(1, 1, 0xa, 20), stream.localRtp(Side.A));
        TestParty.receive(b.rtp);
        Await.until("activity seen", 2000, () -> session.lastActivity().equals(FakeTime.EPOCH));
        relay.sweep();
        assertEquals(1, inactive.size());
        time.advanceMillis(400);
        relay.sweep();
        assertEquals(List.of(Duration.ofMillis(300), Duration.ofMillis(400)), inactive);
    }

    @Test
    void aSessionWithoutStreamsCountsFromItsCreation() {
        assertEquals(FakeTime.EPOCH, session.lastActivity());
        time.advanceMillis(300);
        relay.sweep();
        assertEquals(1, inactive.size());
    }

    @Test
    void aPerSessionTimeoutOverridesTheDefault() {
        session.setInactivityTimeout(Duration.ofSeconds(10));
        time.advanceMillis(9_999);
        relay.sweep();
        assertTrue(inactive.isEmpty());
        session.setInactivityTimeout(Duration.ZERO);
        time.advanceMillis(3_600_000);
        relay.sweep();
        assertTrue(inactive.isEmpty(), "zero means never");
        assertThrows(IllegalArgumentException.class, () -> session.setInactivityTimeout(Duration.ofMillis(-1)));
    }

    @Test
    void aNewRemoteAddressCountsAsActivity() throws PortsExhaustedException {
        RelayStream stream = session.stream(0, "audio");
        time.advanceMillis(250);
        stream.setRemote(Side.A, a.rtpAddress(), null, true);
        time.advanceMillis(250);
        relay.sweep();
        assertTrue(inactive.isEmpty());
        assertEquals(FakeTime.EPOCH.minusMillis(250), session.lastActivity());
    }

    @Test
    void theListenerMayCloseTheSessionAndAThrowingOneDoesNotStopTheSweeper() throws PortsExhaustedException {
        RelaySession throwing = relay.openSession("throws", (s, idle) -> {
            throw new IllegalStateException("listener broke");
        });
        RelaySession closing = relay.openSession("closes", (s, idle) -> s.close());
        closing.stream(0, "audio");
        time.advanceMillis(300);
        relay.sweep();
        assertTrue(closing.isClosed());
        assertFalse(throwing.isClosed());
        assertEquals(1, inactive.size(), "the fixture session was reported too");
        assertEquals(2, relay.activeSessions());
    }

    @Test
    void theSweeperThreadReportsInactivityInRealTime() throws Exception {
        try (RtpRelay realTime = RtpRelay.start(config(50).withPorts(BASE + 200, BASE + 299), TimeSource.system(),
                Duration.ofMillis(50))) {
            CountDownLatch reported = new CountDownLatch(1);
            AtomicInteger calls = new AtomicInteger();
            List<String> threads = new CopyOnWriteArrayList<>();
            long opened = System.nanoTime();
            realTime.openSession("idle", (s, idle) -> {
                calls.incrementAndGet();
                threads.add(Thread.currentThread().getName());
                reported.countDown();
            }).stream(0, "audio");
            assertTrue(reported.await(3, TimeUnit.SECONDS), "reported within 3 s");
            assertTrue(System.nanoTime() - opened >= TimeUnit.MILLISECONDS.toNanos(300), "not before the timeout");
            Thread.sleep(300); // six more sweeps
            assertEquals(1, calls.get());
            assertEquals(List.of("rtp-relay-sweeper"), threads);
        }
    }

    // ---- streams -----------------------------------------------------------------------------------------------

    @Test
    void theSameIndexAndTypeGivesTheSameStream() throws PortsExhaustedException {
        RelayStream audio = session.stream(0, "audio");
        assertSame(audio, session.stream(0, "audio"));
        assertEquals(Optional.of(audio), session.existing(0));
        assertEquals(Optional.empty(), session.existing(1));
        assertEquals(4, relay.portsInUse());
    }

    @Test
    void anotherTypeAtTheSameIndexReplacesTheStream() throws PortsExhaustedException {
        RelayStream audio = session.stream(0, "audio");
        RelayStream video = session.stream(0, "video");
        assertNotEquals(audio.localRtp(Side.A), video.localRtp(Side.A));
        assertTrue(audio.isClosed());
        assertEquals(List.of(video), session.streams());
        assertEquals(4, relay.portsInUse());
    }

    @Test
    void removeStreamFreesItsPorts() throws PortsExhaustedException {
        session.stream(0, "audio");
        RelayStream video = session.stream(1, "video");
        assertEquals(8, relay.portsInUse());
        session.removeStream(0);
        session.removeStream(0);
        session.removeStream(5);
        assertEquals(4, relay.portsInUse());
        assertEquals(List.of(video), session.streams());
    }

    @Test
    void aClosedSessionRefusesStreams() throws PortsExhaustedException {
        session.stream(0, "audio");
        session.close();
        session.close();
        assertTrue(session.isClosed());
        assertEquals(0, relay.portsInUse());
        assertEquals(0, relay.activeSessions());
        assertThrows(IllegalStateException.class, () -> session.stream(1, "audio"));
        assertTrue(session.streams().isEmpty());
    }

    @Test
    void exhaustionLeavesNoHalfAllocatedStream() throws IOException {
        try (RtpRelay small = RtpRelay.start(config(5).withPorts(BASE + 300, BASE + 309), TimeSource.system(),
                Duration.ofHours(1))) {
            RelaySession s = small.openSession("small", (x, idle) -> { });
            s.stream(0, "audio");
            s.stream(1, "video");
            assertThrows(PortsExhaustedException.class, () -> s.stream(2, "audio"));
            assertEquals(8, small.portsInUse(), "the fifth pair was given back");
            s.removeStream(1);
            s.stream(2, "audio");
            assertEquals(8, small.portsInUse());
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> session.stream(-1, "audio"));
        assertThrows(NullPointerException.class, () -> session.stream(0, null));
        assertThrows(NullPointerException.class, () -> relay.openSession("x", null));
        assertEquals("call-7", session.name());
    }
}
