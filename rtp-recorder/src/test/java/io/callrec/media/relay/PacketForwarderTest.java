package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The packet path under load: allocation per packet and fairness between sockets. */
class PacketForwarderTest {
    private static final int BASE = 24800;
    private static final int MEASURED_PACKETS = 200_000;

    private RtpRelay relay;
    private RelaySession session;
    private final List<DatagramChannel> fdFiller = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        // A server has thousands of sockets. The JDK's epoll selector boxes each ready fd to look up its key, and
        // Integer.valueOf only caches up to 127: with low fds (a fresh test JVM) that allocation would go unseen.
        for (int i = 0; i < 200; i++) {
            fdFiller.add(DatagramChannel.open());
        }
        RelayConfig config = new RelayConfig(InetAddress.getByName("127.0.0.1"), BASE, BASE + 99, 1,
                Duration.ofSeconds(3), Duration.ofSeconds(60));
        relay = RtpRelay.start(config);
        session = relay.openSession("load", (s, idle) -> { });
    }

    @AfterEach
    void stop() throws IOException {
        relay.close();
        for (DatagramChannel channel : fdFiller) {
            channel.close();
        }
    }

    private static DatagramChannel openLoopback() throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        return channel;
    }

    /** Drains a channel on its own thread, counting datagrams; closing closes the channel. */
    static final class Drain implements AutoCloseable {
        final AtomicLong received = new AtomicLong();
        private final DatagramChannel channel;
        private final Thread thread;

        Drain(DatagramChannel channel) {
            this.channel = channel;
            this.thread = new Thread(this::run, "test-drain");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
            try {
                while (true) {
                    buffer.clear();
                    channel.receive(buffer);
                    received.incrementAndGet();
                }
            } catch (ClosedChannelException e) {
                // closed by the test: done
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Bytes the fixture's single relay thread has allocated so far. */
    private long relayThreadAllocatedBytes() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads.getThreadAllocatedBytes(relay.loopThreadIds().get(0));
    }

    /** Sends {@code count} RTP packets, keeping at most 256 in flight so no socket buffer overflows. */
    private static void pump(DatagramChannel sender, InetSocketAddress to, Drain drain, int firstSeq, int count)
            throws IOException {
        ByteBuffer packet = ByteBuffer.allocateDirect(172);
        packet.put(0, (byte) 0x80).putInt(8, 0x5eed);
        long base = drain.received.get();
        for (int i = 0; i < count; i++) {
            int seq = firstSeq + i;
            packet.clear();
            packet.putShort(2, (short) seq).putInt(4, seq * 160);
            sender.send(packet, to);
            long deadline = System.nanoTime() + 50_000_000L;
            while (i + 1 - (drain.received.get() - base) > 256 && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (drain.received.get() - base < count && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
    }

    @Test
    void relaysWithoutAllocatingPerPacket() throws Exception {
        RelayStream stream = session.stream(0, "audio");
        stream.setClockRate(Side.A, 8000);
        AtomicLong tapped = new AtomicLong();
        session.setTap((s, from, rtcp, packet, nanos) -> tapped.lazySet(tapped.get() + 1));
        try (DatagramChannel sender = openLoopback(); Drain drain = new Drain(openLoopback())) {
            stream.setRemote(Side.A, (InetSocketAddress) sender.getLocalAddress(), null, false);
            stream.setRemote(Side.B, (InetSocketAddress) drain.channel.getLocalAddress(), null, false);
            InetSocketAddress to = stream.localRtp(Side.A);

            pump(sender, to, drain, 0, 50_000); // warm-up: let the JIT compile the path

            long allocatedBefore = relayThreadAllocatedBytes();
            long packetsBefore = relay.totals().packets();
            long start = System.nanoTime();

            pump(sender, to, drain, 50_000, MEASURED_PACKETS);

            long elapsed = System.nanoTime() - start;
            long packets = relay.totals().packets() - packetsBefore;
            long allocated = relayThreadAllocatedBytes() - allocatedBefore;
            double perPacket = (double) allocated / packets;
            System.out.printf("relay thread: %d packets, %d bytes allocated = %.2f B/packet; %.0f packets/s%n",
                    packets, allocated, perPacket, packets / (elapsed / 1e9));

            assertTrue(packets >= MEASURED_PACKETS * 0.99, "forwarded " + packets);
            // Measured: 0 with fds below 128, 16 per selector wakeup above (the JDK's boxed fd, see start()).
            assertTrue(perPacket < 64, perPacket + " bytes allocated per packet");
            assertEquals(0, relay.totals().errors());
            assertTrue(tapped.get() >= 250_000 * 0.99);
            assertEquals(0, stream.counters(Side.A).lost());
        }
    }

    /** Sends {@code count} copies of {@code datagram}, each once the relay has counted the previous one as dropped. */
    private static void flood(DatagramChannel sender, InetSocketAddress to, ByteBuffer datagram, int count,
                              java.util.function.LongSupplier dropped) throws IOException {
        long base = dropped.getAsLong();
        for (int i = 0; i < count; i++) {
            sender.send(datagram.rewind(), to);
            long deadline = System.nanoTime() + 50_000_000L;
            while (dropped.getAsLong() - base < i + 1 && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void aFloodOfOversizedDatagramsIsDroppedWithoutAllocating() throws Exception {
        RelayStream stream = session.stream(0, "audio");
        try (DatagramChannel sender = openLoopback(); Drain drain = new Drain(openLoopback())) {
            sender.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
            stream.setRemote(Side.A, (InetSocketAddress) sender.getLocalAddress(), null, false);
            stream.setRemote(Side.B, (InetSocketAddress) drain.channel.getLocalAddress(), null, false);
            InetSocketAddress to = stream.localRtp(Side.A);
            ByteBuffer huge = ByteBuffer.allocateDirect(60_000);
            huge.put(0, (byte) 0x80).putInt(8, 0x5eed);
            flood(sender, to, huge, 5_000, () -> relay.totals().droppedOversized()); // warm-up

            long allocatedBefore = relayThreadAllocatedBytes();
            long droppedBefore = relay.totals().droppedOversized();
            long start = System.nanoTime();
            flood(sender, to, huge, 20_000, () -> relay.totals().droppedOversized());
            long elapsed = System.nanoTime() - start;
            long dropped = relay.totals().droppedOversized() - droppedBefore;
            long allocated = relayThreadAllocatedBytes() - allocatedBefore;
            System.out.printf("oversized flood: %d datagrams of 60000 bytes dropped, %d bytes allocated = %.2f B each;"
                    + " %.0f datagrams/s%n", dropped, allocated, (double) allocated / dropped, dropped / (elapsed / 1e9));

            assertTrue(dropped >= 20_000 * 0.99, "dropped " + dropped);
            assertTrue((double) allocated / dropped < 64, allocated + " bytes for " + dropped + " datagrams");
            assertEquals(0, drain.received.get(), "none forwarded");
            assertEquals(0, relay.totals().packets());
            assertEquals(0, relay.totals().errors());
            pump(sender, to, drain, 0, 100);
            assertEquals(100, drain.received.get(), "normal packets flow on");
        }
    }

    @Test
    void aFloodedSocketDoesNotStarveTheOthers() throws Exception {
        RelayStream flooded = session.stream(0, "video");
        RelayStream quiet = session.stream(1, "audio");
        AtomicBoolean flooding = new AtomicBoolean(true);
        try (DatagramChannel flooder = openLoopback(); DatagramChannel sink = openLoopback();
             TestParty a = new TestParty(); TestParty b = new TestParty()) {
            flooded.setRemote(Side.A, (InetSocketAddress) flooder.getLocalAddress(), null, false);
            flooded.setRemote(Side.B, (InetSocketAddress) sink.getLocalAddress(), null, false); // never read
            quiet.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
            quiet.setRemote(Side.B, b.rtpAddress(), b.rtcpAddress(), false);
            Thread flood = new Thread(() -> {
                ByteBuffer packet = ByteBuffer.wrap(RtpPackets.rtp(1, 1, 0xf, 1000));
                InetSocketAddress to = flooded.localRtp(Side.A);
                try {
                    while (flooding.get()) {
                        packet.rewind();
                        flooder.send(packet, to);
                    }
                } catch (IOException e) {
                    flooding.set(false);
                }
            }, "test-flood");
            flood.setDaemon(true);
            flood.start();
            try {
                Await.until("flood under way", 2000, () -> relay.totals().packets() > 1000);
                for (int i = 0; i < 20; i++) {
                    byte[] packet = RtpPackets.rtp(i, i * 160, 0xa, 160);
                    TestParty.send(a.rtp, packet, quiet.localRtp(Side.A));
                    assertArrayEquals(packet, TestParty.receive(b.rtp));
                }
            } finally {
                flooding.set(false);
                flood.join(2000);
            }
            assertTrue(flooded.counters(Side.A).rtpPackets() > 1000);
        }
    }

    /**
     * The receive budget of one round, with drain called by hand on a stream no loop reads: one datagram when the
     * socket was not read in the previous round (no receive that finds the socket empty), up to
     * {@link PacketForwarder#MAX_DATAGRAMS_PER_WAKEUP} when it was (a queue), and nothing lost or reordered either way.
     */
    @Test
    void readsOneDatagramPerRoundUnlessTheSocketWasReadInThePreviousRound() throws Exception {
        TimeSource time = TimeSource.system();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        PortAllocator ports = new PortAllocator(loopback, BASE + 100, BASE + 119);
        RelayLoop neverStarted = new RelayLoop("test-unused", time);
        RelaySession manual = new RelaySession(relay, "manual", (s, idle) -> { }, time, Duration.ofSeconds(60));
        RelayStream stream = new RelayStream(manual, 0, "audio", ports.allocate(), ports.allocate(), loopback,
                neverStarted, ports, time, TimeUnit.SECONDS.toNanos(3));
        PacketForwarder forwarder = new PacketForwarder(time);
        int sent = 100;
        try (DatagramChannel a = openLoopback(); DatagramChannel b = openLoopback();
             Selector readable = Selector.open()) {
            stream.setRemote(Side.A, (InetSocketAddress) a.getLocalAddress(), null, false);
            stream.setRemote(Side.B, (InetSocketAddress) b.getLocalAddress(), null, false);
            RelaySocket in = stream.party(Side.A).rtpSocket;
            ByteBuffer packet = ByteBuffer.allocate(172);
            for (int seq = 0; seq < sent; seq++) {
                packet.clear();
                packet.put(0, (byte) 0x80).putShort(2, (short) seq).putInt(8, 0x5eed);
                a.send(packet, in.local);
            }
            in.channel.register(readable, SelectionKey.OP_READ);
            assertTrue(readable.select(2000) == 1, "nothing arrived");

            forwarder.drain(in, 10);
            assertEquals(1, forwarder.counters().get(LoopCounters.PACKETS), "a first round reads one datagram");
            forwarder.drain(in, 12);
            assertEquals(2, forwarder.counters().get(LoopCounters.PACKETS), "so does a round after a gap");
            forwarder.drain(in, 13);
            long afterBurst = forwarder.counters().get(LoopCounters.PACKETS);
            assertTrue(afterBurst > 2 && afterBurst <= 2 + PacketForwarder.MAX_DATAGRAMS_PER_WAKEUP,
                    "a consecutive round drains up to the bound: " + afterBurst);
            int round = 14;
            while (forwarder.counters().get(LoopCounters.PACKETS) < sent && round < 10_000) {
                forwarder.drain(in, round++);
            }
            assertEquals(sent, forwarder.counters().get(LoopCounters.PACKETS));

            b.configureBlocking(false);
            ByteBuffer received = ByteBuffer.allocate(2048);
            for (int seq = 0; seq < sent; seq++) {
                received.clear();
                assertTrue(b.receive(received) != null, "datagram " + seq + " forwarded but not received");
                assertEquals(seq, received.getShort(2) & 0xffff);
            }
            assertEquals(sent, stream.counters(Side.A).rtpPackets());
            assertEquals(0, stream.counters(Side.A).lost());
        } finally {
            stream.forceClose();
            neverStarted.stop(0);
        }
    }
}
