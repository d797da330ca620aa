package io.callrec.rendition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKey;
import io.callrec.atrest.AtRestKeys;
import io.callrec.atrest.FileDigest;
import io.callrec.storage.ManualScheduler;
import io.callrec.storage.Sha256;
import io.callrec.storage.StorageBackend;
import io.callrec.storage.StorageException;
import io.callrec.storage.TestFiles;
import io.callrec.storage.spool.HookedBackend;
import io.callrec.storage.local.LocalStorageBackend;
import io.callrec.testing.ExternalCommand;
import io.callrec.testing.media.Ffprobe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.apache.commons.io.FileUtils;

/** The service with the real ffmpeg and the real local backend, on two-second recordings made by ffmpeg. */
class FfmpegRenditionsIT {
    private static final Path SOURCES = Path.of("target", "renditions-test-sources").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Ffmpeg ffmpeg;

    private Path root;
    private ManualScheduler clock;
    private final StoreSwitch stores = new StoreSwitch();
    private StorageBackend storage;
    private FfmpegRenditions renditions;

    @BeforeAll
    static void sources() throws Exception {
        ffmpeg = Ffmpeg.find(Optional.empty(), System.getenv("PATH")).orElseThrow();
        Files.createDirectories(SOURCES);
        if (!Files.exists(SOURCES.resolve("peer.mkv"))) {
            ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2", "-f", "lavfi", "-i",
                    "sine=sample_rate=8000:duration=2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
                    "yuv420p", "-c:a", "pcm_alaw", SOURCES.resolve("requester.mkv").toString());
            ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=2", "-f", "lavfi", "-i",
                    "sine=sample_rate=48000:duration=2", "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8",
                    "-c:a", "libopus", SOURCES.resolve("peer.mkv").toString());
        }
    }

    private static void ffmpeg(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
        command.addAll(List.of(args));
        ExternalCommand.run(Duration.ofSeconds(60), command).requireSuccess();
    }

    @BeforeEach
    void service() throws Exception {
        root = Files.createDirectories(Path.of("target", "renditions-test")).toAbsolutePath();
        FileUtils.deleteDirectory(root.toFile());
        clock = new ManualScheduler(Instant.parse("2026-11-25T18:20:00Z"));
        storage = new HookedBackend(new LocalStorageBackend(root.resolve("data"), 0, clock), stores);
        renditions = start(FfmpegRenditions.Options.DEFAULTS);
    }

    private FfmpegRenditions start(FfmpegRenditions.Options options) throws IOException {
        return new FfmpegRenditions(storage, ffmpeg, root.resolve("work"), options, clock);
    }

    /** Encrypts every file of a stored recording (manifest included) in place, as the recorder would have. */
    private void encryptAtRest(String id, AtRestKeys keys) throws IOException {
        Path dir = root.resolve("data").resolve("recordings").resolve(id);
        StringBuilder files = new StringBuilder();
        for (String[] f : new String[][] {{"requester.mkv", "requester"}, {"peer.mkv", "peer"},
                {"combined.mkv", "both"}}) {
            Path p = dir.resolve(f[0]);
            AtRestFiles.write(p, Files.readAllBytes(p), keys);
            FileDigest d = AtRestFiles.digest(p, keys);
            files.append(files.isEmpty() ? "" : ",").append(("{\"name\":\"%s\",\"party\":\"%s\",\"bytes\":%d,"
                    + "\"sha256\":\"%s\",\"stored\":{\"encryption\":\"%s\",\"keyId\":\"%s\",\"bytes\":%d,"
                    + "\"sha256\":\"%s\"}}").formatted(f[0], f[1], d.bytes(), d.sha256(), AtRestFiles.FORMAT,
                    d.stored().keyId(), d.stored().bytes(), d.stored().sha256()));
        }
        String manifest = Files.readString(dir.resolve("manifest.json"));
        manifest = manifest.substring(0, manifest.lastIndexOf("\"files\":[")) + "\"files\":[" + files + "]}";
        AtRestFiles.write(dir.resolve("manifest.json"), manifest.getBytes(StandardCharsets.UTF_8), keys);
    }

    @AfterEach
    void stop() {
        renditions.close();
    }

    /** A mode-both recording in storage; {@code peer} replaces peer.mkv's bytes when not null. */
    private void store(String id, byte[] peer) throws IOException {
        Path dir = Files.createDirectories(root.resolve("data").resolve("recordings").resolve(id));
        Files.copy(SOURCES.resolve("requester.mkv"), dir.resolve("requester.mkv"));
        if (peer == null) {
            Files.copy(SOURCES.resolve("peer.mkv"), dir.resolve("peer.mkv"));
        } else {
            Files.write(dir.resolve("peer.mkv"), peer);
        }
        Files.copy(SOURCES.resolve("peer.mkv"), dir.resolve("combined.mkv"));
        StringBuilder files = new StringBuilder();
        for (String[] f : new String[][] {{"requester.mkv", "requester"}, {"peer.mkv", "peer"},
                {"combined.mkv", "both"}}) {
            Path p = dir.resolve(f[0]);
            files.append(files.isEmpty() ? "" : ",").append("{\"name\":\"%s\",\"party\":\"%s\",\"bytes\":%d,\"sha256\":\"%s\"}"
                    .formatted(f[0], f[1], Files.size(p), Sha256.of(p)));
        }
        Files.writeString(dir.resolve("manifest.json"), """
                {"version":1,"recordingId":"%s","mode":"both","tracks":[
                  {"party":"requester","kind":"video","storedAs":"h264","files":["requester.mkv"]},
                  {"party":"requester","kind":"audio","storedAs":"pcm_alaw","files":["requester.mkv"]},
                  {"party":"peer","kind":"video","storedAs":"vp8","files":["peer.mkv","combined.mkv"]},
                  {"party":"peer","kind":"audio","storedAs":"opus","files":["peer.mkv","combined.mkv"]}],
                 "files":[%s]}""".formatted(id, files));
    }

    private JsonNode awaitIndex(String id) throws Exception {
        await("the index of " + id, () -> exists(id, RenditionIndex.NAME));
        try (InputStream in = storage.open(id, RenditionIndex.NAME, 0, -1)) {
            return JSON.readTree(in);
        }
    }

    private boolean exists(String id, String name) {
        try {
            return storage.size(id, name).isPresent();
        } catch (StorageException e) {
            return false;
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void eachPlayedFileGetsItsRenditionStoredBeforeTheIndex() throws Exception {
        store("r-1", null);
        assertInstanceOf(Renditions.Making.class, renditions.request("r-1"));
        JsonNode index = awaitIndex("r-1");
        assertEquals("r-1", index.get("recordingId").asText());
        assertEquals(ffmpeg.versionNumber(), index.get("ffmpeg").asText());
        assertEquals(2, index.get("files").size(), index.toPrettyString());
        assertEquals(0, index.get("notMade").size(), index.toPrettyString());
        Map<String, String> codecs = Map.of("requester.mp4", "h264 aac", "peer.webm", "vp8 opus");
        for (JsonNode f : index.get("files")) {
            String name = f.get("name").asText();
            Path stored = root.resolve("data").resolve("recordings").resolve("r-1").resolve(name);
            assertEquals(Files.size(stored), f.get("bytes").asLong(), name);
            assertEquals(Sha256.of(stored), f.get("sha256").asText(), name);
            Ffprobe probe = Ffprobe.probe(stored);
            assertEquals(codecs.get(name), probe.stream(0, "codec_name") + " " + probe.stream(1, "codec_name"), name);
            assertTrue(f.get("cpuSeconds").asDouble() >= 0, f.toString());
        }
        JsonNode mp4 = index.get("files").get(0);
        assertEquals("requester.mkv", mp4.get("of").asText());
        assertTrue(mp4.get("type").asText().matches("video/mp4; codecs=\"avc1\\.[0-9A-F]{6}, mp4a\\.40\\.2\""),
                mp4.toString());
        assertEquals("aac", mp4.get("audio").asText());
        assertEquals("video/webm; codecs=\"vp8, opus\"", index.get("files").get(1).get("type").asText());
        assertTrue(!exists("r-1", "combined.webm"), "combined.mkv is not played when the parties have files");
        assertEquals(1, renditions.made());
        await("the job to end", () -> renditions.pending() == 0);
        try (var left = Files.list(root.resolve("work"))) {
            assertEquals(List.of(), left.toList(), "the work directory is cleaned");
        }
    }

    @Test
    void aRecordingEncryptedAtRestGetsItsRenditionsAndIndexEncryptedToo() throws Exception {
        AtRestKeys keys = AtRestKeys.of(AtRestKey.random());
        renditions.close();
        renditions = new FfmpegRenditions(storage, ffmpeg, root.resolve("work"), FfmpegRenditions.Options.DEFAULTS,
                clock, keys);
        store("r-sealed", null);
        encryptAtRest("r-sealed", keys);
        renditions.request("r-sealed");
        await("the index of r-sealed", () -> exists("r-sealed", RenditionIndex.NAME));
        Path dir = root.resolve("data").resolve("recordings").resolve("r-sealed");
        assertTrue(AtRestFiles.isSealed(dir.resolve(RenditionIndex.NAME)), "the index is stored encrypted");
        JsonNode index = JSON.readTree(AtRestFiles.plaintext(Files.readAllBytes(dir.resolve(RenditionIndex.NAME)), keys));
        assertEquals(2, index.get("files").size(), index.toPrettyString());
        Map<String, String> codecs = Map.of("requester.mp4", "h264 aac", "peer.webm", "vp8 opus");
        for (JsonNode f : index.get("files")) {
            String name = f.get("name").asText();
            Path stored = dir.resolve(name);
            assertTrue(AtRestFiles.isSealed(stored), name + " is stored encrypted");
            JsonNode s = f.get("stored");
            assertEquals(AtRestFiles.FORMAT, s.get("encryption").asText(), f.toString());
            assertEquals(keys.current().orElseThrow().id(), s.get("keyId").asText(), f.toString());
            assertEquals(Files.size(stored), s.get("bytes").asLong(), name);
            assertEquals(Sha256.of(stored), s.get("sha256").asText(), name);
            Path plain = root.resolve("plain-" + name);
            try (InputStream in = AtRestFiles.openPlaintext(stored, keys)) {
                Files.copy(in, plain);
            }
            assertEquals(Files.size(plain), f.get("bytes").asLong(), name);
            assertEquals(Sha256.of(plain), f.get("sha256").asText(), name);
            Ffprobe probe = Ffprobe.probe(plain);
            assertEquals(codecs.get(name), probe.stream(0, "codec_name") + " " + probe.stream(1, "codec_name"), name);
        }
        await("the job to end", () -> renditions.pending() == 0);
        try (var left = Files.list(root.resolve("work"))) {
            assertEquals(List.of(), left.toList(), "no decrypted source or plain rendition is left behind");
        }
    }

    @Test
    void aServerThatOnlyDecryptsMakesNoPlainRenditionOfAnEncryptedRecording() throws Exception {
        AtRestKey key = AtRestKey.random();
        renditions.close();
        renditions = new FfmpegRenditions(storage, ffmpeg, root.resolve("work"), FfmpegRenditions.Options.DEFAULTS,
                clock, AtRestKeys.of(null, List.of(key)));
        store("r-old", null);
        encryptAtRest("r-old", AtRestKeys.of(key));
        renditions.request("r-old");
        await("the index of r-old", () -> exists("r-old", RenditionIndex.NAME));
        JsonNode index = awaitIndex("r-old");
        assertEquals(0, index.get("files").size(), index.toPrettyString());
        assertEquals(2, index.get("notMade").size(), index.toPrettyString());
        assertTrue(index.toString().contains("no current at-rest key"), index.toPrettyString());
        assertTrue(!exists("r-old", "requester.mp4") && !exists("r-old", "peer.webm"));
    }

    @Test
    void aRequestWhileMakingJoinsTheJobAndOneAfterItFindsTheIndex() throws Exception {
        store("r-2", null);
        CountDownLatch release = stores.holdFirstStoreOf("r-2");
        assertInstanceOf(Renditions.Making.class, renditions.request("r-2"));
        assertInstanceOf(Renditions.Making.class, renditions.request("r-2"));
        assertEquals(1, renditions.pending());
        release.countDown();
        awaitIndex("r-2");
        await("the job to end", () -> renditions.pending() == 0);
        Instant made = Files.getLastModifiedTime(root.resolve("data/recordings/r-2").resolve(RenditionIndex.NAME))
                .toInstant();
        assertInstanceOf(Renditions.Making.class, renditions.request("r-2"));
        await("the second job to end", () -> renditions.pending() == 0);
        assertEquals(made, Files.getLastModifiedTime(root.resolve("data/recordings/r-2").resolve(RenditionIndex.NAME))
                .toInstant(), "nothing is made again");
        assertEquals(1, renditions.made());
    }

    @Test
    void aFileFfmpegCannotReadIsListedAsNotMadeAndTheRestIsMade() throws Exception {
        store("r-3", "this is not a Matroska file".getBytes(StandardCharsets.US_ASCII));
        renditions.request("r-3");
        JsonNode index = awaitIndex("r-3");
        assertEquals(1, index.get("files").size());
        assertEquals("requester.mp4", index.get("files").get(0).get("name").asText());
        JsonNode notMade = index.get("notMade").get(0);
        assertEquals("peer.mkv", notMade.get("of").asText());
        assertEquals("ffmpeg exited with 1", notMade.get("reason").asText(), "what, never where: " + notMade);
        assertTrue(!exists("r-3", "peer.webm"));
    }

    @Test
    void aStorageFailureRefusesTheRecordingForAWhileThenItIsTriedAgain() throws Exception {
        store("r-4", null);
        stores.failStores = true;
        renditions.request("r-4");
        await("the failure", () -> renditions.request("r-4") instanceof Renditions.Later);
        Renditions.Later later = (Renditions.Later) renditions.request("r-4");
        assertTrue(later.reason().contains("store switched off"), later.reason());
        assertEquals(Duration.ofSeconds(30), later.retryAfter());
        assertEquals(1, renditions.failed());
        stores.failStores = false;
        clock.advance(Duration.ofSeconds(29));
        assertInstanceOf(Renditions.Later.class, renditions.request("r-4"));
        clock.advance(Duration.ofSeconds(1));
        assertInstanceOf(Renditions.Making.class, renditions.request("r-4"));
        assertEquals(2, awaitIndex("r-4").get("files").size());
    }

    @Test
    void moreWaitingRecordingsThanTheQueueHoldsAreToldToComeBackLater() throws Exception {
        renditions.close();
        renditions = start(new FfmpegRenditions.Options(Duration.ofMinutes(1), 1, Duration.ofSeconds(30), 0));
        store("r-5", null);
        CountDownLatch release = stores.holdFirstStoreOf("r-5");
        assertInstanceOf(Renditions.Making.class, renditions.request("r-5"));
        await("the worker to take r-5", () -> stores.held);
        assertInstanceOf(Renditions.Making.class, renditions.request("r-6"), "one may wait");
        Renditions.Later busy = assertInstanceOf(Renditions.Later.class, renditions.request("r-7"));
        assertTrue(busy.reason().startsWith("busy"), busy.reason());
        release.countDown();
        awaitIndex("r-5");
    }

    @Test
    void aRecordingWithoutManifestIsRefusedForAWhile() throws Exception {
        renditions.request("r-none");
        await("the failure", () -> renditions.request("r-none") instanceof Renditions.Later);
        assertTrue(((Renditions.Later) renditions.request("r-none")).reason().contains("no manifest"));
    }

    /** A hook on every store: fails while {@code failStores}, and holds the first store of a recording when asked. */
    private static final class StoreSwitch implements HookedBackend.Hook {
        volatile boolean failStores;
        volatile boolean held;
        private volatile String holdId;
        private volatile CountDownLatch hold;

        CountDownLatch holdFirstStoreOf(String id) {
            hold = new CountDownLatch(1);
            holdId = id;
            return hold;
        }

        @Override
        public void before(String recordingId, String name) throws StorageException {
            if (failStores) {
                throw new StorageException("store switched off", true);
            }
            if (recordingId.equals(holdId)) {
                holdId = null;
                held = true;
                try {
                    hold.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
