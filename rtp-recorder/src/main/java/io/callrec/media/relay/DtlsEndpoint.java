package io.callrec.media.relay;

import io.callrec.media.dtls.DtlsHandshake;
import io.callrec.media.dtls.DtlsHandshakeException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DTLS side of one party's leg: the relay thread hands it the party's DTLS datagrams ({@link #offer}, a copy into
 * a bounded queue, never blocking), and a thread of its own runs the handshake over them, sending its records from
 * the leg's RTP socket to the party. When the handshake is done the leg's {@link LegKeys} are published, which lifts
 * the hold ({@link LegKeys#AWAITING}) on that leg; if it fails the hold stays, so no media passes from or to the
 * party, and the failure is counted and logged once.
 *
 * <p>After the handshake the thread goes on reading for {@link #LINGER}: a party whose copy of our last flight was
 * lost sends its own again, and bctls answers it while reading. Then the thread ends; later DTLS datagrams (a
 * close_notify at hang-up) are dropped and counted. {@link #close} ends it at once.
 */
final class DtlsEndpoint implements DatagramTransport {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsEndpoint.class);
    /** Datagrams waiting for the handshake thread; a flight is a handful. */
    static final int QUEUE_CAPACITY = 32;
    static final Duration LINGER = Duration.ofSeconds(15);
    /** What we put in one datagram: fits the minimum IPv6 path MTU, as bctls fragments handshake messages to it. */
    private static final int SEND_LIMIT = 1200;
    /** Put in the queue by {@link #shutdown} to end a waiting receive at once. */
    private static final byte[] WAKE_UP = new byte[0];

    private final RelayStream stream;
    private final PartyEndpoint party;
    private final DtlsCounters counters;
    private final Duration timeout;
    private final BlockingQueue<byte[]> inbox = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private volatile DtlsLeg leg;
    private volatile boolean closed;
    /** False once the handshake thread stopped reading: nothing more is queued. */
    private volatile boolean accepting = true;
    private Thread thread; // guarded by this

    DtlsEndpoint(RelayStream stream, PartyEndpoint party, DtlsLeg leg, DtlsCounters counters, Duration timeout) {
        this.stream = stream;
        this.party = party;
        this.leg = leg;
        this.counters = counters;
        this.timeout = timeout;
    }

    DtlsLeg leg() {
        return leg;
    }

    /**
     * Relay thread: queues a copy of the datagram {@code packet[0..length)}; the caller keeps the buffer.
     *
     * @return false if it was not taken (queue full, handshake over, closed)
     */
    boolean offer(ByteBuffer packet, int length) {
        if (closed || !accepting) {
            return false;
        }
        byte[] copy = new byte[length];
        packet.get(0, copy, 0, length);
        return inbox.offer(copy);
    }

    /** Starts the handshake once the leg knows its role and the party's fingerprint; a no-op before or after. */
    synchronized void start(DtlsLeg known) {
        leg = known;
        if (thread != null || closed || !known.known()) {
            return;
        }
        thread = new Thread(this::run, "dtls-" + stream + "-" + party.side);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Ends the handshake or association; idempotent, any thread. The thread is woken by a marker in its queue, never
     * interrupted: an interrupt during a send would close the stream's socket (an interruptible channel).
     */
    void shutdown() {
        closed = true;
        accepting = false;
        inbox.clear();
        inbox.offer(WAKE_UP);
    }

    private void run() {
        DtlsLeg l = leg;
        long started = System.nanoTime();
        DtlsHandshake.Result result;
        try {
            result = DtlsHandshake.run(this, l.role(), l.identity(), l.remote(), l.preference(), timeout);
        } catch (DtlsHandshakeException e) {
            accepting = false;
            inbox.clear();
            if (!closed) {
                counters.failed(e.reason());
                LOG.warn("call {}: DTLS-SRTP with the party on {} side {} failed, no media on that leg: {}",
                        stream.session().name(), stream, party.side, e.getMessage());
            }
            return;
        }
        if (closed) {
            return;
        }
        party.publishKeys(new LegKeys(result.keys().fromParty(), result.keys().toParty()));
        counters.succeeded();
        LOG.info("call {}: DTLS-SRTP keys for {} side {} ({}, we are {}) after {} ms", stream.session().name(),
                stream, party.side, result.keys().profile().dtlsName(), l.role(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        linger(result.transport());
    }

    private void linger(DTLSTransport dtls) {
        byte[] buffer = new byte[PacketForwarder.MAX_PACKET_BYTES];
        long until = System.nanoTime() + LINGER.toNanos();
        try {
            while (!closed && System.nanoTime() < until) {
                dtls.receive(buffer, 0, buffer.length, 500); // application data and alerts are of no use to us
            }
        } catch (IOException e) {
            LOG.debug("DTLS association of {} side {} ended: {}", stream, party.side, e.toString());
        } finally {
            accepting = false;
            inbox.clear();
        }
    }

    @Override
    public int getReceiveLimit() {
        return PacketForwarder.MAX_PACKET_BYTES;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new InterruptedIOException("DTLS leg closed");
        }
        byte[] datagram;
        try {
            datagram = inbox.poll(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("DTLS leg closed");
        }
        if (datagram == null) {
            return -1;
        }
        if (datagram == WAKE_UP || closed) {
            throw new InterruptedIOException("DTLS leg closed");
        }
        int n = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    /** Sends from the leg's RTP socket (rtcp-mux) to where the party's media comes from, else to its SDP address. */
    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new InterruptedIOException("DTLS leg closed");
        }
        PeerRoute route = party.route;
        InetSocketAddress destination = route == null ? null
                : route.latch().rtpSource() != null ? route.latch().rtpSource() : route.rtpDestination();
        if (destination == null) {
            return; // nowhere to send yet: bctls sends the flight again
        }
        party.rtpSocket.channel.send(ByteBuffer.wrap(buf, off, len), destination);
    }

    @Override
    public void close() {
        // bctls closes its transport when the association ends; the socket belongs to the stream.
    }
}
