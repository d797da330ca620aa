package io.callrec.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.util.List;

/**
 * The embedded HTTP server (Jetty 12 core, no servlets): {@code /health} and the download service. Every response,
 * Jetty's own error pages included, carries the {@link SecurityHeaders} and no {@code Server} header; error pages
 * are a {@link PlainErrorHandler} line (no URI echoed, no stack trace, no path, no version).
 */
public final class HttpService implements AutoCloseable {
    static final int MAX_THREADS = 32;
    static final int MAX_CONNECTIONS = 512;
    private final Server server;
    private final ServerConnector connector;

    private HttpService(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    public static HttpService start(String host, int port, List<Handler> handlers) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 4);
        pool.setName("http");
        pool.setDaemon(true);
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.addCustomizer(SecurityHeaders.customizer());
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(30_000);
        server.addConnector(connector);
        // At the limit Jetty stops accepting: further connections wait in the kernel's backlog. This also bounds the
        // thread pool's job queue, which Jetty keeps unbounded (it warns against a bounded one): the jobs are the
        // connections' read and write events, a few per connection.
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        Handler.Sequence sequence = new Handler.Sequence();
        handlers.forEach(sequence::addHandler);
        sequence.addHandler(new NotFound());
        server.setHandler(sequence);
        server.setErrorHandler(new PlainErrorHandler());
        server.setStopTimeout(2_000);
        server.start();
        return new HttpService(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static final class NotFound extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Response.writeError(request, response, callback, 404);
            return true;
        }
    }
}
