package io.callrec.rendition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.storage.Sha256;
import io.callrec.storage.StorageBackend;
import io.callrec.storage.TestFiles;
import io.callrec.storage.local.LocalStorageBackend;
import io.callrec.testing.ExternalCommand;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.apache.commons.io.FileUtils;

/**
 * What the renditions of a 10-minute audio+video call cost: requester H.264 640x480 25 fps ~0.5 Mbit/s + PCM 8 kHz
 * (remux + AAC), peer VP8 320x240 ~0.5 Mbit/s + Opus (remux only), on the local backend, from the request to the
 * stored index. One minute of each is encoded by ffmpeg and looped ten times without re-encoding. Prints the
 * figures for docs/storage.md.
 */
class RenditionBenchmarkIT {
    private static final Path WORK = Path.of("target", "rendition-benchmark").toAbsolutePath();
    private static final int MINUTES = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tenMinutesOfAudioAndVideo() throws Exception {
        Path sources = WORK.resolve("sources");
        Path requester = sources.resolve("requester.mkv");
        Path peer = sources.resolve("peer.mkv");
        if (!Files.exists(peer)) {
            Files.createDirectories(sources);
            loop(encode(sources, "requester-1min.mkv", "testsrc2=size=640x480:rate=25", "libx264", "-preset",
                    "ultrafast", "-b:v", "500k", "-maxrate", "500k", "-bufsize", "1M", "-g", "50", "-pix_fmt", "yuv420p",
                    "-c:a", "pcm_alaw", "-ar", "8000", "-ac", "1"), requester);
            loop(encode(sources, "peer-1min.mkv", "testsrc=size=320x240:rate=15", "libvpx", "-deadline", "realtime",
                    "-cpu-used", "8", "-b:v", "500k", "-g", "30", "-c:a", "libopus", "-b:a", "32k"), peer);
        }
        Path data = WORK.resolve("data");
        List<String> runs = new ArrayList<>();
        double bestWall = Double.MAX_VALUE;
        for (int run = 1; run <= 2; run++) {
            FileUtils.deleteDirectory(data.toFile());
            String id = "r-bench-" + run;
            store(data, id, requester, peer);
            try (StorageBackend storage = new LocalStorageBackend(data, 0, Clock.systemUTC());
                 FfmpegRenditions renditions = new FfmpegRenditions(storage,
                         Ffmpeg.find(Optional.empty(), System.getenv("PATH")).orElseThrow(), WORK.resolve("work"),
                         FfmpegRenditions.Options.DEFAULTS, Clock.systemUTC())) {
                long start = System.nanoTime();
                renditions.request(id);
                Path index = data.resolve("recordings").resolve(id).resolve(RenditionIndex.NAME);
                while (!Files.exists(index)) {
                    assertTrue(System.nanoTime() - start < 300_000_000_000L, "renditions within 5 min");
                    Thread.sleep(50);
                }
                double wall = (System.nanoTime() - start) / 1e9;
                bestWall = Math.min(bestWall, wall);
                JsonNode made = JSON.readTree(index.toFile());
                assertEquals(2, made.get("files").size(), made.toPrettyString());
                StringBuilder line = new StringBuilder(String.format("run %d: request -> index %.2f s;", run, wall));
                for (JsonNode f : made.get("files")) {
                    long source = Files.size(data.resolve("recordings").resolve(id).resolve(f.get("of").asText()));
                    line.append(String.format(" %s %.1f MB -> %s %.1f MB (%.0f %%), cpu %.2f s, ffmpeg wall %.2f s"
                                    + " (per minute: cpu %.3f s, wall %.3f s);", f.get("of").asText(), source / 1e6,
                            f.get("name").asText(), f.get("bytes").asLong() / 1e6, 100.0 * f.get("bytes").asLong() / source,
                            f.get("cpuSeconds").asDouble(), f.get("wallSeconds").asDouble(),
                            f.get("cpuSeconds").asDouble() / MINUTES, f.get("wallSeconds").asDouble() / MINUTES));
                }
                runs.add(line.toString());
            }
        }
        runs.forEach(r -> System.out.println("BENCH renditions of " + MINUTES + " min A+V: " + r));
        assertTrue(bestWall < 60, "a 10-minute call's renditions take under a minute here: " + bestWall);
    }

    private static Path encode(Path dir, String name, String video, String codec, String... options) {
        Path out = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                video + ":duration=60", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=60",
                "-c:v", codec));
        command.addAll(List.of(options));
        command.add(out.toString());
        ExternalCommand.run(Duration.ofMinutes(3), command).requireSuccess();
        return out;
    }

    private static void loop(Path oneMinute, Path out) {
        ExternalCommand.run(Duration.ofMinutes(1), "ffmpeg", "-v", "error", "-y", "-stream_loop",
                Integer.toString(MINUTES - 1), "-i", oneMinute.toString(), "-c", "copy", out.toString()).requireSuccess();
    }

    private static void store(Path data, String id, Path requester, Path peer) throws Exception {
        Path dir = Files.createDirectories(data.resolve("recordings").resolve(id));
        Files.copy(requester, dir.resolve("requester.mkv"));
        Files.copy(peer, dir.resolve("peer.mkv"));
        Files.writeString(dir.resolve("manifest.json"), """
                {"version":1,"recordingId":"%s","mode":"both","tracks":[
                  {"party":"requester","kind":"video","storedAs":"h264","files":["requester.mkv"]},
                  {"party":"requester","kind":"audio","storedAs":"pcm_alaw","files":["requester.mkv"]},
                  {"party":"peer","kind":"video","storedAs":"vp8","files":["peer.mkv"]},
                  {"party":"peer","kind":"audio","storedAs":"opus","files":["peer.mkv"]}],
                 "files":[{"name":"requester.mkv","party":"requester","bytes":%d,"sha256":"%s"},
                          {"name":"peer.mkv","party":"peer","bytes":%d,"sha256":"%s"}]}"""
                .formatted(id, Files.size(requester), Sha256.of(requester), Files.size(peer), Sha256.of(peer)));
    }
}
