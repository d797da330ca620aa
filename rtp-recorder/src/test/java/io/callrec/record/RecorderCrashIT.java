package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKey;
import io.callrec.atrest.AtRestKeys;
import io.callrec.testing.media.Ffprobe;
import java.io.BufferedReader;
import java.io.InputStream;
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
        Path dir = crashAndRecover(AtRestKeys.none(), List.of());
        for (String name : List.of("requester.mkv", "peer.mkv", "combined.mkv")) {
            Path file = dir.resolve(name);
            assertEquals("", Ffprobe.decodeErrors(file), name + " decodes cleanly");
            assertTrue(Ffprobe.probe(file).streamCount() == (name.equals("combined.mkv") ? 4 : 2), name);
        }
    }

    /**
     * The same with encryption at rest: the journal the crash leaves is encrypted, and so is everything rebuilt from
     * it, which decrypts to playable files.
     */
    @Test
    void anEncryptedRecordingKilledMidwayIsRebuiltFromItsEncryptedJournal() throws Exception {
        Path keyFile = data.resolve("at-rest.key");
        AtRestKeys keys = AtRestKeys.of(AtRestKey.readOrGenerate(keyFile).key());
        Path dir = crashAndRecover(keys, List.of(keyFile.toString()));
        assertTrue(AtRestFiles.isSealed(dir.resolve("manifest.json")), "the rebuilt manifest is encrypted");
        Path plain = Files.createDirectories(data.resolve("decrypted"));
        for (String name : List.of("requester.mkv", "peer.mkv", "combined.mkv")) {
            Path stored = dir.resolve(name);
            assertTrue(AtRestFiles.isSealed(stored), name + " is encrypted");
            Path file = plain.resolve(name);
            try (InputStream in = AtRestFiles.openPlaintext(stored, keys)) {
                Files.copy(in, file);
            }
            assertEquals(-1, JournalTest.indexOf(Files.readAllBytes(stored), new byte[] {0x1a, 0x45, (byte) 0xdf,
                    (byte) 0xa3}), name + " shows no EBML header");
            assertEquals("", Ffprobe.decodeErrors(file), name + " decodes cleanly");
            assertTrue(Ffprobe.probe(file).streamCount() == (name.equals("combined.mkv") ? 4 : 2), name);
        }
    }

    /** Records in another JVM, kills it with SIGKILL after 3 s, rebuilds; returns the rebuilt recording's directory. */
    private Path crashAndRecover(AtRestKeys keys, List<String> hostArgs) throws Exception {
        Path log = data.resolve("host.log");
        Files.writeString(log, "");
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RecordingHostMain.class.getName(),
                data.toString(), "27400"));
        command.addAll(hostArgs);
        Process host = new ProcessBuilder(command).redirectErrorStream(true).start();
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
        List<Path> segments;
        try (java.util.stream.Stream<Path> s = Files.list(data.resolve("journal"))) {
            segments = s.toList();
        }
        // One worker on two cores holds both recordings; more cores, more workers: one segment each.
        assertTrue(segments.size() == 1 || segments.size() == 2,
                "the workers' journal segments are there after the crash: " + segments);
        for (Path segment : segments) {
            assertEquals(keys.encrypts(), AtRestFiles.isSealed(segment), "journal encrypted? " + segment);
        }

        List<FinishedRecording> rebuilt;
        try (Recorder recorder = new Recorder(RecorderConfig.under(data).withAtRest(keys),
                new RecordingListener() { })) {
            rebuilt = recorder.recover();
        }
        assertEquals(List.of("crash-1", "crash-2"),
                rebuilt.stream().map(FinishedRecording::recordingId).sorted().toList());
        try (java.util.stream.Stream<Path> s = Files.list(data.resolve("journal"))) {
            assertEquals(List.of(), s.toList(), "segments gone once split");
        }
        FinishedRecording second = rebuilt.stream().filter(r -> r.recordingId().equals("crash-2")).findFirst()
                .orElseThrow();
        JsonNode secondManifest;
        try (InputStream in = AtRestFiles.openPlaintext(second.directory().resolve("manifest.json"), keys)) {
            secondManifest = Manifest.JSON.readTree(in);
        }
        assertEquals("interrupted", second.state());
        assertEquals("peer", secondManifest.get("mode").asText(), secondManifest.toString());
        assertEquals(2, secondManifest.get("tracks").size(), "the peer's audio and video: " + secondManifest);
        for (JsonNode t : secondManifest.get("tracks")) {
            assertTrue(t.get("endMs").asDouble() > 1500, "the second call's media is there too: " + t);
        }
        FinishedRecording f = rebuilt.stream().filter(r -> r.recordingId().equals("crash-1")).findFirst()
                .orElseThrow();
        assertEquals("interrupted", f.state());
        Path dir = f.directory();
        assertTrue(Files.notExists(work), "moved out of the work directory");
        JsonNode manifest;
        try (InputStream in = AtRestFiles.openPlaintext(dir.resolve("manifest.json"), keys)) {
            manifest = Manifest.JSON.readTree(in);
        }
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
        return dir;
    }

    private static long micros(String iso) {
        Instant i = Instant.parse(iso);
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }
}
