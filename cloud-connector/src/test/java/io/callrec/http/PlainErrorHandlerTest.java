package io.callrec.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.callrec.http.SecurityAssertions.assertRevealsNothing;
import static io.callrec.http.SecurityAssertions.assertSecurityHeaders;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every error Jetty answers by itself, in a server with no customizer (so the headers can only come from the
 * handler): parser refusals, no handler, a handler that throws, and {@code Response.writeError}.
 */
class PlainErrorHandlerTest {
    private static final String SECRET_PATH = "/var/lib/callrec-secret/recordings";
    private static Server server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return switch (Request.getPathInContext(request)) {
                    case "/throws" -> throw new IllegalStateException("cannot read " + SECRET_PATH);
                    case "/fails" -> {
                        callback.failed(new java.io.IOException("storage at " + SECRET_PATH));
                        yield true;
                    }
                    case "/write-error" -> {
                        Response.writeError(request, response, callback, 503, "storage " + SECRET_PATH + " down");
                        yield true;
                    }
                    default -> false;
                };
            }
        });
        server.setErrorHandler(new PlainErrorHandler());
        server.start();
        port = connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "GET /nothing HTTP/1.1                        | 404",
            "GET /throws HTTP/1.1                         | 500",
            "GET /fails HTTP/1.1                          | 500",
            "GET /write-error HTTP/1.1                    | 503",
            "GET /a/%2e%2e/b HTTP/1.1                     | 400",
            "GET /a%00 HTTP/1.1                           | 400",
            "GET /a%2fb HTTP/1.1                          | 400",
            "GET /a\\b HTTP/1.1                           | 400",
            "GET //a HTTP/1.1                             | 400",
            "GET /%ZZ HTTP/1.1                            | 400",
            "GARBAGE                                      | 400",
            "GET http://evil.example/ HTTP/1.1            | 400",
            "GET / HTTP/2.0                               | 426",
            "GET / HTTP/1.2                               | 505",
            "HEAD /nothing HTTP/1.1                       | 404",
    })
    void everyErrorIsOnePlainLineWithTheHeaders(String requestLine, int status) {
        RawHttp.Response r = RawHttp.exchange(port, requestLine.strip() + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertEquals(status, r.status(), r.text());
        assertSecurityHeaders(r, requestLine);
        assertRevealsNothing(r, requestLine, SECRET_PATH, "evil.example", "%2e", "ambiguous");
        assertEquals(requestLine.startsWith("HEAD") ? "" : PlainErrorHandler.text(status), r.bodyText());
        assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "20000 | 0     | 414",
            "10    | 20000 | 431",
    })
    void oversizedRequestsToo(int pathLength, int headerLength, int status) {
        RawHttp.Response r = RawHttp.exchange(port, "GET /" + "a".repeat(pathLength) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (headerLength > 0 ? "X-Big: " + "b".repeat(headerLength) + "\r\n" : "") + "Connection: close\r\n\r\n");
        assertEquals(status, r.status(), r.text());
        assertSecurityHeaders(r, "status " + status);
        assertEquals(PlainErrorHandler.text(status), r.bodyText());
    }
}
