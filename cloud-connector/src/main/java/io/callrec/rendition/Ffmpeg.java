package io.callrec.rendition;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ffmpeg executable that answered: its path, its version line and the encoders it has. callrec works without
 * one (then no renditions are made), so finding none on the {@code PATH} is not an error; a path the operator gave
 * that does not work is.
 *
 * <p>ffmpeg runs as a child process with stdin closed, stdout discarded and stderr (a few lines) written to a
 * file, so it can never block on a full pipe.
 */
public final class Ffmpeg {
    public static final String NAME = "ffmpeg";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);
    private static final int MAX_ERROR_CHARS = 600;
    private static final Pattern BENCH = Pattern.compile(
            "bench: utime=([0-9.]+)s stime=([0-9.]+)s rtime=([0-9.]+)s");

    private final Path executable;
    private final String version;
    private final Set<String> encoders;

    private Ffmpeg(Path executable, String version, Set<String> encoders) {
        this.executable = executable;
        this.version = version;
        this.encoders = Set.copyOf(encoders);
    }

    /**
     * The configured ffmpeg, or else the first {@value #NAME} on {@code pathVariable}.
     *
     * @param configured   {@code --ffmpeg PATH}: must be a working ffmpeg
     * @param pathVariable the {@code PATH} to search (null or empty: search nothing)
     * @return empty when nothing was configured and no ffmpeg is on the path
     * @throws FfmpegException when the configured one, or the one found, does not run as ffmpeg
     */
    public static Optional<Ffmpeg> find(Optional<Path> configured, String pathVariable) throws FfmpegException {
        if (configured.isPresent()) {
            return Optional.of(probe(configured.get()));
        }
        if (pathVariable == null || pathVariable.isEmpty()) {
            return Optional.empty();
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, NAME);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(probe(candidate));
            }
        }
        return Optional.empty();
    }

    /** Runs {@code -version} and {@code -encoders} once. */
    public static Ffmpeg probe(Path executable) throws FfmpegException {
        Path log = null;
        try {
            log = Files.createTempFile("callrec-ffmpeg-", ".txt");
            String version = firstLine(capture(executable, List.of("-hide_banner", "-version"), log));
            if (!version.startsWith("ffmpeg version")) {
                throw new FfmpegException(executable + " is not ffmpeg", "it printed '" + cut(version) + "'");
            }
            Set<String> encoders = new HashSet<>();
            for (String line : capture(executable, List.of("-hide_banner", "-encoders"), log).split("\n")) {
                // " A....D aac                  AAC (Advanced Audio Coding)": flags, name, description
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2 && f[0].length() == 6) {
                    encoders.add(f[1]);
                }
            }
            return new Ffmpeg(executable, version, encoders);
        } catch (IOException e) {
            throw new FfmpegException("cannot run " + executable, String.valueOf(e.getMessage()), e);
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    private static String capture(Path executable, List<String> args, Path out) throws IOException, FfmpegException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).start();
        waitFor(p, PROBE_TIMEOUT, executable + " " + String.join(" ", args));
        String text = Files.readString(out, StandardCharsets.ISO_8859_1);
        if (p.exitValue() != 0) {
            throw new FfmpegException(executable + " " + String.join(" ", args) + " exited with " + p.exitValue(),
                    cut(text));
        }
        return text;
    }

    public Path executable() {
        return executable;
    }

    /** The first line of {@code ffmpeg -version}, e.g. {@code ffmpeg version 5.1.9-0+deb12u1 Copyright (c) ...}. */
    public String version() {
        return version;
    }

    /** Just the version number: {@code 5.1.9-0+deb12u1}. */
    public String versionNumber() {
        String[] words = version.split(" ");
        return words.length >= 3 ? words[2] : version;
    }

    public boolean hasEncoder(String name) {
        return encoders.contains(name);
    }

    /** What one run cost, as ffmpeg's {@code -benchmark} measured it (user + system CPU time, and wall time). */
    public record Cost(double cpuSeconds, double wallSeconds) {
        static final Cost UNKNOWN = new Cost(Double.NaN, Double.NaN);

        public Cost plus(Cost other) {
            return new Cost(cpuSeconds + other.cpuSeconds, wallSeconds + other.wallSeconds);
        }
    }

    /**
     * Runs ffmpeg with {@code arguments} to completion. Quiet, benchmarked flags come first
     * ({@code -nostdin -hide_banner -nostats -loglevel level+info -benchmark}): stderr then holds a few lines, each
     * tagged with its level, and ends with ffmpeg's own CPU time.
     *
     * @param log where ffmpeg's stderr goes; its {@code [error]} lines make the exception's message
     * @throws FfmpegException      when it exits non-zero or is still running after {@code timeout} (it is killed)
     * @throws InterruptedException when this thread is interrupted (ffmpeg is killed first)
     */
    public Cost run(String purpose, List<String> arguments, Duration timeout, Path log)
            throws FfmpegException, InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        List<String> command = new ArrayList<>(List.of(executable.toString(), "-nostdin", "-hide_banner", "-nostats",
                "-loglevel", "level+info", "-benchmark"));
        command.addAll(arguments);
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(log.toFile()).start();
        } catch (IOException e) {
            throw new FfmpegException("ffmpeg could not be started", purpose + ": " + e.getMessage(), e);
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new FfmpegException("ffmpeg still running after " + timeout.toSeconds() + " s, killed",
                        purpose + ": " + errors(log));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
        if (p.exitValue() != 0) {
            throw new FfmpegException("ffmpeg exited with " + p.exitValue(), purpose + ": " + errors(log));
        }
        return cost(read(log));
    }

    /** From {@code [info] bench: utime=0.371s stime=0.010s rtime=0.381s}. */
    static Cost cost(String log) {
        Matcher m = BENCH.matcher(log);
        if (!m.find()) {
            return Cost.UNKNOWN;
        }
        return new Cost(Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(3)));
    }

    /** The {@code [error]} and {@code [fatal]} lines of a run's log, or its tail when it has none. */
    static String errorLines(String log) {
        StringBuilder errors = new StringBuilder();
        for (String line : log.split("\n")) {
            if (line.contains("[error]") || line.contains("[fatal]")) {
                errors.append(errors.isEmpty() ? "" : " | ").append(line.strip());
            }
        }
        String text = errors.isEmpty() ? log.strip() : errors.toString();
        return text.isEmpty() ? "it printed nothing" : "it printed: " + cut(text);
    }

    private static void waitFor(Process p, Duration timeout, String what) throws FfmpegException {
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new FfmpegException(what + " did not answer within " + timeout.toSeconds() + " s", "");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FfmpegException(what + ": interrupted", "", e);
        }
    }

    private static String errors(Path log) {
        return errorLines(read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }

    private static String cut(String text) {
        return text.length() <= MAX_ERROR_CHARS ? text : "[...]" + text.substring(text.length() - MAX_ERROR_CHARS);
    }

    @Override
    public String toString() {
        return executable + " (" + versionNumber() + ")";
    }
}
