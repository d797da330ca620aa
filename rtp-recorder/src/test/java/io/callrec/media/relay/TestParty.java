package io.callrec.media.relay;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/** A phone on loopback for tests: an RTP and an RTCP socket with a receive timeout. */
final class TestParty implements AutoCloseable {
    static final int RECEIVE_TIMEOUT_MILLIS = 2000;

    final DatagramSocket rtp;
    final DatagramSocket rtcp;

    TestParty(String address) throws IOException {
        InetAddress ip = InetAddress.getByName(address);
        rtp = new DatagramSocket(new InetSocketAddress(ip, 0));
        rtcp = new DatagramSocket(new InetSocketAddress(ip, 0));
        rtp.setSoTimeout(RECEIVE_TIMEOUT_MILLIS);
        rtcp.setSoTimeout(RECEIVE_TIMEOUT_MILLIS);
    }

    TestParty() throws IOException {
        this("127.0.0.1");
    }

    InetSocketAddress rtpAddress() {
        return (InetSocketAddress) rtp.getLocalSocketAddress();
    }

    InetSocketAddress rtcpAddress() {
        return (InetSocketAddress) rtcp.getLocalSocketAddress();
    }

    static void send(DatagramSocket from, byte[] data, InetSocketAddress to) throws IOException {
        from.send(new DatagramPacket(data, data.length, to));
    }

    /** A received datagram and where it came from. */
    record Datagram(byte[] data, InetSocketAddress source) {
    }

    /** The next datagram on {@code socket}, or null after the timeout. */
    static Datagram receiveFrom(DatagramSocket socket, int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new Datagram(Arrays.copyOfRange(packet.getData(), packet.getOffset(),
                packet.getOffset() + packet.getLength()), (InetSocketAddress) packet.getSocketAddress());
    }

    /** The next datagram on {@code socket}; fails the test after the timeout. */
    static Datagram receiveFrom(DatagramSocket socket) throws IOException {
        Datagram datagram = receiveFrom(socket, RECEIVE_TIMEOUT_MILLIS);
        if (datagram == null) {
            throw new AssertionError("nothing received on " + socket.getLocalSocketAddress() + " within "
                    + RECEIVE_TIMEOUT_MILLIS + " ms");
        }
        return datagram;
    }

    /** The next datagram's bytes on {@code socket}; fails the test after the timeout. */
    static byte[] receive(DatagramSocket socket) throws IOException {
        return receiveFrom(socket).data();
    }

    @Override
    public void close() {
        rtp.close();
        rtcp.close();
    }
}
