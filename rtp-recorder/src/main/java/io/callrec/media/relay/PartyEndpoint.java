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
}
