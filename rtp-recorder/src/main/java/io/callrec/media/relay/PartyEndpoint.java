package io.callrec.media.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The relay's side of one stream facing one party: its two sockets, its declared route and what came from it. */
final class PartyEndpoint {
    final Side side;
    final RelaySocket rtpSocket;
    final RelaySocket rtcpSocket;
    final StreamCounters counters;
    /** SRTP on this leg: keys from signalling, contexts of the stream's relay thread. */
    final LegCrypto crypto = new LegCrypto();
    /**
     * Whether the keys last published are {@link LegKeys#PLAIN}: the packet path reads this flag instead of asking
     * {@link #crypto}, so a plain leg (most calls) does not touch the crypto state at all. Written with the keys
     * under {@link #crypto}'s lock ({@link #publishKeys}), so the two never disagree once a publication is done.
     */
    volatile boolean plainMedia = true;
    /**
     * The endpoint facing the other party of the same stream: where this party's packets go. Set once by the
     * stream's constructor, before its sockets are handed to a relay thread (a queued task, which publishes it).
     */
    PartyEndpoint other;
    /** DTLS-SRTP on this leg, null without; replaced under this object's lock by {@link RelayStream#setDtls}. */
    volatile DtlsEndpoint dtls;
    /** Null until the party's SDP is known; replaced as a whole by {@link RelayStream#setRemote}. */
    volatile PeerRoute route;

    PartyEndpoint(RelayStream stream, Side side, PortAllocator.PortPair ports, InetAddress bindAddress, TimeSource time) {
        this.side = side;
        this.counters = new StreamCounters(time);
        this.rtpSocket = new RelaySocket(stream, this, false, ports.rtp(),
                new InetSocketAddress(bindAddress, ports.rtpPort()));
        this.rtcpSocket = new RelaySocket(stream, this, true, ports.rtcp(),
                new InetSocketAddress(bindAddress, ports.rtcpPort()));
    }

    /** Signalling or the DTLS handshake: the leg's keys from the next packet on. */
    void publishKeys(LegKeys keys) {
        synchronized (crypto) {
            crypto.publish(keys);
            plainMedia = LegKeys.PLAIN.equals(keys);
        }
    }
}
