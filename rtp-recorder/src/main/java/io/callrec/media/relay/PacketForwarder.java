package io.callrec.media.relay;

import io.callrec.media.rtp.RtpHeader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packet path of one relay thread: receive, check, forward unchanged, hand to the tap. On a leg that uses SRTP
 * the packet is unprotected in place right after the checks and, for a party that receives SRTP, protected in place
 * again with that leg's own key just before it is sent, so the tap always sees plain RTP and RTCP ({@link LegCrypto}).
 *
 * <p>Nothing here allocates per packet: one direct buffer per thread receives every datagram (a direct buffer lets
 * the JDK read straight into it), the source address object is the one the JDK caches per channel while the sender
 * stays the same, and counters are release stores into preallocated arrays. Errors are counted; logs are rate-limited.
 * {@code PacketForwarderTest} measures the relay thread's allocation (0 bytes per packet on JDK 17, plain RTP; with
 * SRTP, what the JDK's HMAC or GCM allocate, see {@code CryptoContext}).
 *
 * <p>Sockets are deliberately not {@code connect}ed to the latched source, although the kernel would then filter
 * strangers for us: strangers must be counted (RTP bleed is worth seeing in the stats), the tap and the latch need the
 * source anyway, re-latching after a new SDP would need a disconnect on the loop thread, and a connected UDP socket
 * turns ICMP errors into exceptions on the next read. Comparing the cached source address costs no allocation.
 */
final class PacketForwarder {
    private static final Logger LOG = LoggerFactory.getLogger(PacketForwarder.class);

    /**
     * Per socket and round, for a socket that is read in consecutive rounds (a burst), so one flooded socket cannot
     * starve the others: epoll reports it again next round.
     */
    static final int MAX_DATAGRAMS_PER_WAKEUP = 64;
    /**
     * The largest datagram relayed: what a 9000-byte jumbo frame carries over IPv4 without IP fragmentation. RTP
     * senders keep packets within the path MTU (RFC 3550 §11; video payload formats fragment frames for it), so
     * anything bigger is a fragmented flood or an attack; it is dropped and counted, never forwarded or recorded.
     */
    static final int MAX_PACKET_BYTES = 9000 - 20 - 8;
    /**
     * One byte more than the largest datagram relayed: the JDK silently cuts a datagram to the buffer, so a full
     * buffer means "too big", and the kernel copies at most this much of a 64 KiB datagram.
     */
    static final int RECEIVE_BUFFER_BYTES = MAX_PACKET_BYTES + 1;

    /** RFC 7983 §7: a first byte in 20..63 is DTLS; RTP and RTCP start at 128. */
    static final int DTLS_FIRST_BYTE_MIN = 20;
    static final int DTLS_FIRST_BYTE_MAX = 63;

    /** Room after the largest datagram for the SRTP tag protecting it in place. */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(RECEIVE_BUFFER_BYTES + LegCrypto.MAX_OVERHEAD);
    /** Same memory, read-only: what the tap gets, so it cannot corrupt the next packet. */
    private final ByteBuffer tapView = buffer.asReadOnlyBuffer();
    private final TimeSource time;
    private final LoopCounters counters = new LoopCounters();
    private final RateLimitedLog errorLog;
    private final RateLimitedLog sendLog;
    private final RateLimitedLog tapLog;

    PacketForwarder(TimeSource time) {
        this.time = time;
        long interval = TimeUnit.SECONDS.toNanos(10);
        this.errorLog = new RateLimitedLog(time, interval);
        this.sendLog = new RateLimitedLog(time, interval);
        this.tapLog = new RateLimitedLog(time, interval);
    }

    LoopCounters counters() {
        return counters;
    }

    /**
     * Reads and relays what waits on {@code socket} in select round {@code round}: one datagram, or up to
     * {@link #MAX_DATAGRAMS_PER_WAKEUP} when the socket was also read in the previous round.
     *
     * <p>Why one: reading until the socket is empty costs a receive that finds nothing (a {@code recvfrom} syscall
     * returning EAGAIN) per socket and round, and an audio socket (one datagram every 20-30 ms) is almost always
     * empty after one read, so that was one wasted syscall per packet. epoll is level-triggered: a datagram left
     * behind makes the socket ready again in the next round, which follows at once. A socket ready in consecutive
     * rounds has a queue (a video keyframe, a flood); it is drained as before.
     */
    void drain(RelaySocket socket, int round) {
        int budget = socket.lastDrainRound == round - 1 ? MAX_DATAGRAMS_PER_WAKEUP : 1;
        socket.lastDrainRound = round;
        DatagramChannel channel = socket.channel;
        for (int i = 0; i < budget; i++) {
            buffer.clear().limit(RECEIVE_BUFFER_BYTES);
            SocketAddress source;
            try {
                source = channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return; // the stream was closed meanwhile (possibly by the tap); its key goes away with the next select
            } catch (IOException | RuntimeException e) {
                countError(socket, e);
                return;
            }
            if (source == null) {
                return;
            }
            try {
                relay(socket, (InetSocketAddress) source, buffer.flip().limit());
            } catch (RuntimeException e) {
                countError(socket, e);
            }
        }
    }

    private void relay(RelaySocket in, InetSocketAddress source, int length) {
        long now = time.nanoTime();
        PartyEndpoint from = in.party;

        // INGRESS: is it RTP/RTCP at all, and does it come from the party? Classify first so garbage never latches.
        if (length > MAX_PACKET_BYTES) {
            from.counters.countOversized();
            counters.increment(LoopCounters.OVERSIZED);
            return;
        }
        int first = length == 0 ? 0 : buffer.get(0) & 0xff;
        if (first >= DTLS_FIRST_BYTE_MIN && first <= DTLS_FIRST_BYTE_MAX) {
            dtls(in, source, length, now);
            return;
        }
        // A plain leg never touches its crypto state: one flag on the endpoint already in hand says so.
        boolean fromPlain = from.plainMedia;
        int kind = PacketClassifier.classify(buffer, in.rtcpPort, !fromPlain && from.crypto.receivesSrtp());
        if (kind == PacketClassifier.MALFORMED) {
            from.counters.countMalformed();
            counters.increment(LoopCounters.MALFORMED);
            return;
        }
        PeerRoute fromRoute = from.route;
        if (fromRoute == null || !fromRoute.latch().admit(source, in.rtcpPort, now)) {
            from.counters.countStranger();
            counters.increment(LoopCounters.STRANGER);
            return;
        }
        boolean rtcp = kind == PacketClassifier.RTCP;
        if (!fromPlain) {
            if (from.crypto.awaitingKeys()) {
                counters.increment(LoopCounters.SRTP_AWAITING_KEYS);
                return;
            }
            if (from.crypto.receivesSrtp()) {
                // Before anything counts the packet as received: only authentic packets are media.
                buffer.limit(length).position(0);
                int outcome = from.crypto.unprotect(buffer, rtcp);
                counters.increment(outcome);
                if (outcome != LoopCounters.SRTP_DECRYPTED) {
                    return;
                }
                length = buffer.limit();
                if (!rtcp && !RtpHeader.isValid(buffer)) {
                    from.counters.countMalformed(); // authentic, but its padding count does not fit
                    counters.increment(LoopCounters.MALFORMED);
                    return;
                }
            }
        }
        // The session's inactivity check reads these counters' last-seen times: no per-packet write to the session.
        if (rtcp) {
            from.counters.onRtcp(now);
        } else {
            from.counters.onRtp(buffer, length, now);
        }

        // EGRESS: byte for byte to the other party, out of the socket that party talks to. A party that receives
        // SRTP gets it after the tap, since protecting rewrites the buffer in place.
        PartyEndpoint to = from.other;
        boolean protect = !to.plainMedia && to.crypto.sendsSrtp();
        if (!protect) {
            forward(to, rtcp, length, false);
        }

        // POST: the recorder's tap sees what was accepted, forwarded or not.
        RecordingTap tap = in.session.tap();
        if (tap != null) {
            tapView.limit(length).position(0);
            try {
                tap.onPacket(in.stream, from.side, rtcp, tapView, now);
            } catch (RuntimeException e) {
                counters.increment(LoopCounters.TAP_ERRORS);
                if (tapLog.permit()) {
                    LOG.warn("recording tap of {} failed ({} more suppressed)", in.stream, tapLog.takeSuppressed(), e);
                }
            }
        }
        if (protect) {
            forward(to, rtcp, length, true);
        }
    }

    /**
     * A DTLS datagram (RFC 7983 demultiplexing): to the leg's handshake if the leg uses DTLS-SRTP and the datagram
     * comes from the party (it may latch the party's source, as a ClientHello is often its first packet), else
     * dropped and counted: never answered on a plain or SDES leg.
     */
    private void dtls(RelaySocket in, InetSocketAddress source, int length, long now) {
        PartyEndpoint from = in.party;
        DtlsEndpoint endpoint = from.dtls;
        if (endpoint == null || in.rtcpPort) {
            counters.increment(LoopCounters.DTLS_STRAY);
            return;
        }
        PeerRoute route = from.route;
        if (route == null || !route.latch().admit(source, false, now)) {
            from.counters.countStranger();
            counters.increment(LoopCounters.STRANGER);
            return;
        }
        if (!endpoint.offer(buffer, length)) {
            counters.increment(LoopCounters.DTLS_DROPPED);
        }
    }

    private void forward(PartyEndpoint to, boolean rtcp, int length, boolean protect) {
        PeerRoute route = to.route;
        if (route == null || !route.receives()) {
            counters.increment(LoopCounters.NO_DESTINATION);
            return;
        }
        RelaySocket out;
        InetSocketAddress destination;
        if (rtcp && !route.mux()) {
            out = to.rtcpSocket;
            destination = route.rtcpDestination();
        } else {
            out = to.rtpSocket;
            destination = route.rtpDestination();
        }
        if (destination == null) {
            counters.increment(LoopCounters.NO_DESTINATION);
            return;
        }
        if (!to.plainMedia && to.crypto.awaitingKeys()) {
            counters.increment(LoopCounters.SRTP_AWAITING_KEYS);
            return;
        }
        buffer.limit(length).position(0);
        if (protect) {
            int outcome = to.crypto.protect(buffer, rtcp);
            counters.increment(outcome);
            if (outcome != LoopCounters.SRTP_ENCRYPTED) {
                return;
            }
            length = buffer.limit();
        }
        try {
            // Non-blocking: 0 means the socket's send buffer is full; the packet is dropped rather than queued.
            if (out.channel.send(buffer, destination) == 0) {
                countSendFailure(out, destination, null);
                return;
            }
        } catch (IOException | RuntimeException e) {
            countSendFailure(out, destination, e);
            return;
        }
        counters.increment(LoopCounters.PACKETS);
        counters.add(LoopCounters.BYTES, length);
    }

    private void countSendFailure(RelaySocket out, InetSocketAddress destination, Exception e) {
        counters.increment(LoopCounters.SEND_FAILED);
        if (sendLog.permit()) {
            LOG.warn("send from {} to {} failed: {} ({} more suppressed)", out, destination,
                    e == null ? "socket buffer full" : e.toString(), sendLog.takeSuppressed());
        }
    }

    private void countError(RelaySocket socket, Exception e) {
        counters.increment(LoopCounters.ERRORS);
        if (errorLog.permit()) {
            LOG.error("packet handling on {} failed ({} more suppressed)", socket, errorLog.takeSuppressed(), e);
        }
    }
}
