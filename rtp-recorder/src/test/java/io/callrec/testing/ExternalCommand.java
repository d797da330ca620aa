package io.callrec.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short external tool (tshark, ffmpeg, ...) to completion within a time limit.
 *
 * <p>Output goes to temporary files rather than pipes, so a chatty tool can never block on a
 * full pipe while we wait for it.
 */
public final class ExternalCommand {

    private ExternalCommand() {
    }

    public static CommandResult run(Duration timeout, String... command) {
        return run(timeout, List.of(command));
    }

    /**
     * Runs {@code command} with stdin closed and returns its result, whatever the exit code.
     *
     * @throws IllegalStateException if it does not finish within {@code timeout} (it is killed)
     *     or cannot be started (e.g. the tool is not installed)
     */
    public static CommandResult run(Duration timeout, List<String> command) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("cmd-", ".out");
            err = Files.createTempFile("cmd-", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + timeout + "; stderr:\n" + tail(Files.readString(err, StandardCharsets.UTF_8), 4000));
            }
            return new CommandResult(command, process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** The last {@code maxChars} characters of {@code text}, marked when cut. */
    public static String tail(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        return "[...]" + text.substring(text.length() - maxChars);
    }

    /** The text of a file, or an empty string if it does not exist (a tool that never wrote it). */
    public static String readIfExists(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover temp file is harmless; the result matters more than the cleanup.
        }
    }
}
