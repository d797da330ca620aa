package io.callrec.media.codec;

import io.callrec.testing.CommandResult;
import io.callrec.testing.ExternalCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs ffmpeg/ffprobe for the codec tests, with their files under {@code target/codec-tests}. */
final class TestFfmpeg {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private TestFfmpeg() {
    }

    /** A fresh directory for one test's files. */
    static Path workDir(String name) {
        try {
            Path dir = Path.of("target", "codec-tests", name);
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ffmpeg -hide_banner -nostdin -loglevel error -y ARGS}, which must succeed. */
    static CommandResult ffmpeg(String... args) {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                "-y"));
        command.addAll(List.of(args));
        return ExternalCommand.run(TIMEOUT, command).requireSuccess();
    }

    /** The bytes of the first stream's extradata as {@code ffprobe -show_data} prints them (hex dump). */
    static byte[] extradata(Path file) {
        String out = ExternalCommand.run(TIMEOUT, "ffprobe", "-v", "error", "-select_streams", "0",
                "-show_streams", "-show_data", file.toString()).requireSuccess().stdout();
        int start = out.indexOf("extradata=\n");
        if (start < 0) {
            throw new AssertionError("ffprobe shows no extradata for " + file + ":\n" + out);
        }
        StringBuilder hex = new StringBuilder();
        for (String line : out.substring(start + "extradata=\n".length()).split("\n")) {
            int colon = line.indexOf(": ");
            if (colon != 8) {
                break;
            }
            // "00000000: 0164 001e ffe1 ...  .d......" — hex groups end at the double space before the ASCII
            String groups = line.substring(colon + 2);
            int ascii = groups.indexOf("  ");
            hex.append((ascii < 0 ? groups : groups.substring(0, ascii)).replace(" ", ""));
        }
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
