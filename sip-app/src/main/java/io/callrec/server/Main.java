package io.callrec.server;

import io.callrec.config.ConfigLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar callrec.jar [flags]}: exit code 2 with one line for bad flags or config, 1 when the server
 * cannot start (e.g. its port is taken), 0 after a clean stop on SIGTERM.
 */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() { }

    public static void main(String[] args) {
        System.exit(ConfigLoader.run(args, config -> {
            CallrecServer server;
            try {
                server = CallrecServer.start(config);
            } catch (Exception e) {
                log.error("cannot start: {}", e.toString());
                System.err.println("callrec: cannot start: " + e.getMessage());
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "callrec-shutdown"));
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }));
    }
}
