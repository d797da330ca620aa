package io.callrec.media.relay;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;

/** One bound relay socket; the attachment of its selection key, so the packet path finds everything from it. */
final class RelaySocket {
    final RelayStream stream;
    /** The stream's session, held here so the packet path reads its tap without going through the stream. */
    final RelaySession session;
    final PartyEndpoint party;
    final boolean rtcpPort;
    final DatagramChannel channel;
    final InetSocketAddress local;
    /** Loop thread only: the last select round in which {@link PacketForwarder#drain} read this socket. */
    int lastDrainRound;

    RelaySocket(RelayStream stream, PartyEndpoint party, boolean rtcpPort, DatagramChannel channel,
                InetSocketAddress local) {
        this.stream = stream;
        this.session = stream == null ? null : stream.session(); // null: a loop test's bare socket
        this.party = party;
        this.rtcpPort = rtcpPort;
        this.channel = channel;
        this.local = local;
    }

    @Override
    public String toString() {
        return stream + "/" + party.side + (rtcpPort ? "/rtcp " : "/rtp ") + local;
    }
}
