package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.Baresip;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.RecordedCalls;
import io.callrec.testing.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Two real softphones (baresip) registered with callrec's registrar call each other with audio and video; the caller
 * presses **1, the callee presses 1 when asked, they talk, hang up; the link reaches the caller and the recording
 * holds both parties' audio and video.
 */
class BaresipIT {

    @Test
    void twoBaresipsRecordACallWithFeatureCodes(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        Files.createDirectories(dir);
        Path wav = dir.resolve("tone8k.wav");
        ExternalCommand.run(Duration.ofSeconds(30), "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                "sine=f=440:sample_rate=8000:duration=60", "-ac", "1", "-ar", "8000", wav.toString()).requireSuccess();
        try (CallrecProcess callrec = CallrecProcess.builder(dir)
                .args("--user", "alice:alice-secret", "--user", "bob:bob-secret",
                        // baresip 1.0.0 answers only an MD5 challenge and fails on the SHA-256 one
                        "--digest-algorithms", "MD5").start()) {
            String registrar = "127.0.0.1:" + callrec.sipPort();
            try (Baresip alice = Baresip.start(dir.resolve("alice"), "<sip:alice@" + registrar
                         + ";transport=udp>;auth_pass=alice-secret;regint=60;answermode=manual;audio_codecs=PCMU;video_codecs=VP8",
                         wav);
                 Baresip bob = Baresip.start(dir.resolve("bob"), "<sip:bob@" + registrar
                         + ";transport=udp>;auth_pass=bob-secret;regint=60;answermode=auto;audio_codecs=PCMU;video_codecs=VP8",
                         wav)) {
                // baresip's registration (digest-challenged) takes a moment; bob must be registered before the call
                Thread.sleep(2500);
                alice.command("dial", "sip:bob@" + registrar);
                callrec.awaitLog(".*confirmed.*", Duration.ofSeconds(10));
                Thread.sleep(1500);
                alice.command("sndcode", "**1");
                Thread.sleep(2500); // the prompt reaches bob by text MESSAGE
                bob.command("sndcode", "1");
                String started = callrec.awaitLog(".*recording (r-[A-Za-z0-9_-]+) started.*", Duration.ofSeconds(10));
                Thread.sleep(10_000);
                alice.command("hangup", "");
                String id = RecordedCalls.recordingIdIn(started);
                callrec.awaitLog(".*" + id + ".*stored.*", Duration.ofSeconds(20));
                callrec.awaitLog(".*" + id + ": link delivered to sip:alice@.*", Duration.ofSeconds(20));
                Path rec = callrec.dataDir().resolve("recordings").resolve(id);
                RecordedCalls.assertAudioAndVideo(rec, 8);
            }
        }
    }
}
