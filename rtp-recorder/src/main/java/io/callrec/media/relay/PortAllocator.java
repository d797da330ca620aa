package io.callrec.media.relay;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out RTP/RTCP port pairs (RTP even, RTCP = RTP + 1) in a range and binds both sockets.
 *
 * <p>Free pairs form a FIFO: a released pair goes to the back, so late packets of a finished call reach a closed port
 * rather than the next call for as long as the range allows. A pair whose ports someone else holds is skipped and
 * retried later. Thread-safe; used on the signalling path only.
 */
public final class PortAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(PortAllocator.class);

    /** Socket buffers sized for bursts of video (a keyframe is dozens of packets); the kernel may cap them. */
    static final int SOCKET_BUFFER_BYTES = 256 * 1024;

    private final InetAddress bindAddress;
    private final int portMin;
    private final int portMax;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final BitSet inUse = new BitSet();

    /** A bound pair of non-blocking channels: {@code rtp} on an even port, {@code rtcp} on the next one. */
    public record PortPair(int rtpPort, DatagramChannel rtp, DatagramChannel rtcp) {
        public int rtcpPort() {
            return rtpPort + 1;
        }
    }

    public PortAllocator(InetAddress bindAddress, int portMin, int portMax) {
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
        if (portMin % 2 != 0 || portMin >= portMax || portMin < 1 || portMax > 65535) {
            throw new IllegalArgumentException("bad port range " + portMin + "-" + portMax);
        }
        this.portMin = portMin;
        this.portMax = portMax;
        for (int port = portMin; port + 1 <= portMax; port += 2) {
            free.addLast(port);
        }
    }

    /** Binds the next free pair; ports that fail to bind (taken by another process) are skipped. */
    public synchronized PortPair allocate() throws PortsExhaustedException {
        int attempts = free.size();
        IOException lastFailure = null;
        for (int i = 0; i < attempts; i++) {
            int port = free.pollFirst();
            DatagramChannel rtp = null;
            DatagramChannel rtcp = null;
            try {
                rtp = openBound(port);
                rtcp = openBound(port + 1);
                inUse.set(port);
                return new PortPair(port, rtp, rtcp);
            } catch (IOException e) {
                closeQuietly(rtp);
                closeQuietly(rtcp);
                lastFailure = e;
                free.addLast(port);
                LOG.debug("port pair {}/{} on {} not available: {}", port, port + 1, bindAddress, e.toString());
            }
        }
        String message = "no free RTP/RTCP port pair in " + portMin + "-" + portMax + " on "
                + bindAddress.getHostAddress() + " (" + inUse.cardinality() + " pairs in use, " + free.size()
                + " free but not bindable)";
        throw lastFailure == null ? new PortsExhaustedException(message) : new PortsExhaustedException(message, lastFailure);
    }

    /**
     * Returns the pair starting at {@code rtpPort} to the pool; its channels must already be closed.
     *
     * @return false if the pair was not in use (a second release is ignored)
     */
    public synchronized boolean release(int rtpPort) {
        if (rtpPort < portMin || rtpPort > portMax || !inUse.get(rtpPort)) {
            return false;
        }
        inUse.clear(rtpPort);
        free.addLast(rtpPort);
        return true;
    }

    /** Pairs currently handed out. */
    public synchronized int pairsInUse() {
        return inUse.cardinality();
    }

    /** Ports currently handed out (two per pair). */
    public int portsInUse() {
        return 2 * pairsInUse();
    }

    /** How many pairs the range holds. */
    public int capacity() {
        return (portMax - portMin + 1) / 2;
    }

    private DatagramChannel openBound(int port) throws IOException {
        DatagramChannel channel = DatagramChannel.open(familyOf(bindAddress));
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.bind(new InetSocketAddress(bindAddress, port));
            channel.configureBlocking(false);
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** An IPv4 bind address gets an IPv4 socket; an IPv6 one (incl. {@code ::}) a dual-stack IPv6 socket. */
    static ProtocolFamily familyOf(InetAddress address) {
        return address instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed: {}", channel, e.toString());
        }
    }
}
