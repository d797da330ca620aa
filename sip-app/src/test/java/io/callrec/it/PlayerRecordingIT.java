package io.callrec.it;

import static io.callrec.http.download.HeadlessPlayer.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.http.download.HeadlessPlayer;
import io.callrec.it.support.Baresip;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Ports;
import io.callrec.it.support.RecordedCalls;
import io.callrec.it.support.Sipp;
import io.callrec.link.LinkKeys;
import io.callrec.link.SignedLink;
import io.callrec.testing.ExternalCommand;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The web player in real headless Chromium playing recordings that the real server (the built jar) made of real
 * calls: H.264 + PCMA calls through SIPp (the structured consent flow, the link from the requester's MESSAGE), in
 * mode {@code both} and {@code peer}, and a VP8 + Opus call between two baresip softphones (feature codes; the link
 * signed with the server's own keys, as baresip 1.0.0 cannot show a received MESSAGE). Chromium plays the recorded
 * Matroska files, so the page never asks for renditions and the server makes none; with {@code ?force=rendition}
 * the server makes them on that first request and the page plays those. Each test prints which, and asserts it.
 */
class PlayerRecordingIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long enough that 5 s of playing fit after the player has started. */
    private static final Duration CALL_MEDIA = Duration.ofSeconds(12);

    @Test
    void anH264AndPcmaCallPlaysBothPartiesInSyncOnePartyAloneAndAsRenditions(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             HeadlessPlayer player = HeadlessPlayer.start()) {
            URI link = consentCall(callrec, dir, "both");
            assertEquals(List.of("peer audio PCMA", "peer video H264", "requester audio PCMA", "requester video H264"),
                    tracks(link));

            player.open(link.toString());
            player.awaitMetadata(2);
            assertPlaysTheRecordedFiles(player, callrec, "requester.mkv", "peer.mkv");
            report("H.264+PCMA, both", player.playInSyncFor5Seconds(dir.resolve("player-h264-pcma-both.png")));
            assertPictures(player);

            // One party: a fresh page (the call is short), the peer's view; the requester's video stays paused.
            player.open(link.toString());
            player.awaitMetadata(2);
            player.click("#views button[data-view='peer']");
            report("H.264+PCMA, peer alone", player.playInSyncFor5Seconds(dir.resolve("player-h264-pcma-peer.png")));
            List<Map<String, Object>> shown = player.visible();
            assertEquals(1, shown.size(), shown.toString());
            assertEquals("peer", shown.get(0).get("party"));
            Map<String, Object> requesterVideo = player.state().get(0);
            assertEquals("requester", requesterVideo.get("party"));
            assertTrue((Boolean) requesterVideo.get("paused"), "the hidden party does not play: " + requesterVideo);

            // As a browser that cannot play Matroska: the server makes the renditions on this first request.
            player.open(link + "&force=rendition");
            long made = player.awaitMetadata(2);
            List<String> playing = player.playing();
            JsonNode health = callrec.healthJson().get("renditions");
            System.out.println("player: with force=rendition plays " + playing + " after " + made + " ms; server"
                    + " renditions " + health);
            assertEquals(List.of("requester.mp4", "peer.mp4"), playing);
            assertEquals(1, health.get("made").asInt(), health.toString());
            report("H.264+PCMA renditions, both",
                    player.playInSyncFor5Seconds(dir.resolve("player-h264-pcma-renditions.png")));
            assertPictures(player);
            assertEquals(List.of(), player.blockedByThePolicy());
        }
    }

    /** Mode {@code peer}: the recording holds the peer's file only, and the page plays it alone. */
    @Test
    void aPeerOnlyRecordingPlaysAlone(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             HeadlessPlayer player = HeadlessPlayer.start()) {
            URI link = consentCall(callrec, dir, "peer");
            player.open(link.toString());
            player.awaitMetadata(1);
            assertPlaysTheRecordedFiles(player, callrec, "peer.mkv");
            assertFalse((Boolean) player.script("return document.getElementById('views').checkVisibility()"),
                    "no choice of party with one file");
            report("H.264+PCMA, mode peer", player.playInSyncFor5Seconds(dir.resolve("player-h264-pcma-mode-peer.png")));
            assertPictures(player);
            assertEquals(List.of(), player.blockedByThePolicy());
        }
    }

    /**
     * The structured flow (uac_consent.xml, as ConsentFlowIT): the requester asks, the peer grants, about 9 s of
     * H.264 + PCMA are recorded (the peer echoes them), the requester stops; the link it received by MESSAGE.
     */
    private static URI consentCall(CallrecProcess callrec, Path dir, String mode) {
        MediaFiles.alaw(dir.resolve("tone.alaw"), CALL_MEDIA); // SIPp runs in dir: the requester's audio
        Path video = MediaFiles.h264(dir.resolve("h264.pcap"), CALL_MEDIA);
        try (Sipp peer = Sipp.scenario("uas_consent_grant.xml").logDir(dir).mediaPort(Ports.freeEvenUdpRange(4).low())
                .rtpEcho().start();
             Sipp requester = Sipp.scenario("uac_consent.xml").logDir(dir).key("record_mode", mode)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(peer.localPort()).pcapVideo(video).pauseMillis(9000).run()) {
            assertEquals(0, requester.exitCode(), requester.report() + callrec.logTail());
            assertEquals(0, peer.finish(), peer.report() + callrec.logTail());
            Matcher m = Pattern.compile("RECORDING_URL=(\\S+)").matcher(requester.logs());
            assertTrue(m.find(), requester.logs());
            return URI.create(m.group(1));
        }
    }

    @Test
    void aVp8AndOpusCallBetweenTwoSoftphonesPlaysBothPartiesInSync(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        Path data = dir.resolve("data");
        // Keys made before the start are the server's: links signed here verify there.
        SignedLink links = new SignedLink(LinkKeys.open(data.resolve("keys")), URI.create("http://127.0.0.1"),
                Clock.systemUTC());
        // baresip's aufile feeds opus only from 48 kHz stereo (field notes), and cuts its device name (the path) at
        // 127 bytes: the test's own directory can be too deep for it.
        Path wav = Files.createDirectories(ItDirs.moduleTarget().resolve("it-media")).resolve("tone48k-stereo.wav");
        ExternalCommand.run(Duration.ofSeconds(30), "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                "sine=f=440:sample_rate=48000:duration=60", "-ac", "2", "-ar", "48000", wav.toString())
                .requireSuccess();
        try (CallrecProcess callrec = CallrecProcess.builder(dir).dataDir(data)
                .args("--user", "alice:alice-secret", "--user", "bob:bob-secret",
                        // baresip 1.0.0 answers only an MD5 challenge
                        "--digest-algorithms", "MD5").start()) {
            String registrar = "127.0.0.1:" + callrec.sipPort();
            String codecs = ";transport=udp>;regint=60;audio_codecs=opus/48000/2;video_codecs=VP8";
            String id;
            try (Baresip alice = Baresip.start(dir.resolve("alice"), "<sip:alice@" + registrar + codecs
                         + ";auth_pass=alice-secret;answermode=manual", wav, List.of("opus.so"));
                 Baresip bob = Baresip.start(dir.resolve("bob"), "<sip:bob@" + registrar + codecs
                         + ";auth_pass=bob-secret;answermode=auto", wav, List.of("opus.so"))) {
                Thread.sleep(2500); // registration, digest-challenged, must be done before the call
                alice.command("dial", "sip:bob@" + registrar);
                callrec.awaitLog(".*confirmed.*", Duration.ofSeconds(10));
                Thread.sleep(1500);
                alice.command("sndcode", "**1");
                Thread.sleep(2500); // the prompt reaches bob by text MESSAGE
                bob.command("sndcode", "1");
                id = RecordedCalls.startedRecordingId(callrec, ".*recording (r-[A-Za-z0-9_-]+) started.*");
                Thread.sleep(CALL_MEDIA.toMillis() - 2000);
                alice.command("hangup", "");
                callrec.awaitLog(".*" + id + ".*stored.*", Duration.ofSeconds(20));
                // The server delivered its own link to alice (whose baresip cannot show it); the test signs another.
                callrec.awaitLog(".*" + id + ": link delivered to sip:alice@.*", Duration.ofSeconds(20));
            }
            URI link = URI.create(callrec.baseUri().resolve("/recordings/" + id) + "?"
                    + links.sign(id, Duration.ofHours(1)).query());
            assertEquals(List.of("peer audio opus", "peer video VP8", "requester audio opus", "requester video VP8"),
                    tracks(link));

            try (HeadlessPlayer player = HeadlessPlayer.start()) {
                player.open(link.toString());
                player.awaitMetadata(2);
                assertPlaysTheRecordedFiles(player, callrec, "requester.mkv", "peer.mkv");
                report("VP8+Opus, both", player.playInSyncFor5Seconds(dir.resolve("player-vp8-opus-both.png")));
                assertPictures(player);
                assertEquals(List.of(), player.blockedByThePolicy());
            }
        }
    }

    /**
     * Chromium says it plays these Matroska files, so the page never asks for renditions, and the server (which has
     * ffmpeg and would make them on that first request) makes none.
     */
    private static void assertPlaysTheRecordedFiles(HeadlessPlayer player, CallrecProcess callrec, String... files) {
        List<String> playing = player.playing();
        Object renditions = player.script("return callrecPlayer.renditions");
        JsonNode health = callrec.healthJson().get("renditions");
        System.out.println("player: plays " + playing + (renditions == null ? " (the recorded Matroska files;"
                + " renditions.json never asked for)" : " (renditions: " + renditions + ")")
                + "; server renditions " + health);
        assertEquals(List.of(files), playing);
        assertNull(renditions, "the page asked for renditions");
        assertTrue(health.get("enabled").asBoolean(), "the server could make renditions: " + health);
        assertEquals(0, health.get("made").asInt(), health.toString());
        assertFalse(player.text("stage").contains("browser copy"), player.text("stage"));
    }

    private static void assertPictures(HeadlessPlayer player) {
        for (Map<String, Object> v : player.state()) {
            assertTrue(num(v, "w") > 0, "a picture, not audio only: " + v);
        }
    }

    private static void report(String what, HeadlessPlayer.SyncFigures f) {
        System.out.printf("player: %s: master advanced %.2f s in 5 s, max skew %.3f s, %s%n", what,
                f.advancedSeconds(), f.maxSkewSeconds(), f.corrections());
    }

    /** "party kind codec" of each track of the linked recording's manifest, sorted. */
    private static List<String> tracks(URI link) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(link).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        List<String> tracks = new ArrayList<>();
        for (JsonNode t : JSON.readTree(r.body()).get("tracks")) {
            tracks.add(t.get("party").asText() + " " + t.get("kind").asText() + " " + t.get("codec").asText());
        }
        tracks.sort(null);
        return tracks;
    }
}
