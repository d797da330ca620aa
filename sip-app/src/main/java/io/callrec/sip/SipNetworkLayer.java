package io.callrec.sip;

import gov.nist.core.net.DefaultNetworkLayer;
import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;
import io.callrec.tls.SipTls;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The sockets of the JAIN-SIP stack: plain ones as the stack makes them itself, TLS ones from our own
 * {@link SipTls} context. This is how the stack gets a context built from PEM files: its other ways read key stores
 * named in JVM-wide {@code javax.net.ssl.*} properties.
 *
 * <p>Every connection a client opens to us (TCP and TLS) gets a read timeout, {@code idleTimeout}: the stack's
 * reader thread of a connection then gives up after that long without a byte and closes it. The stack has no idle
 * timeout of its own, so without this a client could hold connections (each two threads, up to
 * {@code --max-tcp-connections}) by opening them and sending nothing. Keep-alives (CRLF, RFC 5626) and any request
 * count as bytes. Connections we open ourselves are the stack's to close.
 */
final class SipNetworkLayer implements NetworkLayer {
    /** As the stack's own layers: a connect that hangs must not hold a signalling thread for long. */
    private static final int CONNECT_TIMEOUT_MS = 8000;

    private final NetworkLayer plain = DefaultNetworkLayer.SINGLETON;
    private final Optional<SipTls> tls;
    private final int idleTimeoutMs;

    SipNetworkLayer(Optional<SipTls> tls, Duration idleTimeout) {
        this.tls = tls;
        this.idleTimeoutMs = Math.toIntExact(idleTimeout.toMillis());
    }

    private SipTls tls() throws IOException {
        return tls.orElseThrow(() -> new IOException("SIP over TLS is not configured (--tls-cert)"));
    }

    @Override
    public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        SSLServerSocket socket = (SSLServerSocket) tls().context().getServerSocketFactory()
                .createServerSocket(port, backlog, bindAddress);
        socket.setSSLParameters(tls().parameters());
        return new IdleClosingSslServerSocket(socket, idleTimeoutMs);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
        return createSSLSocket(address, port, null);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress myAddress) throws IOException {
        SSLSocket socket = (SSLSocket) tls().context().getSocketFactory().createSocket();
        socket.setSSLParameters(tls().parameters());
        if (myAddress != null) {
            socket.bind(new InetSocketAddress(myAddress, 0));
        }
        try {
            socket.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MS);
        } catch (SocketTimeoutException e) {
            socket.close();
            throw new ConnectException("TLS connect to " + address.getHostAddress() + ":" + port + " timed out after "
                    + CONNECT_TIMEOUT_MS + " ms");
        }
        return socket;
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return new ServerSocket(port, backlog, bindAddress) {
            @Override
            public Socket accept() throws IOException {
                return idleClosing(super.accept(), idleTimeoutMs);
            }
        };
    }

    /** {@code accepted}, whose blocking reads (the stack's reader thread) now give up after {@code idleTimeoutMs}. */
    static Socket idleClosing(Socket accepted, int idleTimeoutMs) throws IOException {
        accepted.setSoTimeout(idleTimeoutMs);
        return accepted;
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return plain.createSocket(address, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress myAddress) throws IOException {
        return plain.createSocket(address, port, myAddress);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress myAddress, int myPort) throws IOException {
        return plain.createSocket(address, port, myAddress, myPort);
    }

    @Override
    public DatagramSocket createDatagramSocket() throws SocketException {
        return plain.createDatagramSocket();
    }

    @Override
    public DatagramSocket createDatagramSocket(int port, InetAddress laddr) throws SocketException {
        return plain.createDatagramSocket(port, laddr);
    }

    @Override
    public void setSipStack(SipStackImpl sipStack) {
        // Nothing of the stack is needed: everything comes from what was given at construction.
    }
}
