package io.callrec.it;

import static io.callrec.http.SecurityAssertions.assertSecurityHeaders;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.http.download.DownloadAttacks;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.Ports;
import io.callrec.link.LinkKeys;
import io.callrec.link.SignedLink;
import io.callrec.record.FinishedRecording;
import io.callrec.record.SampleRecordings;
import io.callrec.storage.Sha256;
import io.callrec.testing.media.AvSyncProbe;
import io.callrec.testing.media.Ffprobe;
import io.callrec.testing.media.Impairments;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Browser renditions of a real recording, made by the real server (the built jar, local storage, the ffmpeg on the
 * PATH) when asked for over HTTP with the recording's link: the recorder's own Matroska files of an A+V call
 * (requester H.264 + PCMA stored as PCM, peer VP8 + Opus; flash and beep together at 1 s and 3 s; both parties'
 * audio lost for 600 ms between the two) are spooled, the server stores them, and the renditions are checked with
 * ffprobe and {@link AvSyncProbe} against the files they were made of.
 */
class RenditionIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "r-rendition-it";
    /** Media time 1200-1800 ms of the audio streams (they start 300 ms into the source): between the two beeps. */
    private static final Impairments AUDIO_OUTAGE = Impairments.NONE.withOutage(1200, 600);

    @Test
    void theServerMakesRenditionsThatKeepCodecsDurationsTimelineAndLipSync(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        Path data = dir.resolve("data");
        FinishedRecording recorded = SampleRecordings.standardCall(data, ID, Ports.freeEvenUdpRange(100).low(),
                AUDIO_OUTAGE);
        assertEquals("complete", recorded.state());
        Path originals = dir.resolve("originals");
        Files.createDirectories(originals);
        for (String name : List.of("requester.mkv", "peer.mkv")) {
            Files.copy(recorded.directory().resolve(name), originals.resolve(name));
        }
        // Keys made before the start are the server's: links signed here verify there.
        SignedLink links = new SignedLink(LinkKeys.open(data.resolve("keys")), URI.create("http://127.0.0.1"),
                Clock.systemUTC());
        try (CallrecProcess callrec = CallrecProcess.builder(dir).dataDir(data).start()) {
            callrec.awaitLog("recording " + ID + " stored", Duration.ofSeconds(30));
            String query = links.sign(ID, Duration.ofHours(1)).query();
            URI indexUrl = callrec.baseUri().resolve("/recordings/" + ID + "/renditions.json?" + query);

            long asked = System.nanoTime();
            HttpResponse<String> first = HTTP.send(HttpRequest.newBuilder(indexUrl).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, first.statusCode(), first.body());
            assertEquals("1", first.headers().firstValue("Retry-After").orElse(null));
            assertSecurityHeaders(first);
            HttpResponse<String> index = first;
            while (index.statusCode() == 202) {
                assertTrue(System.nanoTime() - asked < 60_000_000_000L, "renditions not made within 60 s\n"
                        + callrec.logTail());
                Thread.sleep(200);
                index = HTTP.send(HttpRequest.newBuilder(indexUrl).build(), HttpResponse.BodyHandlers.ofString());
            }
            double waited = (System.nanoTime() - asked) / 1e9;
            assertEquals(200, index.statusCode(), index.body() + callrec.logTail());
            JsonNode renditions = JSON.readTree(index.body());
            System.out.println("renditions.json after " + String.format("%.2f s", waited) + ":\n"
                    + renditions.toPrettyString());
            assertEquals(0, renditions.get("notMade").size(), index.body());
            assertEquals(2, renditions.get("files").size(), index.body());

            Map<String, String> made = Map.of("requester.mkv", "requester.mp4", "peer.mkv", "peer.webm");
            Map<String, String> codecs = Map.of("requester.mp4", "h264 aac", "peer.webm", "vp8 opus");
            for (JsonNode f : renditions.get("files")) {
                String name = f.get("name").asText();
                String of = f.get("of").asText();
                assertEquals(made.get(of), name, f.toString());
                Path copy = download(callrec, name, query, dir, f);
                Ffprobe probe = Ffprobe.probe(copy);
                assertEquals(codecs.get(name), probe.stream(0, "codec_name") + " " + probe.stream(1, "codec_name"));
                assertEquals("", Ffprobe.decodeErrors(copy), name + " decodes cleanly");
                compare(originals.resolve(of), copy);
            }
            assertAacHasNoGaps(dir.resolve("requester.mp4"), originals.resolve("requester.mkv"));

            JsonNode health = callrec.healthJson().get("renditions");
            assertTrue(health.get("enabled").asBoolean(), health.toString());
            assertEquals(1, health.get("made").asInt(), health.toString());
            assertTrue(callrec.logText().contains("renditions of " + ID + " stored in"), callrec.logTail());
        }
    }

    /** Downloads a rendition with the link, checking what the download service says about it. */
    private static Path download(CallrecProcess callrec, String name, String query, Path dir, JsonNode entry)
            throws Exception {
        URI url = callrec.baseUri().resolve("/recordings/" + ID + "/" + name + "?" + query);
        Path file = dir.resolve(name);
        HttpResponse<Path> r = HTTP.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofFile(file));
        assertEquals(200, r.statusCode());
        assertSecurityHeaders(r);
        assertEquals(name.endsWith(".mp4") ? "video/mp4" : "video/webm", r.headers().firstValue("Content-Type")
                .orElse(null));
        assertEquals(entry.get("bytes").asLong(), Files.size(file));
        assertEquals(entry.get("sha256").asText(), Sha256.of(file));
        assertEquals("\"" + Sha256.of(file) + "\"", r.headers().firstValue("ETag").orElse(null));
        HttpResponse<byte[]> part = HTTP.send(HttpRequest.newBuilder(url).header("Range", "bytes=0-99").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertEquals(100, part.body().length);
        return file;
    }

    /**
     * Durations within 100 ms; the flashes at the same times (the timeline is kept, so two parties' renditions
     * stay in step as their recorded files do); every beep − flash offset within 10 ms of the original's.
     */
    private static void compare(Path original, Path rendition) {
        double recordedDuration = Double.parseDouble(Ffprobe.probe(original).format("duration"));
        double renditionDuration = Double.parseDouble(Ffprobe.probe(rendition).format("duration"));
        assertEquals(recordedDuration, renditionDuration, 0.100, rendition + " duration");
        for (String kind : List.of("video", "audio")) {
            DoubleSummaryStatistics a = span(original, kind);
            DoubleSummaryStatistics b = span(rendition, kind);
            assertEquals(a.getMax() - a.getMin(), b.getMax() - b.getMin(), 0.100, rendition + " " + kind);
        }
        AvSyncProbe before = AvSyncProbe.of(original);
        AvSyncProbe after = AvSyncProbe.of(rendition);
        System.out.println(original.getFileName() + ": " + before + "\n" + rendition.getFileName() + ": " + after);
        assertEquals(2, before.pairs().size(), before.toString());
        assertEquals(2, after.pairs().size(), after.toString());
        for (int i = 0; i < 2; i++) {
            assertEquals(before.pairs().get(i).flashSeconds(), after.pairs().get(i).flashSeconds(), 0.0015,
                    "flash " + i + " stays where it was on the recording's timeline");
            assertEquals(before.offsetMillis().get(i), after.offsetMillis().get(i), 10.0,
                    "beep - flash " + i + ": " + before + " / " + after);
        }
    }

    /** Packet times of the file's stream of one kind ({@code audio}, {@code video}). */
    private static DoubleSummaryStatistics span(Path file, String kind) {
        int stream = streamOf(file, kind);
        return Ffprobe.packets(file).stream().filter(p -> p.stream() == stream)
                .mapToDouble(Ffprobe.Packet::ptsSeconds).summaryStatistics();
    }

    private static int streamOf(Path file, String kind) {
        Ffprobe probe = Ffprobe.probe(file);
        return kind.equals(probe.stream(0, "codec_type")) ? 0 : 1;
    }

    /**
     * The recorded PCM has the outage as a gap in its timestamps; the AAC made of it is continuous (the gap filled
     * with silence), because browsers play encoded audio as one run and would otherwise pull the rest earlier.
     */
    private static void assertAacHasNoGaps(Path mp4, Path recorded) {
        assertTrue(largestAudioStep(recorded) > 0.5, "the recording has the outage's gap");
        double frame = 1024 / 48000.0;
        assertEquals(frame, largestAudioStep(mp4), 0.001, "AAC frames follow each other without a gap");
    }

    /** The largest step between consecutive packets of the file's audio stream, in seconds. */
    private static double largestAudioStep(Path file) {
        int audio = streamOf(file, "audio");
        List<Double> pts = Ffprobe.packets(file).stream().filter(p -> p.stream() == audio)
                .map(Ffprobe.Packet::ptsSeconds).sorted().toList();
        double largest = 0;
        for (int i = 1; i < pts.size(); i++) {
            largest = Math.max(largest, pts.get(i) - pts.get(i - 1));
        }
        return largest;
    }

    @Test
    void withoutFfmpegTheServerRunsAndTheRecordingHasNoRenditions(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        Path data = dir.resolve("data");
        DownloadAttacks attacks = DownloadAttacks.prepare(data, Clock.systemUTC());
        try (CallrecProcess callrec = CallrecProcess.builder(dir).dataDir(data).env("PATH", "/nonexistent")
                .start()) {
            assertTrue(callrec.logText().contains("no ffmpeg on the PATH: no browser renditions"), callrec.logTail());
            assertEquals("{\"enabled\":false}", callrec.healthJson().get("renditions").toString());
            URI index = callrec.baseUri().resolve("/recordings/" + DownloadAttacks.ID + "/renditions.json?"
                    + attacks.links().sign(DownloadAttacks.ID, Duration.ofHours(1)).query());
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(index).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, r.statusCode());
            assertEquals("This server makes no browser renditions.\n", r.body());
        }
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> CallrecProcess.builder(dir).dataDir(data).logName("bad-ffmpeg.log").args("--ffmpeg", "/bin/true")
                        .start());
        assertTrue(refused.getMessage().contains("--ffmpeg: /bin/true is not ffmpeg"), refused.getMessage());
    }
}
