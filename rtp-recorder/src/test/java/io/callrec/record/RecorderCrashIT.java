package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.testing.media.Ffprobe;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 in mid-recording, then the next start rebuilds playable files from the journal. */
class RecorderCrashIT {
    @TempDir
    Path data;

    @Test
    void aRecordingKilledMidwayIsRebuiltFromItsJournalLosingAtMostTheLastSecond() throws Exception {
        Path log = data.resolve("host.log");
        Files.writeString(log, "");
        Process host = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RecordingHostMain.class.getName(),
                data.toString(), "27400")
                .redirectErrorStream(true).start();
        long killedAtMicros;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("RECORDING")) {
                Files.writeString(log, line + "\n", java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            }
            assertTrue(line != null, "the host never started recording: " + Files.readString(log));
            Thread.sleep(3000);
            Instant now = Instant.now();
            killedAtMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
            host.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
            assertTrue(host.waitFor(10, TimeUnit.SECONDS));
        }
        assertEquals(137, host.exitValue(), "killed by SIGKILL");
        Path work = data.resolve("recording").resolve("crash-1");
        assertTrue(Files.exists(work.resolve("journal.crj")), "the journal is there after the crash");

        List<FinishedRecording> rebuilt;
        try (Recorder recorder = new Recorder(RecorderConfig.under(data), new RecordingListener() { })) {
            rebuilt = recorder.recover();
        }
        assertEquals(1, rebuilt.size());
        FinishedRecording f = rebuilt.get(0);
        assertEquals("interrupted", f.state());
        Path dir = f.directory();
        assertTrue(Files.notExists(work), "moved out of the work directory");
        JsonNode manifest = Manifest.JSON.readTree(dir.resolve("manifest.json").toFile());
        assertEquals("interrupted", manifest.get("state").asText());
        assertTrue(manifest.get("interruption").asText().contains("journal"), manifest.toString());
        long startedMicros = micros(manifest.get("startedAt").asText());
        double killedAtMs = (killedAtMicros - startedMicros) / 1000.0;
        double lastMs = 0;
        for (JsonNode t : manifest.get("tracks")) {
            lastMs = Math.max(lastMs, t.get("endMs").asDouble());
        }
        System.out.printf("killed %.0f ms into the recording; rebuilt media ends at %.0f ms (lost %.0f ms)%n",
                killedAtMs, lastMs, killedAtMs - lastMs);
        assertTrue(killedAtMs - lastMs <= 1000, "at most the last second is lost: killed at " + killedAtMs
                + " ms, media up to " + lastMs + " ms");
        assertEquals(4, manifest.get("tracks").size());
        for (String name : List.of("requester.mkv", "peer.mkv", "combined.mkv")) {
            Path file = dir.resolve(name);
            assertEquals("", Ffprobe.decodeErrors(file), name + " decodes cleanly");
            assertTrue(Ffprobe.probe(file).streamCount() == (name.equals("combined.mkv") ? 4 : 2), name);
        }
    }

    private static long micros(String iso) {
        Instant i = Instant.parse(iso);
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }
}
