package io.callrec.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback stunnel. {@link #toTls}: plain TCP in on {@link #port()}, each connection carried over its own TLS
 * connection to {@code 127.0.0.1:tlsPort}; {@link #fromTls}: the other way round. Debian's SIPp has no TLS (built
 * without OpenSSL), so a SIPp over TCP behind a tunnel is a TLS peer of callrec, presenting the certificate of the
 * tunnel's context.
 *
 * <pre>{@code
 * try (TlsTunnel tunnel = TlsTunnel.toTls(callrec.tlsPort(), client.presentingContext(serverCa))) {
 *     Sipp.scenario("uac_tls.xml").tcp().outboundProxy(tunnel.port())...
 * }
 * }</pre>
 */
public final class TlsTunnel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TlsTunnel.class);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final ServerSocket listener;
    private final int targetPort;
    private final SocketFactory outgoing;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();

    private TlsTunnel(ServerSocket listener, int targetPort, SocketFactory outgoing) {
        this.listener = listener;
        this.targetPort = targetPort;
        this.outgoing = outgoing;
    }

    /** Listens for plain TCP on a free loopback port; connections go on over TLS made with {@code context}. */
    public static TlsTunnel toTls(int tlsPort, SSLContext context) {
        try {
            return start(new ServerSocket(0, 16, LOOPBACK), tlsPort, context.getSocketFactory());
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for the TLS tunnel", e);
        }
    }

    /**
     * Listens for TLS on a free loopback port, as the server of {@code context} (client certificates not asked
     * for); connections go on as plain TCP to {@code 127.0.0.1:plainPort}.
     */
    public static TlsTunnel fromTls(SSLContext context, int plainPort) {
        try {
            return start(context.getServerSocketFactory().createServerSocket(0, 16, LOOPBACK), plainPort,
                    SocketFactory.getDefault());
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for the TLS tunnel", e);
        }
    }

    private static TlsTunnel start(ServerSocket listener, int targetPort, SocketFactory outgoing) {
        TlsTunnel tunnel = new TlsTunnel(listener, targetPort, outgoing);
        Thread accept = new Thread(tunnel::acceptLoop, "tls-tunnel-" + targetPort);
        accept.setDaemon(true);
        accept.start();
        return tunnel;
    }

    /** The port the tunnel listens on (plain TCP for {@link #toTls}, TLS for {@link #fromTls}). */
    public int port() {
        return listener.getLocalPort();
    }

    /** Handshakes that failed, for assertion messages. */
    public List<Exception> failures() {
        return List.copyOf(failures);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket incoming;
            try {
                incoming = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(incoming);
            try {
                if (incoming instanceof SSLSocket accepted) {
                    accepted.startHandshake();
                }
                Socket target = outgoing.createSocket();
                sockets.add(target);
                target.connect(new InetSocketAddress(LOOPBACK, targetPort), 5000);
                if (target instanceof SSLSocket tls) {
                    tls.startHandshake();
                }
                pump(incoming, target, "out");
                pump(target, incoming, "in");
            } catch (IOException e) {
                LOG.warn("TLS tunnel to {}: {}", targetPort, e.toString());
                failures.add(e);
                closeQuietly(incoming);
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16_384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                LOG.debug("TLS tunnel {} ended: {}", direction, e.toString());
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tls-tunnel-" + direction);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closeQuietly(listener);
        sockets.forEach(TlsTunnel::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
