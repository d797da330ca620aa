package io.callrec.media.relay;

import io.callrec.media.srtp.SrtpContext;
import io.callrec.media.srtp.SrtpKeyMaterial;
import io.callrec.media.srtp.SrtpProfile;
import io.callrec.media.srtp.SrtpVerdict;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark (not a test): what SRTP adds to the relay's cost per packet, with real loopback sockets. One stream, one
 * direction, one relay thread; the sender sends prepared packets (protected beforehand when its leg is SRTP, so its
 * crypto is not measured) keeping at most 64 in flight, a drain thread receives. Each case measures the relay
 * thread's CPU time and allocation over {@code packets} packets after a warm-up of as many, for plain RTP on both
 * legs, SRTP in and plain out, plain in and SRTP out, and SRTP on both legs, with AES-CM (HMAC-SHA1 80) and
 * AES-128-GCM, for a 160-byte audio and a 1200-byte video payload. Prints a Markdown table: µs of relay-thread CPU per
 * packet (receive, checks, crypto, tap, send), the difference to plain, and bytes allocated per packet.
 *
 * <p>Run: {@code java -cp <test classpath> io.callrec.media.relay.SrtpRelayBenchMain [packets per case=100000]}.
 */
public final class SrtpRelayBenchMain {
    private static final int IN_FLIGHT = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SrtpRelayBenchMain() {
    }

    private enum Legs { PLAIN, SRTP_TO_PLAIN, PLAIN_TO_SRTP, SRTP_TO_SRTP }

    public static void main(String[] args) throws Exception {
        int packets = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        System.out.println("| legs | profile | payload | relay CPU µs/packet | + vs plain | bytes allocated/packet |");
        System.out.println("|---|---|---:|---:|---:|---:|");
        for (int payload : new int[] {160, 1200}) {
            double plain = run(Legs.PLAIN, SrtpProfile.AES_CM_128_HMAC_SHA1_80, payload, packets, 0);
            for (SrtpProfile profile : new SrtpProfile[] {SrtpProfile.AES_CM_128_HMAC_SHA1_80,
                    SrtpProfile.AEAD_AES_128_GCM}) {
                for (Legs legs : new Legs[] {Legs.SRTP_TO_PLAIN, Legs.PLAIN_TO_SRTP, Legs.SRTP_TO_SRTP}) {
                    run(legs, profile, payload, packets, plain);
                }
            }
        }
    }

    private static double run(Legs legs, SrtpProfile profile, int payload, int packets, double plainMicros)
            throws Exception {
        RelayConfig config = new RelayConfig(InetAddress.getByName("127.0.0.1"), 27600, 27619, 1,
                Duration.ofSeconds(3), Duration.ofSeconds(60));
        try (RtpRelay relay = RtpRelay.start(config);
             DatagramChannel sender = open(); DatagramChannel receiver = open()) {
            RelaySession session = relay.openSession("bench", (s, idle) -> { });
            session.setTap((s, from, rtcp, packet, nanos) -> { });
            RelayStream stream = session.stream(0, "video");
            stream.setRemote(Side.A, (InetSocketAddress) sender.getLocalAddress(), null, false);
            stream.setRemote(Side.B, (InetSocketAddress) receiver.getLocalAddress(), null, false);
            boolean srtpIn = legs == Legs.SRTP_TO_PLAIN || legs == Legs.SRTP_TO_SRTP;
            boolean srtpOut = legs == Legs.PLAIN_TO_SRTP || legs == Legs.SRTP_TO_SRTP;
            SrtpKeyMaterial fromA = SrtpKeyMaterial.random(profile, RANDOM);
            stream.setKeys(Side.A, new LegKeys(srtpIn ? fromA : null, null));
            stream.setKeys(Side.B, new LegKeys(null, srtpOut ? SrtpKeyMaterial.random(profile, RANDOM) : null));
            ByteBuffer[] wire = prepare(srtpIn ? SrtpContext.sender(fromA, 0x5eed) : null, payload, 2 * packets);
            PacketForwarderTest.Drain drain = new PacketForwarderTest.Drain(receiver);
            AtomicLong received = drain.received;
            InetSocketAddress to = stream.localRtp(Side.A);
            pump(sender, to, wire, 0, packets, received);

            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            threads.setThreadAllocatedMemoryEnabled(true);
            long relayThread = relay.loopThreadIds().get(0);
            long cpuBefore = threads.getThreadCpuTime(relayThread);
            long allocatedBefore = threads.getThreadAllocatedBytes(relayThread);
            long forwardedBefore = relay.totals().packets();
            pump(sender, to, wire, packets, packets, received);
            long forwarded = relay.totals().packets() - forwardedBefore;
            double micros = (threads.getThreadCpuTime(relayThread) - cpuBefore) / 1e3 / forwarded;
            double bytes = (double) (threads.getThreadAllocatedBytes(relayThread) - allocatedBefore) / forwarded;
            if (relay.totals().srtp().dropped() > 0 || forwarded < packets * 0.99) {
                throw new IllegalStateException(legs + " " + profile + ": " + relay.totals());
            }
            System.out.printf("| %s | %s | %d | %.2f | %s | %.0f |%n", legs.name().toLowerCase().replace('_', ' '),
                    legs == Legs.PLAIN ? "-" : profile.sdpName(), payload, micros,
                    legs == Legs.PLAIN ? "-" : String.format("%+.2f", micros - plainMicros), bytes);
            drain.close();
            return micros;
        }
    }

    private static DatagramChannel open() throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        return channel;
    }

    private static ByteBuffer[] prepare(SrtpContext protect, int payload, int count) {
        ByteBuffer[] out = new ByteBuffer[count];
        for (int seq = 0; seq < count; seq++) {
            ByteBuffer packet = ByteBuffer.allocate(12 + payload + 16);
            packet.put(0, (byte) 0x80).putShort(2, (short) seq).putInt(4, seq * 160).putInt(8, 0x5eed);
            packet.limit(12 + payload);
            if (protect != null && protect.protect(packet) != SrtpVerdict.OK) {
                throw new IllegalStateException("cannot protect packet " + seq);
            }
            out[seq] = packet;
        }
        return out;
    }

    private static void pump(DatagramChannel sender, InetSocketAddress to, ByteBuffer[] wire, int first, int count,
                             AtomicLong received) throws IOException {
        long base = received.get();
        for (int i = 0; i < count; i++) {
            sender.send(wire[first + i].duplicate(), to);
            long deadline = System.nanoTime() + 50_000_000L;
            while (i + 1 - (received.get() - base) > IN_FLIGHT && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (received.get() - base < count && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
    }
}
