package io.callrec.rendition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against the ffmpeg installed here (and in CI). */
class FfmpegTest {
    @TempDir
    Path dir;

    @Test
    void theFfmpegOnThePathIsFoundWithItsVersionAndEncoders() throws Exception {
        Ffmpeg ffmpeg = Ffmpeg.find(Optional.empty(), System.getenv("PATH")).orElseThrow();
        assertTrue(ffmpeg.version().startsWith("ffmpeg version "), ffmpeg.version());
        assertTrue(ffmpeg.versionNumber().matches("[0-9].*"), ffmpeg.versionNumber());
        assertTrue(ffmpeg.hasEncoder("aac") && ffmpeg.hasEncoder("libopus"), "Debian's ffmpeg has both");
        assertTrue(!ffmpeg.hasEncoder("Encoders:") && !ffmpeg.hasEncoder("------"), "the header is no encoder");
        assertEquals(ffmpeg.executable(), Ffmpeg.find(Optional.of(ffmpeg.executable()), "").orElseThrow().executable());
    }

    @Test
    void aPathWithoutFfmpegFindsNothing() throws Exception {
        Files.createDirectories(dir.resolve("bin"));
        assertEquals(Optional.empty(), Ffmpeg.find(Optional.empty(), dir.resolve("bin") + ":" + dir.resolve("none")));
        assertEquals(Optional.empty(), Ffmpeg.find(Optional.empty(), ""));
        assertEquals(Optional.empty(), Ffmpeg.find(Optional.empty(), null));
    }

    @Test
    void aConfiguredPathThatIsNotAWorkingFfmpegIsAnError() throws Exception {
        FfmpegException missing = assertThrows(FfmpegException.class,
                () -> Ffmpeg.find(Optional.of(dir.resolve("no-such-ffmpeg")), ""));
        assertTrue(missing.getMessage().contains("no-such-ffmpeg"), missing.getMessage());
        Path fake = dir.resolve("ffmpeg");
        Files.writeString(fake, "#!/bin/sh\necho 'hello world'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        FfmpegException notFfmpeg = assertThrows(FfmpegException.class,
                () -> Ffmpeg.find(Optional.empty(), dir.toString()));
        assertTrue(notFfmpeg.getMessage().contains("is not ffmpeg"), notFfmpeg.getMessage());
    }

    @Test
    void aRunReportsItsCostAndAFailureItsErrorLines() throws Exception {
        Ffmpeg ffmpeg = Ffmpeg.find(Optional.empty(), System.getenv("PATH")).orElseThrow();
        // -re paces the input at real time, so the wall time is known (a fast machine decodes 1 s of tone
        // in under the 1 ms that -benchmark can show)
        Ffmpeg.Cost cost = ffmpeg.run("tone", List.of("-re", "-f", "lavfi", "-i", "sine=duration=0.5", "-f", "null", "-"),
                Duration.ofSeconds(30), dir.resolve("ok.log"));
        assertTrue(cost.cpuSeconds() >= 0 && cost.wallSeconds() >= 0.4 && cost.wallSeconds() < 30, cost.toString());
        FfmpegException failed = assertThrows(FfmpegException.class, () -> ffmpeg.run("broken",
                List.of("-i", dir.resolve("missing.mkv").toString(), "-f", "null", "-"), Duration.ofSeconds(30),
                dir.resolve("failed.log")));
        assertTrue(failed.getMessage().startsWith("ffmpeg exited with 1; broken: it printed: "), failed.getMessage());
        assertTrue(failed.getMessage().contains("missing.mkv: No such file"), failed.getMessage());
        assertEquals("ffmpeg exited with 1", failed.summary());
    }

    @Test
    void aRunThatTakesTooLongIsKilled() throws Exception {
        Ffmpeg ffmpeg = Ffmpeg.find(Optional.empty(), System.getenv("PATH")).orElseThrow();
        long start = System.nanoTime();
        FfmpegException slow = assertThrows(FfmpegException.class, () -> ffmpeg.run("endless",
                List.of("-re", "-f", "lavfi", "-i", "sine", "-f", "null", "-"), Duration.ofSeconds(1),
                dir.resolve("slow.log")));
        assertEquals("ffmpeg still running after 1 s, killed", slow.summary());
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
    }

    @Test
    void benchLinesAndErrorLinesAreParsed() {
        String log = """
                [info] Input #0, matroska,webm, from 'x.mkv':
                [error] x.mkv: Invalid data found when processing input
                [info] bench: utime=0.371s stime=0.010s rtime=0.512s
                """;
        assertEquals(new Ffmpeg.Cost(0.381, 0.512).wallSeconds(), Ffmpeg.cost(log).wallSeconds());
        assertEquals(0.381, Ffmpeg.cost(log).cpuSeconds(), 1e-9);
        assertTrue(Double.isNaN(Ffmpeg.cost("nothing").cpuSeconds()));
        assertEquals("it printed: [error] x.mkv: Invalid data found when processing input", Ffmpeg.errorLines(log));
        assertEquals("it printed nothing", Ffmpeg.errorLines(" \n"));
        assertEquals("it printed: [info] something", Ffmpeg.errorLines("[info] something\n"));
    }
}
