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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback stunnel: plain TCP in on {@link #port()}, each connection carried over its own TLS connection to
 * {@code 127.0.0.1:tlsPort}. Debian's SIPp has no TLS (built without OpenSSL), so a SIPp over TCP pointed at the
 * tunnel is a TLS peer of callrec, presenting the certificate of the tunnel's context.
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
    private final int tlsPort;
    private final SSLContext context;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();

    private TlsTunnel(ServerSocket listener, int tlsPort, SSLContext context) {
        this.listener = listener;
        this.tlsPort = tlsPort;
        this.context = context;
    }

    /** Listens on a free loopback port; connections go on over TLS made with {@code context}. */
    public static TlsTunnel toTls(int tlsPort, SSLContext context) {
        try {
            TlsTunnel tunnel = new TlsTunnel(new ServerSocket(0, 16, LOOPBACK), tlsPort, context);
            Thread accept = new Thread(tunnel::acceptLoop, "tls-tunnel-" + tlsPort);
            accept.setDaemon(true);
            accept.start();
            return tunnel;
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for the TLS tunnel", e);
        }
    }

    /** The plain TCP port to connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Handshakes that failed, for assertion messages. */
    public List<Exception> failures() {
        return List.copyOf(failures);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket plain;
            try {
                plain = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(plain);
            try {
                SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket();
                sockets.add(tls);
                tls.connect(new InetSocketAddress(LOOPBACK, tlsPort), 5000);
                tls.startHandshake();
                pump(plain, tls, "out");
                pump(tls, plain, "in");
            } catch (IOException e) {
                LOG.warn("TLS tunnel to {}: {}", tlsPort, e.toString());
                failures.add(e);
                closeQuietly(plain);
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
