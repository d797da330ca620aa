package io.callrec.server;

import io.callrec.config.ConfigLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar callrec.jar [flags]}: exit code 2 with one line for bad flags or config, 1 when the server
 * cannot start (e.g. its port is taken), 0 after a clean stop on SIGTERM or SIGINT.
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
            // SIGTERM is the normal way to stop a service: handling it ourselves lets the process drain and exit 0,
            // where the JVM's default would exit 143 and look like a failure to a service manager.
            CountDownLatch stop = new CountDownLatch(1);
            Signal.handle(new Signal("TERM"), s -> stop.countDown());
            Signal.handle(new Signal("INT"), s -> stop.countDown());
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "callrec-shutdown"));
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.close();
            return 0;
        }));
    }
}
