package io.callrec.media.relay;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One relayed media stream (one SDP m-line): two port pairs, one facing each party. Packets arriving on the pair facing
 * one party leave, unchanged, from the pair facing the other.
 *
 * <p>Control methods may be called from any thread; the packet path reads what they publish without locks.
 */
public final class RelayStream {
    private static final CountDownLatch DONE = new CountDownLatch(0);

    private final RelaySession session;
    private final int index;
    private final String mediaType;
    private final RelayLoop loop;
    private final PortAllocator ports;
    private final TimeSource time;
    private final long learningWindowNanos;
    private final PortAllocator.PortPair pairA;
    private final PortAllocator.PortPair pairB;
    private final PartyEndpoint partyA;
    private final PartyEndpoint partyB;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean portsReleased = new AtomicBoolean();

    RelayStream(RelaySession session, int index, String mediaType, PortAllocator.PortPair pairA,
                PortAllocator.PortPair pairB, InetAddress bindAddress, RelayLoop loop, PortAllocator ports,
                TimeSource time, long learningWindowNanos) {
        this.session = session;
        this.index = index;
        this.mediaType = mediaType;
        this.loop = loop;
        this.ports = ports;
        this.time = time;
        this.learningWindowNanos = learningWindowNanos;
        this.pairA = pairA;
        this.pairB = pairB;
        this.partyA = new PartyEndpoint(this, Side.A, pairA, bindAddress, time);
        this.partyB = new PartyEndpoint(this, Side.B, pairB, bindAddress, time);
        partyA.other = partyB;
        partyB.other = partyA;
        // Before a party's SDP has been processed its media may already arrive (a late-offer caller sends right after
        // its ACK, a callee right after its 183/200): the first source within the learning window is latched rather
        // than dropped, so no media is lost to the race between signalling and media threads.
        long learnUntil = time.nanoTime() + learningWindowNanos;
        partyA.route = PeerRoute.undeclared(new SourceLatch(null, null, learnUntil));
        partyB.route = PeerRoute.undeclared(new SourceLatch(null, null, learnUntil));
    }

    /** The SDP m-line index. */
    public int index() {
        return index;
    }

    /** "audio", "video", ... as in the m-line. */
    public String mediaType() {
        return mediaType;
    }

    /** The session this stream belongs to. */
    public RelaySession session() {
        return session;
    }

    /** The socket the party on {@code facing} sends RTP to and receives RTP from (put it in that party's SDP). */
    public InetSocketAddress localRtp(Side facing) {
        return party(facing).rtpSocket.local;
    }

    /** The socket the party on {@code facing} uses for RTCP when it does not mux. */
    public InetSocketAddress localRtcp(Side facing) {
        return party(facing).rtcpSocket.local;
    }

    /**
     * What the party on {@code side} declared in its SDP: where it receives RTP/RTCP and whether it muxes RTCP on the
     * RTP port. {@code rtp == null}, port 0 or a wildcard address ({@code c=0.0.0.0} hold) = that side receives
     * nothing: packets toward it are dropped (counted). {@code rtcp == null} without mux means RTP port + 1.
     *
     * <p>If the address changes, latching for that side restarts (new learning window) and the session's inactivity
     * clock restarts. Going on hold (no address) keeps the latch, so the party's own packets (e.g. music on hold) are
     * still accepted; coming back with the same address keeps it too.
     *
     * @throws IllegalArgumentException if an address is unresolved
     */
    public void setRemote(Side side, InetSocketAddress rtp, InetSocketAddress rtcp, boolean rtcpMux) {
        Objects.requireNonNull(side, "side");
        InetSocketAddress rtpDestination = receivingAddress(rtp);
        InetSocketAddress rtcpDestination = null;
        if (rtpDestination != null) {
            InetSocketAddress declaredRtcp = receivingAddress(rtcp);
            if (rtcpMux) {
                rtcpDestination = rtpDestination;
            } else if (declaredRtcp != null) {
                rtcpDestination = declaredRtcp;
            } else {
                rtcpDestination = new InetSocketAddress(rtpDestination.getAddress(), rtpDestination.getPort() + 1);
            }
        }
        PartyEndpoint party = party(side);
        synchronized (party) {
            PeerRoute old = party.route;
            SourceLatch latch;
            boolean sameSource = old != null && (rtpDestination == null
                    || (rtpDestination.equals(old.latch().expectedRtp())
                        && rtcpDestination.equals(old.latch().expectedRtcp())));
            if (sameSource) {
                latch = old.latch();
            } else {
                long now = time.nanoTime();
                latch = new SourceLatch(rtpDestination, rtcpDestination, now + learningWindowNanos);
                session.touch(now);
            }
            party.route = new PeerRoute(rtpDestination, rtcpDestination, rtcpMux, latch, true);
        }
    }

    /**
     * The SRTP keys of the leg facing the party on {@code side}, as its SDP offer/answer settled them
     * ({@link LegKeys#PLAIN} for plain RTP, the default). Takes effect with the next packet. Keys equal to those in
     * force change nothing: the per-SSRC contexts, their roll-over counters and replay windows stay (a re-INVITE that
     * does not re-key, RFC 4568 §7.1.4); a changed key starts new contexts for its direction.
     */
    public void setKeys(Side side, LegKeys keys) {
        Objects.requireNonNull(side, "side");
        party(side).publishKeys(keys);
    }

    /**
     * DTLS-SRTP on the leg facing the party on {@code side} (RFC 5764), or none ({@code null}). A new leg holds the
     * leg's media ({@link LegKeys#AWAITING}) and collects the party's DTLS datagrams; once it {@link DtlsLeg#known()
     * knows} our role and the party's fingerprint the handshake runs on a thread of its own and publishes the leg's
     * keys when done, as {@link #setKeys} would. The same leg again (a re-INVITE with the same fingerprint and
     * setup) changes nothing: the association and the SRTP contexts stay. A pending leg that becomes known keeps
     * the datagrams it collected. Anything else ends the old association and starts a new one. {@code null} ends it;
     * the keys are then the caller's to set.
     */
    public void setDtls(Side side, DtlsLeg leg) {
        Objects.requireNonNull(side, "side");
        PartyEndpoint party = party(side);
        synchronized (party) {
            DtlsEndpoint current = party.dtls;
            if (leg == null) {
                party.dtls = null;
                if (current != null) {
                    current.shutdown();
                }
                return;
            }
            if (current != null && !closed.get()) {
                DtlsLeg was = current.leg();
                if (was.equals(leg)) {
                    return;
                }
                if (!was.known() && was.identity() == leg.identity()) {
                    current.start(leg);
                    return;
                }
                current.shutdown();
            }
            party.publishKeys(LegKeys.AWAITING);
            DtlsEndpoint next = new DtlsEndpoint(this, party, leg, session.relay().dtlsCounters(),
                    io.callrec.media.dtls.DtlsHandshake.DEFAULT_TIMEOUT);
            party.dtls = next;
            if (closed.get()) {
                next.shutdown();
                return;
            }
            next.start(leg);
        }
    }

    /** The DTLS-SRTP set for the leg facing the party on {@code side}, if any. */
    public Optional<DtlsLeg> dtls(Side side) {
        DtlsEndpoint endpoint = party(side).dtls;
        return endpoint == null ? Optional.empty() : Optional.of(endpoint.leg());
    }

    /** The SRTP keys last set for the leg facing the party on {@code side}. */
    public LegKeys keys(Side side) {
        return party(side).crypto.publishedKeys();
    }

    /**
     * Sends an RTCP packet of the relay's own (e.g. a keyframe request) to the party on {@code toward}, from the socket
     * that party talks to, where the relay sends that party's RTCP. Safe from any thread; never blocks (a full socket
     * buffer drops it). To a party that receives SRTP the packet is copied and protected and sent by the stream's
     * relay thread, which alone uses the leg's contexts; {@code packet} is then left as it was.
     *
     * @return false if the party has no RTCP destination yet, the stream is closed or the send failed (for SRTP:
     *         could not be queued)
     */
    public boolean sendRtcp(Side toward, ByteBuffer packet) {
        Objects.requireNonNull(toward, "toward");
        PartyEndpoint party = party(toward);
        PeerRoute route = party.route;
        if (closed.get() || route == null || !route.receives()) {
            return false;
        }
        InetSocketAddress destination = route.mux() ? route.rtpDestination() : route.rtcpDestination();
        if (destination == null) {
            return false;
        }
        RelaySocket socket = route.mux() ? party.rtpSocket : party.rtcpSocket;
        LegKeys keys = party.crypto.publishedKeys();
        if (keys.awaiting()) {
            return false; // never in the clear to a party that may expect SRTP
        }
        if (keys.toParty() != null) {
            ByteBuffer copy = ByteBuffer.allocate(packet.remaining() + LegCrypto.MAX_OVERHEAD);
            copy.put(packet.duplicate()).flip();
            return loop.execute(() -> protectAndSend(party, copy, socket, destination));
        }
        try {
            return socket.channel.send(packet, destination) > 0;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** Relay thread: {@link #sendRtcp} toward a party that receives SRTP. */
    private void protectAndSend(PartyEndpoint party, ByteBuffer packet, RelaySocket socket,
                                InetSocketAddress destination) {
        LoopCounters counters = loop.counters();
        if (closed.get() || !party.crypto.sendsSrtp()) {
            return; // closed, or the leg went plain meanwhile: the packet was for the keys of its time
        }
        int outcome = party.crypto.protect(packet, true);
        counters.increment(outcome);
        if (outcome != LoopCounters.SRTP_ENCRYPTED) {
            return;
        }
        try {
            if (socket.channel.send(packet, destination) == 0) {
                counters.increment(LoopCounters.SEND_FAILED);
            }
        } catch (java.io.IOException | RuntimeException e) {
            counters.increment(LoopCounters.SEND_FAILED);
        }
    }

    /** The RTP clock rate of what the party on {@code from} sends, for jitter in ms; 0 = unknown (no jitter). */
    public void setClockRate(Side from, int hz) {
        party(from).counters.clockRate(hz);
    }

    /** Counters about packets received from the party on {@code from}. */
    public StreamCounters counters(Side from) {
        return party(from).counters;
    }

    /** The RTP source latched for the party on {@code side}, if any. */
    public Optional<InetSocketAddress> latchedSource(Side side) {
        PeerRoute route = party(side).route;
        return route == null ? Optional.empty() : Optional.ofNullable(route.latch().rtpSource());
    }

    /** The RTCP source latched for the party on {@code side} (non-muxed RTCP), if any. */
    public Optional<InetSocketAddress> latchedRtcpSource(Side side) {
        PeerRoute route = party(side).route;
        return route == null ? Optional.empty() : Optional.ofNullable(route.latch().rtcpSource());
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return session.name() + "#" + index + "(" + mediaType + ")";
    }

    PartyEndpoint party(Side side) {
        return side == Side.A ? partyA : partyB;
    }

    List<RelaySocket> sockets() {
        return List.of(partyA.rtpSocket, partyA.rtcpSocket, partyB.rtpSocket, partyB.rtcpSocket);
    }

    RelayLoop loop() {
        return loop;
    }

    void startReading() {
        loop.register(sockets());
    }

    /** Closes the sockets through the owning loop; the latch opens once the ports are back in the allocator. */
    CountDownLatch beginClose() {
        if (!closed.compareAndSet(false, true)) {
            return DONE;
        }
        shutdownDtls();
        return loop.close(sockets(), this::releasePorts);
    }

    /** For when the loop did not close the sockets in time: closes them here and frees the ports. */
    void forceClose() {
        closed.set(true);
        shutdownDtls();
        RelayLoop.closeNow(sockets());
        releasePorts();
    }

    private void shutdownDtls() {
        for (PartyEndpoint party : List.of(partyA, partyB)) {
            DtlsEndpoint endpoint = party.dtls;
            if (endpoint != null) {
                endpoint.shutdown();
            }
        }
    }

    private void releasePorts() {
        if (portsReleased.compareAndSet(false, true)) {
            ports.release(pairA.rtpPort());
            ports.release(pairB.rtpPort());
            loop.streamClosed(RelayLoop.kindOf(mediaType));
        }
    }

    private static InetSocketAddress receivingAddress(InetSocketAddress address) {
        if (address == null || address.getPort() == 0) {
            return null;
        }
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address " + address + " is unresolved");
        }
        return address.getAddress().isAnyLocalAddress() ? null : address;
    }
}
