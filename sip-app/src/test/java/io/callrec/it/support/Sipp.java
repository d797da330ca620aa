package io.callrec.it.support;

import io.callrec.testing.ExternalCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SIPp process running a scenario from the test classpath's {@code sipp/} (the files of
 * {@code src/test/resources/sipp/} and the shipped {@code docs/sipp/}) or any file, on
 * loopback, with its message trace, unexpected-message errors, {@code <log>} actions and final
 * screen written into the test's log directory.
 *
 * <pre>{@code
 * try (Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).rtpEcho().start();
 *      Sipp uac = Sipp.scenario("uac_pcap.xml").logDir(dir).remote(uas.localPort())
 *              .pcapAudio(MediaFiles.SIPP_G711A_PCAP).pauseMillis(2000).run()) {
 *     assertEquals(0, uac.exitCode(), uac::report);
 *     assertEquals(0, uas.exitCode(), uas::report);
 * }
 * }</pre>
 *
 * <p>Exit code 0 means every call of the scenario passed; SIPp uses 1 for failed calls, 255 for a
 * fatal error (bad scenario, global timeout with {@code -timeout_error}) and 254 when it cannot bind.
 * Every run is bounded: SIPp gets {@code -timeout} and the process is killed if it outlives that
 * by {@link #EXIT_GRACE}.
 */
public final class Sipp implements AutoCloseable {

    /** Where scenarios live on the test classpath. */
    public static final String SCENARIO_RESOURCE_DIR = "/sipp/";
    static final Duration EXIT_GRACE = Duration.ofSeconds(10);
    private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration FINISH_GRACE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(Sipp.class);

    private final String name;
    private final Path logDir;
    private final int localPort;
    private final int mediaPort;
    private final List<String> command;
    private final Process process;
    private final long deadlineNanos;

    private Sipp(Builder spec, List<String> command, Process process) {
        this.name = spec.name;
        this.logDir = spec.logDir;
        this.localPort = spec.localPort;
        this.mediaPort = spec.mediaPort;
        this.command = command;
        this.process = process;
        this.deadlineNanos = System.nanoTime() + spec.timeout.plus(EXIT_GRACE).toNanos();
    }

    /** A run of the scenario {@code resourceName} from the test classpath's {@code sipp/}. */
    public static Builder scenario(String resourceName) {
        return new Builder(resourceName, null);
    }

    /** A run of one of SIPp's built-in scenarios ({@code -sn uac}, {@code -sn uas}…), as testers use them. */
    public static Builder builtin(String name) {
        Builder b = new Builder(name, null);
        b.builtin = true;
        return b;
    }

    /** A run of a scenario file outside the test resources. */
    public static Builder scenarioFile(Path file) {
        return new Builder(file.getFileName().toString(), file);
    }

    public int localPort() {
        return localPort;
    }

    public int mediaPort() {
        return mediaPort;
    }

    /** {@code -mp} and the three ports above it: SIPp binds the first (audio) and third (video). */
    public PortRange mediaPorts() {
        return PortRange.of(mediaPort, 4);
    }

    public List<String> command() {
        return command;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for SIPp to finish (bounded by its {@code -timeout} plus {@link #EXIT_GRACE}, then it is
     * killed) and returns its exit code.
     */
    public int exitCode() {
        long left = deadlineNanos - System.nanoTime();
        try {
            if (!process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                LOG.warn("sipp {} outlived its timeout; killing it", name);
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for sipp " + name, e);
        }
        return process.exitValue();
    }

    public boolean passed() {
        return exitCode() == 0;
    }

    /**
     * For a SIPp expected to end by itself about now (its last message was just exchanged): gives it up to
     * {@link #FINISH_GRACE} to exit on its own, then {@link #stop()}s it. A plain {@code stop()} here races
     * the scenario's own end and can kill a run that was about to pass.
     */
    public int finish() {
        try {
            if (!process.waitFor(FINISH_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("sipp {} still running {} s after its scenario should have ended; stopping it",
                        name, FINISH_GRACE.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return stop();
    }

    /** Ends a SIPp that is still running (SIGTERM, then SIGKILL) and returns its exit code. */
    public int stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    @Override
    public void close() {
        stop();
    }

    /** Every SIP message sent and received ({@code -trace_msg}). */
    public String messages() {
        return ExternalCommand.readIfExists(file("messages.log"));
    }

    /** Unexpected messages and scenario failures ({@code -trace_err}). */
    public String errors() {
        return ExternalCommand.readIfExists(file("errors.log"));
    }

    /** Lines written by the scenario's {@code <log>} actions ({@code -trace_logs}). */
    public String logs() {
        return ExternalCommand.readIfExists(file("actions.log"));
    }

    /** SIPp's final statistics screen, written when it exits ({@code -trace_screen}). */
    public String screen() {
        return ExternalCommand.readIfExists(file("screen.log"));
    }

    /**
     * A counter of the final statistics screen, cumulative column ({@code "Successful call"},
     * {@code "Failed call"}, {@code "Outgoing calls created"}...), or empty if the screen has no
     * such line (SIPp did not finish).
     */
    public OptionalLong cumulative(String counter) {
        return cumulative(screen(), counter);
    }

    static OptionalLong cumulative(String screen, String counter) {
        // "  Successful call        |        0                  |       50                 "
        Pattern line = Pattern.compile("^\\s*" + Pattern.quote(counter) + "\\s*\\|[^|]*\\|\\s*(\\d+)",
                Pattern.MULTILINE);
        Matcher m = line.matcher(screen);
        OptionalLong last = OptionalLong.empty();
        while (m.find()) {
            last = OptionalLong.of(Long.parseLong(m.group(1)));
        }
        return last;
    }

    /** What SIPp printed on stdout and stderr. */
    public String output() {
        return ExternalCommand.readIfExists(file("out"));
    }

    /** A summary for assertion messages: command, exit code, errors and the ends of the logs. */
    public String report() {
        String exit = process.isAlive() ? "still running" : "exit " + process.exitValue();
        return "sipp " + name + " (" + exit + ")\n" + String.join(" ", command)
                + "\n--- errors ---\n" + ExternalCommand.tail(errors(), 3000)
                + "\n--- output ---\n" + ExternalCommand.tail(output(), 1500)
                + "\n--- screen ---\n" + ExternalCommand.tail(screen(), 1500)
                + "\nlogs in " + logDir;
    }

    private Path file(String suffix) {
        return logDir.resolve(name + "." + suffix);
    }

    /**
     * How to run a scenario; {@link #logDir(Path)} is required, everything else has a default.
     * A builder starts one run: ports chosen for it are not reused.
     */
    public static final class Builder {
        private final String scenarioName;
        private final Path scenarioFile;
        private Path logDir;
        private String name;
        private String localHost = "127.0.0.1";
        private int localPort;
        private int mediaPort;
        private String remote;
        private String outboundProxy;
        private String service;
        private Long pauseMillis;
        private int calls = 1;
        private boolean rtpEcho;
        private boolean tcp;
        private boolean messageTraces = true;
        private Duration timeout = Duration.ofSeconds(30);
        private final Map<String, String> keys = new LinkedHashMap<>();
        private final List<String> extraArgs = new ArrayList<>();
        private String outOfCallScenario;
        private boolean launched;
        private boolean builtin;

        private Builder(String scenarioName, Path scenarioFile) {
            this.scenarioName = Objects.requireNonNull(scenarioName, "scenarioName");
            this.scenarioFile = scenarioFile;
        }

        /** Directory for the copied scenario and SIPp's trace files (e.g. {@link ItDirs#logDir}). */
        public Builder logDir(Path dir) {
            this.logDir = dir;
            return this;
        }

        /** Prefix of this run's files in the log directory; default: the scenario's base name. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * {@code -i} and {@code -mi}: the loopback address SIPp binds for SIP and media; default
         * {@code 127.0.0.1}. Another address of 127.0.0.0/8 (e.g. {@code 127.0.0.2}) plays a host
         * that routing rules treat differently.
         */
        public Builder localHost(String address) {
            this.localHost = Objects.requireNonNull(address, "address");
            return this;
        }

        /** {@code -p}: local SIP port; default: a free one. */
        public Builder localPort(int port) {
            this.localPort = port;
            return this;
        }

        /** {@code -mp}: local media port (even); default: the base of a free even range of 4. */
        public Builder mediaPort(int port) {
            this.mediaPort = port;
            return this;
        }

        /** The positional {@code host:port}: forms the Request-URI and, without a proxy, the destination. */
        public Builder remote(String hostPort) {
            this.remote = hostPort;
            return this;
        }

        /** {@code 127.0.0.1:port} as the remote party. */
        public Builder remote(int port) {
            return remote("127.0.0.1:" + port);
        }

        /** {@code -rsa}: send every message to this address (callrec), whatever the Request-URI says. */
        public Builder outboundProxy(String hostPort) {
            this.outboundProxy = hostPort;
            return this;
        }

        /** {@code -rsa 127.0.0.1:port}. */
        public Builder outboundProxy(int port) {
            return outboundProxy("127.0.0.1:" + port);
        }

        /** {@code -s}: the Request-URI user ({@code [service]}). */
        public Builder service(String user) {
            this.service = user;
            return this;
        }

        /** {@code -key name value}: fills {@code [name]} in the scenario. */
        public Builder key(String keyword, String value) {
            keys.put(keyword, value);
            return this;
        }

        /** The pcap replayed by scenarios with {@code play_pcap_audio="[pcap_audio]"}. */
        public Builder pcapAudio(Path pcap) {
            return key("pcap_audio", pcap.toAbsolutePath().toString());
        }

        /** The pcap replayed by scenarios with {@code play_pcap_video="[pcap_video]"} (to the SDP's video port). */
        public Builder pcapVideo(Path pcap) {
            return key("pcap_video", pcap.toAbsolutePath().toString());
        }

        /** {@code -d}: length of every {@code <pause/>} without its own duration. */
        public Builder pauseMillis(long millis) {
            this.pauseMillis = millis;
            return this;
        }

        /** {@code -m}: calls to run before exiting; default 1. */
        public Builder calls(int calls) {
            this.calls = calls;
            return this;
        }

        /** {@code -rtp_echo}: send RTP received on {@code -mp} back to its source. */
        public Builder rtpEcho() {
            this.rtpEcho = true;
            return this;
        }

        /** {@code -t t1}: SIP over one TCP connection instead of UDP. */
        public Builder tcp() {
            this.tcp = true;
            return this;
        }

        /**
         * Leaves out {@code -trace_msg} and {@code -trace_err}: for floods, where every message sent and every answer
         * SIPp cannot match to a call would be written to disk, costing more than sending them.
         */
        public Builder withoutMessageTraces() {
            this.messageTraces = false;
            return this;
        }

        /** {@code -timeout} with {@code -timeout_error}: SIPp fails after this; default 30 s. */
        public Builder timeout(Duration timeout) {
            if (timeout.toSeconds() < 1) {
                throw new IllegalArgumentException("SIPp's -timeout counts whole seconds: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * {@code -oocsf}: the scenario (from the test classpath's {@code sipp/}) that answers requests outside any call
         * of this run, e.g. the link MESSAGE callrec sends to a caller whose call is over.
         */
        public Builder outOfCallScenario(String resourceName) {
            this.outOfCallScenario = resourceName;
            return this;
        }

        /** Further SIPp arguments, appended as given. */
        public Builder args(String... args) {
            extraArgs.addAll(List.of(args));
            return this;
        }

        /** Runs the scenario to its end (bounded) and returns the finished run. */
        public Sipp run() {
            Sipp sipp = launch();
            sipp.exitCode();
            return sipp;
        }

        /**
         * Starts SIPp in the background and returns once its SIP port is bound (a UAS ready for
         * calls), or throws with its output if it exits or does not bind within 10 s.
         */
        public Sipp start() {
            Sipp sipp = launch();
            long deadline = System.nanoTime() + LISTEN_TIMEOUT.toNanos();
            while (!(tcp ? LocalSockets.tcpListening(localPort) : LocalSockets.udpBound(localPort))) {
                if (!sipp.isAlive()) {
                    throw new IllegalStateException("sipp exited before binding port " + localPort + "\n" + sipp.report());
                }
                if (System.nanoTime() > deadline) {
                    sipp.stop();
                    throw new IllegalStateException("sipp did not bind port " + localPort + " within "
                            + LISTEN_TIMEOUT + "\n" + sipp.report());
                }
                Polling.pause();
            }
            return sipp;
        }

        /** The command line this builder runs (ports are chosen here if not given). */
        List<String> command(Path scenario) {
            if (logDir == null) {
                throw new IllegalStateException("logDir is required");
            }
            if (name == null) {
                name = scenarioName.replaceFirst("\\.xml$", "");
            }
            if (localPort == 0) {
                localPort = Ports.freeUdpTcpPort();
            }
            if (mediaPort == 0) {
                mediaPort = Ports.freeEvenUdpRange(4).low();
            }
            List<String> cmd = new ArrayList<>(List.of("sipp", builtin ? "-sn" : "-sf",
                    builtin ? scenarioName : scenario.toString(),
                    "-i", localHost, "-p", Integer.toString(localPort),
                    "-mi", localHost, "-mp", Integer.toString(mediaPort),
                    "-m", Integer.toString(calls),
                    "-nostdin",
                    "-timeout", timeout.toSeconds() + "s", "-timeout_error",
                    "-trace_logs", "-log_file", logDir.resolve(name + ".actions.log").toString(),
                    "-trace_screen", "-screen_file", logDir.resolve(name + ".screen.log").toString()));
            if (messageTraces) {
                cmd.addAll(List.of("-trace_msg", "-message_file", logDir.resolve(name + ".messages.log").toString(),
                        "-trace_err", "-error_file", logDir.resolve(name + ".errors.log").toString()));
            }
            if (tcp) {
                cmd.addAll(List.of("-t", "t1"));
            }
            if (rtpEcho) {
                cmd.add("-rtp_echo");
            }
            if (pauseMillis != null) {
                cmd.addAll(List.of("-d", Long.toString(pauseMillis)));
            }
            if (service != null) {
                cmd.addAll(List.of("-s", service));
            }
            if (outboundProxy != null) {
                cmd.addAll(List.of("-rsa", outboundProxy));
            }
            keys.forEach((k, v) -> cmd.addAll(List.of("-key", k, v)));
            if (outOfCallScenario != null) {
                cmd.addAll(List.of("-oocsf", copyResource(outOfCallScenario).toString()));
            }
            cmd.addAll(extraArgs);
            if (remote != null) {
                cmd.add(remote);
            }
            return List.copyOf(cmd);
        }

        /** Copies the scenario into the log directory, so the exact file run stays beside its logs. */
        Path copyScenario() {
            if (builtin) {
                return null;
            }
            if (scenarioFile == null) {
                return copyResource(scenarioName);
            }
            try {
                Path target = Files.createDirectories(logDir.resolve("scenarios")).resolve(scenarioName);
                Files.copy(scenarioFile, target, StandardCopyOption.REPLACE_EXISTING);
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Path copyResource(String resourceName) {
            try (InputStream in = Sipp.class.getResourceAsStream(SCENARIO_RESOURCE_DIR + resourceName)) {
                if (in == null) {
                    throw new IllegalArgumentException("no scenario " + SCENARIO_RESOURCE_DIR + resourceName
                            + " on the test classpath");
                }
                Path target = Files.createDirectories(logDir.resolve("scenarios")).resolve(resourceName);
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Sipp launch() {
            if (logDir == null) {
                throw new IllegalStateException("logDir is required");
            }
            if (launched) {
                throw new IllegalStateException("this builder already started sipp " + name);
            }
            launched = true;
            Path scenario = copyScenario();
            List<String> cmd = command(scenario);
            LOG.info("starting {}", String.join(" ", cmd));
            try {
                Process process = new ProcessBuilder(cmd)
                        .directory(logDir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectErrorStream(true)
                        .redirectOutput(logDir.resolve(name + ".out").toFile())
                        .start();
                return new Sipp(this, cmd, process);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start sipp (is sip-tester installed?): " + e.getMessage(), e);
            }
        }
    }
}
