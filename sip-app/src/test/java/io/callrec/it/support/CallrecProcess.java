package io.callrec.it.support;

import io.callrec.testing.ExternalCommand;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The callrec server as a separate process, started from the shaded jar the way a user starts it:
 * <pre>
 * java -jar sip-app/target/callrec.jar --sip-host 127.0.0.1 --sip-port P --rtp-ports LOW-HIGH
 *      --http-port H --storage file:DIR [more args]
 * </pre>
 * on free ports, with stdout and stderr going to {@code <logDir>/callrec.log}. {@link Builder#start()}
 * returns once {@code GET /health} answers 200.
 *
 * <pre>{@code
 * try (CallrecProcess callrec = CallrecProcess.builder(ItDirs.logDir(testInfo)).start()) {
 *     ... sipp with outboundProxy(callrec.sipPort()) ...
 *     assertEquals(143, callrec.stop(), callrec::logTail);
 * }
 * }</pre>
 */
public final class CallrecProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CallrecProcess.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final List<String> command;
    private final Path logFile;
    private final Path dataDir;
    private final int sipPort;
    private final int httpPort;
    private final PortRange rtpPorts;
    private final Duration stopTimeout;

    private CallrecProcess(Builder b, List<String> command, Process process) {
        this.process = process;
        this.command = command;
        this.logFile = b.logDir.resolve(b.logName);
        this.dataDir = b.dataDir;
        this.sipPort = b.sipPort;
        this.httpPort = b.httpPort;
        this.rtpPorts = b.rtpPorts;
        this.stopTimeout = b.stopTimeout;
    }

    /** A server whose log and data directory go into {@code logDir}. */
    public static Builder builder(Path logDir) {
        return new Builder(logDir);
    }

    public int sipPort() {
        return sipPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public PortRange rtpPorts() {
        return rtpPorts;
    }

    /** {@code --storage file:DIR}'s directory. */
    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    public List<String> command() {
        return command;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the server printed so far. */
    public String logText() {
        return ExternalCommand.readIfExists(logFile);
    }

    /** The end of the log, for assertion messages. */
    public String logTail() {
        return "callrec log " + logFile + ":\n" + ExternalCommand.tail(logText(), 6000);
    }

    /** {@code http://127.0.0.1:<httpPort>}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    /** The body of {@code GET /health}; throws unless the status is 200. */
    public String health() {
        HttpResponse<String> r = get("/health");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/health answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** {@link #health()} parsed; throws unless the status is 200 and the body is JSON. */
    public JsonNode healthJson() {
        String body = health();
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("/health is not JSON: " + body, e);
        }
    }

    /** {@code GET path} on the server's HTTP port. */
    public HttpResponse<String> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(baseUri().resolve(path)).timeout(Duration.ofSeconds(5)).GET().build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Waits until a log line matches {@code regex} (searched with {@code find}), or fails after
     * {@code timeout} or when the process exits first.
     */
    public String awaitLog(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = logText().lines().filter(l -> pattern.matcher(l).find()).findFirst().orElse(null);
            if (line != null) {
                return line;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("callrec exited (" + process.exitValue() + ") before logging /"
                        + regex + "/\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no log line matched /" + regex + "/ within " + timeout + "\n" + logTail());
            }
            Polling.pause();
        }
    }

    /**
     * Sends SIGTERM and returns at once, so that a test can watch the drain; {@link #stop()} then
     * waits for the exit.
     */
    public void sigterm() {
        process.destroy();
    }

    /** Waits up to {@code timeout} for the process to exit; its exit code, or empty if it still runs. */
    public OptionalInt awaitExit(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return OptionalInt.of(process.exitValue());
            }
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for callrec to exit", e);
        }
    }

    /**
     * SIGTERM, then up to the stop timeout (15 s by default) for the server to finish its
     * recordings and exit, then SIGKILL. Returns the exit code (a JVM ended by SIGTERM without
     * calling {@code System.exit} reports 143; SIGKILL gives 137).
     */
    public int stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("callrec did not exit within {} of SIGTERM; killing it", stopTimeout);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        stop();
    }

    /** Ports and paths of a server to start; every port defaults to a free one. */
    public static final class Builder {
        private final Path logDir;
        private String sipHost = "127.0.0.1";
        private Path jar;
        private List<String> launcher;
        private int sipPort;
        private int httpPort;
        private PortRange rtpPorts;
        private Path dataDir;
        private boolean storageFlag = true;
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> extraArgs = new ArrayList<>();
        private final java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(20);
        private Duration stopTimeout = Duration.ofSeconds(15);
        private String logName = "callrec.log";

        private Builder(Path logDir) {
            this.logDir = Objects.requireNonNull(logDir, "logDir");
        }

        /** The jar to run; default {@code sip-app/target/callrec.jar}. */
        public Builder jar(Path jar) {
            this.jar = jar;
            return this;
        }

        /**
         * Replaces {@code java [jvmArgs] -jar <jar>} by another command (the server's flags are
         * appended to it); for testing the harness with a stand-in server.
         */
        public Builder launcher(List<String> command) {
            this.launcher = List.copyOf(command);
            return this;
        }

        /**
         * {@code --sip-host}; default 127.0.0.1. Another host needs {@code --http-host 127.0.0.1} among the args,
         * as {@code /health} is asked on 127.0.0.1.
         */
        public Builder sipHost(String host) {
            this.sipHost = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder sipPort(int port) {
            this.sipPort = port;
            return this;
        }

        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        /** {@code --rtp-ports}; default: a free even range of 100 ports. */
        public Builder rtpPorts(PortRange ports) {
            this.rtpPorts = ports;
            return this;
        }

        /** Directory behind {@code --storage file:DIR}; default {@code <logDir>/data}. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** Leaves out {@code --storage file:DIR} (e.g. to pass {@code --storage s3://...} as an arg). */
        public Builder withoutFileStorage() {
            this.storageFlag = false;
            return this;
        }

        /** An environment variable of the server process (e.g. AWS credentials for {@code s3:} storage). */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Options for the JVM, before {@code -jar}. */
        public Builder jvmArgs(String... args) {
            jvmArgs.addAll(List.of(args));
            return this;
        }

        /** Further server flags, after the generated ones. */
        public Builder args(String... args) {
            extraArgs.addAll(List.of(args));
            return this;
        }

        /** How long to wait for {@code /health} 200; default 20 s. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** How long {@link #stop()} waits after SIGTERM before SIGKILL; default 15 s. */
        /** The server's output file in the log directory (default {@code callrec.log}): a restart keeps the first. */
        public Builder logName(String name) {
            this.logName = name;
            return this;
        }

        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = timeout;
            return this;
        }

        /**
         * Starts the server and waits until {@code /health} answers 200; if it exits first or is
         * not healthy in time, it is stopped and an {@link IllegalStateException} carries its log.
         */
        public CallrecProcess start() {
            List<String> cmd = command();
            Path log = logDir.resolve(logName);
            Process process;
            try {
                Files.createDirectories(dataDir);
                LOG.info("starting {}", String.join(" ", cmd));
                ProcessBuilder pb = new ProcessBuilder(cmd);
                pb.environment().putAll(env);
                process = pb
                        .directory(logDir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + String.join(" ", cmd) + ": " + e.getMessage(), e);
            }
            CallrecProcess callrec = new CallrecProcess(this, cmd, process);
            callrec.awaitHealthy(startTimeout);
            return callrec;
        }

        /** The command line (choosing any port not given). */
        List<String> command() {
            if (sipPort == 0) {
                sipPort = Ports.freeUdpTcpPort();
            }
            if (httpPort == 0) {
                httpPort = Ports.freeUdpTcpPort();
            }
            if (rtpPorts == null) {
                rtpPorts = Ports.freeEvenUdpRange(100);
            }
            if (dataDir == null) {
                dataDir = logDir.resolve("data");
            }
            List<String> cmd = new ArrayList<>();
            if (launcher != null) {
                cmd.addAll(launcher);
            } else {
                Path jarFile = jar != null ? jar : ItDirs.callrecJar();
                if (!Files.isRegularFile(jarFile)) {
                    throw new IllegalStateException(jarFile + " is missing: integration tests run in `mvn verify`, "
                            + "after the package phase builds it");
                }
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(jvmArgs);
                cmd.addAll(List.of("-jar", jarFile.toString()));
            }
            cmd.addAll(List.of("--sip-host", sipHost, "--sip-port", Integer.toString(sipPort),
                    "--rtp-ports", rtpPorts.toString(), "--http-port", Integer.toString(httpPort)));
            if (storageFlag) {
                cmd.addAll(List.of("--storage", "file:" + dataDir.toAbsolutePath()));
            }
            cmd.addAll(extraArgs);
            return List.copyOf(cmd);
        }
    }

    private void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("callrec exited with " + process.exitValue()
                        + " before /health answered 200\n" + logTail());
            }
            try {
                HttpResponse<String> r = get("/health");
                if (r.statusCode() == 200) {
                    LOG.info("callrec healthy on SIP {} / HTTP {}: {}", sipPort, httpPort, r.body());
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (UncheckedIOException e) {
                last = e.getCause().toString();
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("callrec /health not 200 within " + timeout + " (last: " + last + ")\n"
                        + logTail());
            }
            Polling.pause();
        }
    }
}
