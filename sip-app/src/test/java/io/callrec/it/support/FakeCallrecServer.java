package io.callrec.it.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for the callrec server, so that {@link CallrecProcess} can be tested before (and
 * independently of) the real one. It takes callrec's flags, ignores all but {@code --http-port},
 * serves {@code GET /health} and runs until SIGTERM. Test-only switches:
 * {@code --exit-code N} (print a line and exit at once), {@code --no-http} (never become healthy),
 * {@code --hang-on-sigterm} (ignore SIGTERM by blocking shutdown, so only SIGKILL ends it).
 */
public final class FakeCallrecServer {

    private FakeCallrecServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        List<String> argv = List.of(args);
        System.out.println("fake callrec starting with " + String.join(" ", argv));
        String exitCode = valueOf(argv, "--exit-code");
        if (exitCode != null) {
            System.out.println("fake callrec: bad configuration");
            System.out.flush();
            Runtime.getRuntime().halt(Integer.parseInt(exitCode));
        }
        if (argv.contains("--hang-on-sigterm")) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("fake callrec: ignoring SIGTERM");
                System.out.flush();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        } else {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("fake callrec: stopping")));
        }
        if (!argv.contains("--no-http")) {
            int port = Integer.parseInt(valueOf(argv, "--http-port"));
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            http.createContext("/health", exchange -> {
                byte[] body = "{\"status\":\"up\",\"storage\":{\"status\":\"ok\"}}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            http.start();
            System.out.println("fake callrec accepting calls, health on port " + port);
        }
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static String valueOf(List<String> argv, String flag) {
        int i = argv.indexOf(flag);
        return i >= 0 && i + 1 < argv.size() ? argv.get(i + 1) : null;
    }
}
