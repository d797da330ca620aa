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
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The sockets of the JAIN-SIP stack: plain ones as the stack makes them itself, TLS ones from our own
 * {@link SipTls} context. This is how the stack gets a context built from PEM files: its other ways read key stores
 * named in JVM-wide {@code javax.net.ssl.*} properties.
 */
final class TlsNetworkLayer implements NetworkLayer {
    /** As the stack's own layers: a connect that hangs must not hold a signalling thread for long. */
    private static final int CONNECT_TIMEOUT_MS = 8000;

    private final NetworkLayer plain = DefaultNetworkLayer.SINGLETON;
    private final SipTls tls;

    TlsNetworkLayer(SipTls tls) {
        this.tls = tls;
    }

    @Override
    public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        SSLServerSocket socket = (SSLServerSocket) tls.context().getServerSocketFactory()
                .createServerSocket(port, backlog, bindAddress);
        socket.setSSLParameters(tls.parameters());
        return socket;
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
        return createSSLSocket(address, port, null);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress myAddress) throws IOException {
        SSLSocket socket = (SSLSocket) tls.context().getSocketFactory().createSocket();
        socket.setSSLParameters(tls.parameters());
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
        return plain.createServerSocket(port, backlog, bindAddress);
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
        // Nothing of the stack is needed: everything comes from the SipTls given at construction.
    }
}
