package io.callrec.http.download;

import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKey;
import io.callrec.atrest.AtRestKeys;
import io.callrec.atrest.FileDigest;
import io.callrec.link.LinkKeys;
import io.callrec.link.SignedLink;
import io.callrec.rendition.Ffmpeg;
import io.callrec.rendition.FfmpegRenditions;
import io.callrec.testing.ExternalCommand;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.apache.commons.io.FileUtils;

/**
 * The player in real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}), over the real
 * download service: two recordings made by ffmpeg — mode {@code both} with H.264 + µ-law for the requester and
 * VP8 + Opus for the peer, and an audio-only mode {@code peer} one. Chromium plays the recorded Matroska files;
 * {@code ?force=rendition} makes the page act as a browser that cannot (Firefox, Safari), so that it plays the
 * renditions the server makes with the real ffmpeg.
 */
class PlayerPageIT {
    private static final Duration FFMPEG_LIMIT = Duration.ofSeconds(60);
    private static final int SECONDS = 14;
    private static final AtRestKeys KEYS = AtRestKeys.of(AtRestKey.random());

    private static Path dir;
    private static DirectoryStorage storage;
    private static SignedLink links;
    private static Server server;
    private static int port;
    private static FfmpegRenditions renditions;
    private static Server plainServer;
    private static int plainPort;
    private static HeadlessPlayer player;
    private static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createDirectories(Path.of("target", "player-it")).toAbsolutePath();
        FileUtils.cleanDirectory(dir.toFile());
        storage = new DirectoryStorage(dir.resolve("storage"));
        makeBothRecording("r-both");
        makeAudioOnlyPeerRecording("r-peer");
        copyRecording("r-both", "r-plain");
        encryptedCopy("r-both", "r-both-encrypted");
        links = new SignedLink(LinkKeys.open(dir.resolve("keys")), URI.create("http://127.0.0.1"), Clock.systemUTC());
        renditions = new FfmpegRenditions(storage, Ffmpeg.find(Optional.empty(), System.getenv("PATH")).orElseThrow(),
                dir.resolve("rendition-work"), FfmpegRenditions.Options.DEFAULTS, Clock.systemUTC(), KEYS);
        server = DownloadHandlerTest.startServer(new DownloadHandler(storage, links, Clock.systemUTC(),
                DownloadHandler.Options.defaults(), renditions, KEYS));
        port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        // The same storage, served as by a server without ffmpeg: r-plain is never asked for renditions.
        plainServer = DownloadHandlerTest.startServer(new DownloadHandler(storage, links, Clock.systemUTC(),
                DownloadHandler.Options.defaults()));
        plainPort = ((ServerConnector) plainServer.getConnectors()[0]).getLocalPort();

        player = HeadlessPlayer.start();
        driver = player.driver();
    }

    @AfterAll
    static void stop() throws Exception {
        if (player != null) {
            player.close();
        }
        if (server != null) {
            server.stop();
        }
        if (plainServer != null) {
            plainServer.stop();
        }
        if (renditions != null) {
            renditions.close();
        }
    }

    @Test
    void bothPartiesPlaySideBySideInSync() throws Exception {
        SignedLink.Link link = links.sign("r-both", Duration.ofHours(1));
        driver.get("http://127.0.0.1:" + port + "/recordings/r-both?" + link.query());
        waitFor("both videos have metadata", () -> state(), s -> s.size() == 2 && s.stream().allMatch(v -> num(v, "rs") >= 1));
        assertTrue(driver.findElement(By.id("summary")).getText().contains("sip:alice@example.com"));
        assertTrue(driver.findElement(By.id("summary")).getText().contains("sip:bob@example.com"));
        List<String> hrefs = strings("return [...document.querySelectorAll('#files a')].map(a => a.getAttribute('href'))");
        assertEquals(List.of("/recordings/r-both/requester.mkv?" + link.query(), "/recordings/r-both/peer.mkv?" + link.query(),
                "/recordings/r-both/combined.mkv?" + link.query()), hrefs, "file links carry the link's query");

        assertEquals(List.of("requester.mkv", "peer.mkv"), playing(), "Chromium plays the recorded files");
        playBothInSyncFor5Seconds("both parties", "player-both.png");

        // Push the follower off by hand: a small drift is nudged away, a large one is sought away. The skew is read
        // in the same script as the push: on a loaded machine the player may already have corrected it by the next
        // round trip. Each correction must be a new one (its counter above what it was before the push).
        long nudged = pushedOffAndCorrectedBy("nudges", 0.15, "a 150 ms drift corrected by rate");
        long sought = pushedOffAndCorrectedBy("seeks", -1.0, "a 1 s drift corrected by a seek");
        System.out.printf("player: +150 ms drift corrected in %d ms, -1 s drift in %d ms%n", nudged, sought);
        assertNothingBlockedByThePolicy();
    }

    @Test
    void aBrowserThatCannotPlayMatroskaGetsTheRenditionsAndTheyPlayInSync() throws Exception {
        SignedLink.Link link = links.sign("r-both", Duration.ofHours(1));
        driver.get("http://127.0.0.1:" + port + "/recordings/r-both?" + link.query() + "&force=rendition");
        waitFor("both renditions have metadata", () -> state(),
                s -> s.size() == 2 && s.stream().allMatch(v -> num(v, "rs") >= 1));
        assertEquals(List.of("requester.mp4", "peer.webm"), playing());
        assertEquals(List.of("video/mp4", "video/webm"), strings("return callrecPlayer.videos.map(v => "
                + "callrecPlayer.renditions.files.find(r => r.name === v.dataset.file).type.split(';')[0])"));
        String stage = driver.findElement(By.id("stage")).getText();
        assertTrue(stage.contains("browser copy"), stage);
        assertFalse(driver.findElement(By.id("status")).getText().contains("Matroska"),
                driver.findElement(By.id("status")).getText());
        List<String> hrefs = strings("return [...document.querySelectorAll('#files a')].map(a => a.getAttribute('href'))");
        assertTrue(hrefs.contains("/recordings/r-both/peer.webm?" + link.query() + "&force=rendition"), hrefs.toString());
        playBothInSyncFor5Seconds("renditions", "player-renditions.png");
        assertNothingBlockedByThePolicy();
    }

    @Test
    void withoutRenditionsThePlayerFallsBackToTheRecordedFilesAndSaysSo() throws Exception {
        SignedLink.Link link = links.sign("r-plain", Duration.ofHours(1));
        driver.get("http://127.0.0.1:" + plainPort + "/recordings/r-plain?" + link.query() + "&force=rendition");
        waitFor("both videos have metadata", () -> state(), s -> s.size() == 2 && s.stream().allMatch(v -> num(v, "rs") >= 1));
        assertEquals(List.of("requester.mkv", "peer.mkv"), playing());
        String status = driver.findElement(By.id("status")).getText();
        assertTrue(status.contains("makes no copies") && status.contains("Matroska"), status);
        assertNothingBlockedByThePolicy();
    }

    /** Plays, then checks for 5 s that the master advances and the two videos stay within 100 ms of each other. */
    private void playBothInSyncFor5Seconds(String what, String screenshot) throws Exception {
        HeadlessPlayer.SyncFigures f = player.playInSyncFor5Seconds(dir.resolve(screenshot));
        System.out.printf("player: %s, master advanced %.2f s in 5 s, max |t1-t2| %.3f s, %s%n",
                what, f.advancedSeconds(), f.maxSkewSeconds(), f.corrections());
        for (Map<String, Object> v : state()) {
            assertTrue(num(v, "w") > 0, "a picture, not audio only: " + v);
        }
    }

    /** The file each video plays. */
    private static List<String> playing() {
        return player.playing();
    }

    @Test
    void anAudioOnlyPeerRecordingPlaysAlone() throws Exception {
        SignedLink.Link link = links.sign("r-peer", Duration.ofHours(1));
        driver.get("http://127.0.0.1:" + port + "/recordings/r-peer?" + link.query());
        waitFor("one video with metadata", () -> state(), s -> s.size() == 1 && num(s.get(0), "rs") >= 1);
        assertFalse(driver.findElement(By.id("views")).isDisplayed(), "no choice of party with one file");
        driver.findElement(By.id("play")).click();
        waitFor("playing", () -> state(), s -> num(s.get(0), "rs") >= 3 && num(s.get(0), "t") > 0.2);
        double t0 = num(state().get(0), "t");
        Thread.sleep(1500);
        Map<String, Object> v = state().get(0);
        assertTrue(num(v, "t") - t0 > 1.0, "advanced: " + t0 + " -> " + v);
        assertEquals(0.0, num(v, "w"), "no video track");
        assertTrue(driver.findElement(By.id("stage")).getText().contains("audio only"));
        Files.write(dir.resolve("player-audio-only.png"), driver.getScreenshotAs(OutputType.BYTES));
        assertNothingBlockedByThePolicy();
    }

    /**
     * Encrypted at rest: the browser's range requests (metadata, then a seek into the middle of the files) are
     * decrypted chunk by chunk, and both videos play as the plain recording does.
     */
    @Test
    void anEncryptedRecordingPlaysAndSeeksLikeAPlainOne() throws Exception {
        SignedLink.Link link = links.sign("r-both-encrypted", Duration.ofHours(1));
        driver.get("http://127.0.0.1:" + port + "/recordings/r-both-encrypted?" + link.query());
        waitFor("both videos have metadata", () -> state(), s -> s.size() == 2 && s.stream().allMatch(v -> num(v, "rs") >= 1));
        driver.findElement(By.id("play")).click();
        waitFor("both videos playing", () -> state(),
                s -> s.stream().allMatch(v -> num(v, "rs") >= 3 && num(v, "t") > 0.2 && !(Boolean) v.get("paused")));
        script("callrecPlayer.videos[0].currentTime = 9");
        long sought = waitFor("both playing after a seek to 9 s", () -> state(), s -> s.stream().allMatch(
                v -> num(v, "rs") >= 3 && num(v, "t") > 9.2 && v.get("error") == null));
        for (Map<String, Object> v : state()) {
            assertTrue(num(v, "w") > 0, "a picture: " + v);
        }
        System.out.printf("player: encrypted recording playing again %d ms after a seek to 9 s%n", sought);
        assertNothingBlockedByThePolicy();
    }

    /** No console message about the Content-Security-Policy: it allows all the player needs, and no more. */
    private static void assertNothingBlockedByThePolicy() {
        assertEquals(List.of(), player.blockedByThePolicy());
    }

    // --- recordings ----------------------------------------------------------------------------------------------

    private static void makeBothRecording(String id) throws Exception {
        Path req = storage.file(id, "requester.mkv");
        Files.createDirectories(req.getParent());
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=" + SECONDS,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=" + SECONDS,
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "15",
                "-c:a", "pcm_mulaw", "-ac", "1", req.toString());
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15:duration=" + SECONDS,
                "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000:duration=" + SECONDS,
                "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "400k", "-g", "15",
                "-c:a", "libopus", "-b:a", "32k", storage.file(id, "peer.mkv").toString());
        ffmpeg("-i", req.toString(), "-i", storage.file(id, "peer.mkv").toString(),
                "-map", "0", "-map", "1", "-c", "copy", storage.file(id, "combined.mkv").toString());
        writeManifest(id, "both", List.of("requester.mkv", "requester", "peer.mkv", "peer", "combined.mkv", "both"),
                """
                "tracks":[
                 {"id":"requester-video","party":"requester","kind":"video","codec":"H264","clockRate":90000,
                  "width":320,"height":240,"frames":150,"startMs":0.0,"endMs":10000.0,"sync":"rtcp-sr"},
                 {"id":"requester-audio","party":"requester","kind":"audio","codec":"PCMU","storedAs":"pcm_mulaw","clockRate":8000,
                  "frames":500,"startMs":0.0,"endMs":10000.0,"sync":"rtcp-sr"},
                 {"id":"peer-video","party":"peer","kind":"video","codec":"VP8","clockRate":90000,
                  "width":320,"height":240,"frames":150,"startMs":0.0,"endMs":10000.0,"sync":"arrival"},
                 {"id":"peer-audio","party":"peer","kind":"audio","codec":"opus","clockRate":48000,
                  "frames":500,"startMs":0.0,"endMs":10000.0,"sync":"arrival"}],""");
    }

    private static void makeAudioOnlyPeerRecording(String id) throws Exception {
        Path peer = storage.file(id, "peer.mkv");
        Files.createDirectories(peer.getParent());
        ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:sample_rate=8000:duration=" + SECONDS,
                "-c:a", "pcm_alaw", peer.toString());
        writeManifest(id, "peer", List.of("peer.mkv", "peer"),
                """
                "tracks":[{"id":"peer-audio","party":"peer","kind":"audio","codec":"PCMA","clockRate":8000,
                  "frames":500,"startMs":0.0,"endMs":10000.0,"sync":"arrival"}],""");
    }

    private static void copyRecording(String from, String to) throws Exception {
        Path target = Files.createDirectories(storage.file(to, "x").getParent());
        try (var files = Files.list(storage.file(from, "x").getParent())) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        Path manifest = target.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"" + from + "\"", "\"" + to + "\""));
    }

    /** Stores {@code from}'s files and manifest again under {@code to}, encrypted at rest. */
    private static void encryptedCopy(String from, String to) throws Exception {
        List<String> namesAndParties = List.of("requester.mkv", "requester", "peer.mkv", "peer", "combined.mkv", "both");
        Files.createDirectories(storage.file(to, "x").getParent());
        for (int i = 0; i < namesAndParties.size(); i += 2) {
            String name = namesAndParties.get(i);
            AtRestFiles.write(storage.file(to, name), Files.readAllBytes(storage.file(from, name)), KEYS);
        }
        writeManifest(to, "both", namesAndParties, "", KEYS);
    }

    private static void ffmpeg(String... args) {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
        command.addAll(List.of(args));
        ExternalCommand.run(FFMPEG_LIMIT, command).requireSuccess();
    }

    /** @param namesAndParties name, party, name, party, ... */
    private static void writeManifest(String id, String mode, List<String> namesAndParties, String tracks)
            throws Exception {
        writeManifest(id, mode, namesAndParties, tracks, AtRestKeys.none());
    }

    /** With {@code keys} that encrypt, the files are expected encrypted already; the manifest is written so too. */
    private static void writeManifest(String id, String mode, List<String> namesAndParties, String tracks,
                                      AtRestKeys keys) throws Exception {
        StringBuilder files = new StringBuilder();
        for (int i = 0; i < namesAndParties.size(); i += 2) {
            FileDigest d = AtRestFiles.digest(storage.file(id, namesAndParties.get(i)), keys);
            files.append(i == 0 ? "" : ",").append("{\"name\":\"").append(namesAndParties.get(i))
                    .append("\",\"party\":\"").append(namesAndParties.get(i + 1)).append("\",\"bytes\":")
                    .append(d.bytes()).append(",\"sha256\":\"").append(d.sha256()).append('"');
            if (d.stored() != null) {
                files.append(",\"stored\":{\"bytes\":").append(d.stored().bytes()).append("}");
            }
            files.append('}');
        }
        String json = """
                {"version":1,"recordingId":"%s","mode":"%s","state":"complete",
                 "startedAt":"2026-11-25T18:20:01.125Z","endedAt":"2026-11-25T18:20:11.125Z","durationMs":10000,
                 "parties":[{"role":"requester","identity":"sip:alice@example.com","recorded":%s},
                            {"role":"peer","identity":"sip:bob@example.com","recorded":true}],
                 %s
                 "consent":[],
                 "files":[%s]}
                """.formatted(id, mode, mode.equals("both"), tracks, files);
        AtRestFiles.write(storage.file(id, "manifest.json"), json.getBytes(StandardCharsets.UTF_8), keys);
    }

    // --- browser -------------------------------------------------------------------------------------------------

    private static List<Map<String, Object>> state() {
        return player.state();
    }

    @SuppressWarnings("unchecked")
    /** Moves the follower by {@code seconds} and returns the skew right after, measured in the same script. */
    private static double pushFollower(double seconds) {
        return ((Number) script("const [m, f] = callrecPlayer.videos; f.currentTime += " + seconds + ";"
                + " return Math.abs(m.currentTime - f.currentTime)")).doubleValue();
    }

    /**
     * Pushes the follower off by {@code seconds} until the player takes it back with the correction {@code counter}
     * counts. The skew can also go away by itself: right after the push the follower seeks and may stall, or the
     * master buffers and the follower is held and realigned (counted in {@code holds}); on a loaded machine that
     * happens now and then. Such a round proves nothing about the counted correction, so the push is repeated; a
     * player whose counted correction is broken fails every round.
     *
     * @return how long the counted correction took, in milliseconds
     */
    private static long pushedOffAndCorrectedBy(String counter, double seconds, String what) throws InterruptedException {
        List<Map<String, Double>> otherwise = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            double before = correction().get(counter);
            assertTrue(pushFollower(seconds) > Math.abs(seconds) / 2, "pushed off");
            long took = waitFor(what, () -> correction(),
                    c -> !c.get("followerSeeking").equals(1.0) && c.get("skew") < 0.040);
            Map<String, Double> after = correction();
            if (after.get(counter) > before) {
                return took;
            }
            otherwise.add(after);
            Thread.sleep(500);
        }
        throw new AssertionError(what + ": in every round the skew went away without " + counter + ": " + otherwise);
    }

    private static Map<String, Double> correction() {
        Map<String, Object> raw = (Map<String, Object>) script("const [m, f] = callrecPlayer.videos;"
                + " return {skew: Math.abs(m.currentTime - f.currentTime), nudges: callrecPlayer.nudges,"
                + " seeks: callrecPlayer.seeks, holds: callrecPlayer.holds, followerSeeking: f.seeking ? 1 : 0}");
        Map<String, Double> out = new HashMap<>();
        raw.forEach((k, v) -> out.put(k, ((Number) v).doubleValue()));
        return out;
    }

    private static Object script(String js) {
        return ((JavascriptExecutor) driver).executeScript(js);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(String script) {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(script);
    }

    private static double num(Map<String, Object> v, String key) {
        return HeadlessPlayer.num(v, key);
    }

    /** @return how long it took, in milliseconds */
    private static <T> long waitFor(String what, Supplier<T> probe, Predicate<T> done) throws InterruptedException {
        return player.waitFor(what, probe, done);
    }
}
