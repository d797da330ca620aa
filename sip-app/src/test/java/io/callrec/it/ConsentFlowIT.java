package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.LinkedRecording;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Ports;
import io.callrec.it.support.Sipp;
import io.callrec.testing.media.Ffprobe;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.TestInfo;

/**
 * The structured flow of spec §2 with consent policy {@code required}: the requester asks by callrec INFO, the peer
 * grants by callrec INFO, the recording starts, the requester stops it, and the link arrives in its dialog.
 */
class ConsentFlowIT {
    /**
     * The requester's -d: it sends stop this long after recording-state "recording", while its 7 s of audio and video
     * (started before it asks) still flow, so each recorded audio stream spans this long.
     */
    private static final long PAUSE_MILLIS = 2500;
    /** MediaFiles.h264Video() has a keyframe every 15 frames at 15 fps; video is recorded from a keyframe on. */
    private static final double KEYFRAME_INTERVAL_SECONDS = 1.0;
    /**
     * The three INFOs and their 200s before the pause and the stop INFO after it add some ms to the recording; the
     * last 20 ms packet or 67 ms frame rounds the end.
     */
    private static final double TOLERANCE_SECONDS = 0.4;

    /** Mode {@code both} records each party and the combined file; mode {@code peer} only the peer. */
    @ParameterizedTest
    @ValueSource(strings = {"both", "peer"})
    void consentGrantedByInfoRecordsUntilStopAndTheLinkArrivesInTheDialog(String mode, TestInfo test)
            throws Exception {
        Path dir = ItDirs.logDir(test);
        MediaFiles.alaw(dir.resolve("tone.alaw"), Duration.ofSeconds(7)); // SIPp runs in dir: the requester's audio
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             Sipp peer = Sipp.scenario("uas_consent_grant.xml").logDir(dir).mediaPort(Ports.freeEvenUdpRange(4).low())
                     .rtpEcho().start();
             Sipp requester = Sipp.scenario("uac_consent.xml").logDir(dir).key("record_mode", mode)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(peer.localPort()).pcapVideo(MediaFiles.h264Video())
                     .pauseMillis(PAUSE_MILLIS).run()) {
            assertEquals(0, requester.exitCode(), requester.report() + callrec.logTail());
            assertEquals(0, peer.finish(), peer.report() + callrec.logTail());
            String log = requester.logs();
            Matcher m = Pattern.compile("RECORDING_URL=(\\S+)").matcher(log);
            assertTrue(m.find(), log);
            URI link = URI.create(m.group(1));
            assertTrue(peer.logs().contains("CONSENT_ID c-"), peer.logs());

            LinkedRecording rec = LinkedRecording.fetch(link);
            JsonNode manifest = rec.manifest();
            assertEquals(mode, manifest.get("mode").asText());
            Set<String> expected = mode.equals("both") ? Set.of("requester.mkv", "peer.mkv", "combined.mkv")
                    : Set.of("peer.mkv");
            assertEquals(new TreeSet<>(expected), rec.mkvFiles(), manifest.toString());
            assertEquals(List.of("info"), rec.consentChannels("granted"),
                    "the peer's INFO grant is in the manifest: " + manifest.get("consent"));
            String audit = Files.readString(callrec.dataDir().resolve("consent.log"));
            assertTrue(audit.contains("granted"), audit);

            for (String name : expected) {
                Path downloaded = rec.download(name, dir);
                assertRecordedForThePause(downloaded, name.equals("combined.mkv") ? 2 : 1);
                assertEquals("", Ffprobe.decodeErrors(downloaded), name);
            }
        }
    }

    /**
     * Asserts that {@code file} holds {@code parties} PCMA and H.264 streams each (the peer echoes the requester's
     * media), every audio stream spanning the pause, every video stream starting within a keyframe interval and
     * lasting from there to the stop, and the file as long as the pause.
     */
    private static void assertRecordedForThePause(Path file, int parties) {
        double pause = PAUSE_MILLIS / 1000.0;
        List<LinkedRecording.StreamSpan> streams = LinkedRecording.streams(file);
        List<String> codecs = streams.stream().map(LinkedRecording.StreamSpan::codecName).sorted().toList();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < parties; i++) {
            expected.addAll(List.of("h264", "pcm_alaw"));
        }
        assertEquals(expected.stream().sorted().toList(), codecs, file + ": each party's audio and video");
        for (LinkedRecording.StreamSpan s : streams) {
            if (s.codecType().equals("audio")) {
                assertEquals(pause, s.seconds(), TOLERANCE_SECONDS, file + " " + s);
            } else {
                assertTrue(s.firstSeconds() <= KEYFRAME_INTERVAL_SECONDS + TOLERANCE_SECONDS, file + " " + s);
                assertEquals(pause - s.firstSeconds(), s.seconds(), TOLERANCE_SECONDS, file + " " + s);
            }
        }
        assertEquals(pause, Double.parseDouble(Ffprobe.probe(file).format("duration")), TOLERANCE_SECONDS,
                file.toString());
    }

    /**
     * Spec §2: a transfer to a new party pauses the recording and asks the new party. The PBX in front of the callee
     * names Carol in a re-INVITE (P-Asserted-Identity, believed from a trusted peer); Carol grants and the recording
     * goes on; the manifest's consent log holds both grants, Carol's with its identity source.
     */
    @Test
    void aTransferToANewPartyPausesTheRecordingUntilTheNewPartyConsents(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             Sipp pbx = Sipp.scenario("uas_transfer_pai.xml").logDir(dir).mediaPort(Ports.freeEvenUdpRange(4).low())
                     .rtpEcho().pauseMillis(1500).start();
             Sipp requester = Sipp.scenario("uac_consent_transfer.xml").logDir(dir).key("record_mode", "both")
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(pbx.localPort()).pcapAudio(MediaFiles.shortG711a()).pauseMillis(1500).run()) {
            assertEquals(0, requester.exitCode(), requester.report() + pbx.report() + callrec.logTail());
            assertEquals(0, pbx.finish(), pbx.report() + callrec.logTail());
            assertTrue(pbx.logs().contains("CONSENT_ID_2 c-"), "the new party was asked: " + pbx.logs());
            callrec.awaitLog(".*callee is now sip:carol@example.com \\(p-asserted-identity\\).*",
                    Duration.ofSeconds(5));
            Matcher m = Pattern.compile("RECORDING_URL=(\\S+)").matcher(requester.logs());
            assertTrue(m.find(), requester.logs());
            String consent = LinkedRecording.fetch(URI.create(m.group(1))).manifest().get("consent").toString();
            assertTrue(consent.contains("sip:bob@example.com") && consent.contains("sip:carol@example.com"),
                    "both the first and the new party's grants are logged: " + consent);
            assertTrue(consent.contains("p-asserted-identity"), consent);
        }
    }

    @Test
    void aDeclinedConsentRecordsNothingAndTellsTheRequester(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             Sipp peer = Sipp.scenario("uas_consent_decline.xml").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).start();
             Sipp requester = Sipp.scenario("uac_consent_declined.xml").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(peer.localPort()).run()) {
            assertEquals(0, requester.exitCode(), requester.report() + callrec.logTail());
            assertEquals(0, peer.finish(), peer.report() + callrec.logTail());
            callrec.awaitLog(".*ended: BYE from caller.*", Duration.ofSeconds(5));
            for (String sub : new String[] {"recording", "spool", "recordings"}) {
                Path d = callrec.dataDir().resolve(sub);
                if (Files.isDirectory(d)) {
                    try (var entries = Files.list(d)) {
                        assertTrue(entries.findAny().isEmpty(), "nothing recorded in " + d);
                    }
                }
            }
            String audit = Files.readString(callrec.dataDir().resolve("consent.log"));
            assertTrue(audit.contains("declined"), "a declined consent leaves its audit entry: " + audit);
        }
    }
}
