package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.Baresip;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.LinkedRecording;
import io.callrec.it.support.RecordedCalls;
import io.callrec.testing.ExternalCommand;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Two real softphones (baresip) registered with callrec's registrar call each other with audio and video; the caller
 * presses **1, the callee, shown the question, presses 1, they talk ~10 s, hang up; the caller's baresip shows the link
 * MESSAGE, and what that link downloads holds both parties' audio and video for the time they talked.
 */
class BaresipIT {
    private static final long TALK_MILLIS = 10_000;
    /** Recording start and hang-up are seen by the test, not by callrec: allow for that and for frame rounding. */
    private static final double TOLERANCE_SECONDS = 1.5;

    @Test
    void twoBaresipsRecordACallWithFeatureCodes(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        Files.createDirectories(dir);
        // each party its own level, so that the files can be told apart: Alice's tone is 12 dB louder than Bob's
        Path aliceWav = tone(dir.resolve("alice-tone8k.wav"), 440, 1.0);
        Path bobWav = tone(dir.resolve("bob-tone8k.wav"), 880, 0.25);
        try (CallrecProcess callrec = CallrecProcess.builder(dir)
                .args("--user", "alice:alice-secret", "--user", "bob:bob-secret",
                        // baresip 1.0.0 answers only an MD5 challenge and fails on the SHA-256 one
                        "--digest-algorithms", "MD5").start()) {
            String registrar = "127.0.0.1:" + callrec.sipPort();
            List<String> showTexts = List.of(Baresip.TEXT_DISPLAY);
            try (Baresip alice = Baresip.start(dir.resolve("alice"), "<sip:alice@" + registrar
                         + ";transport=udp>;auth_pass=alice-secret;regint=60;answermode=manual;audio_codecs=PCMU;video_codecs=VP8",
                         aliceWav, showTexts);
                 Baresip bob = Baresip.start(dir.resolve("bob"), "<sip:bob@" + registrar
                         + ";transport=udp>;auth_pass=bob-secret;regint=60;answermode=auto;audio_codecs=PCMU;video_codecs=VP8",
                         bobWav, showTexts)) {
                // baresip's registration (digest-challenged) takes a moment; bob must be registered before the call
                Thread.sleep(2500);
                alice.command("dial", "sip:bob@" + registrar);
                callrec.awaitLog(".*confirmed.*", Duration.ofSeconds(10));
                Thread.sleep(1500);
                alice.command("sndcode", "**1");
                bob.awaitShownText("asks to record this call. Reply YES or NO, or press 1 or 2.", Duration.ofSeconds(10));
                bob.command("sndcode", "1");
                String started = callrec.awaitLog(".*recording (r-[A-Za-z0-9_-]+) started.*", Duration.ofSeconds(10));
                long talkFrom = System.nanoTime();
                alice.awaitShownText("Consent to record granted.", Duration.ofSeconds(5));
                alice.awaitShownText("Recording started (both parties).", Duration.ofSeconds(5));
                bob.awaitShownText("This call is being recorded (both parties).", Duration.ofSeconds(5));
                Thread.sleep(Math.max(0, TALK_MILLIS - (System.nanoTime() - talkFrom) / 1_000_000));
                alice.command("hangup", "");
                double talkSeconds = (System.nanoTime() - talkFrom) / 1e9;
                String id = RecordedCalls.recordingIdIn(started);

                // Alice's own phone shows the link (out of dialog: she hung up), from callrec's recorder address
                Baresip.ShownText linkMessage = alice.awaitShownText("Call recording ready:", Duration.ofSeconds(30));
                assertTrue(linkMessage.from().startsWith("sip:recorder@"), linkMessage.toString());
                URI link = LinkedRecording.firstLinkIn(linkMessage.text());
                assertTrue(link.getPath().endsWith("/" + id), link + " names recording " + id);

                LinkedRecording rec = LinkedRecording.fetch(link);
                assertEquals("both", rec.manifest().get("mode").asText(), rec.manifest().toString());
                assertEquals("complete", rec.manifest().get("state").asText(), rec.manifest().toString());
                assertEquals(List.of("dtmf"), rec.consentChannels("granted"),
                        "Bob granted by pressing 1: " + rec.manifest().get("consent"));
                assertTrue(rec.mkvFiles().containsAll(List.of("requester.mkv", "peer.mkv")), rec.mkvFiles().toString());
                Path downloads = Files.createDirectories(dir.resolve("downloaded"));
                Path requester = rec.download("requester.mkv", downloads);
                Path peer = rec.download("peer.mkv", downloads);
                LinkedRecording.assertAudioAndVideo(requester, talkSeconds, TOLERANCE_SECONDS);
                LinkedRecording.assertAudioAndVideo(peer, talkSeconds, TOLERANCE_SECONDS);
                double aliceDb = LinkedRecording.meanVolumeDb(requester);
                double bobDb = LinkedRecording.meanVolumeDb(peer);
                assertTrue(aliceDb - bobDb > 6, "requester.mkv has Alice's louder tone, peer.mkv Bob's: "
                        + aliceDb + " dB vs " + bobDb + " dB");
            }
        }
    }

    /** 60 s of an 8 kHz mono sine at {@code volume} times ffmpeg's default amplitude (1/8 of full scale). */
    private static Path tone(Path wav, int hz, double volume) {
        ExternalCommand.run(Duration.ofSeconds(30), "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                "sine=f=" + hz + ":sample_rate=8000:duration=60", "-af", "volume=" + volume, "-ac", "1", "-ar", "8000",
                wav.toString()).requireSuccess();
        return wav;
    }
}
