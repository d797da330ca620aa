package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.RecordedCalls;
import io.callrec.it.support.Sipp;
import io.callrec.storage.s3.S3ProxyProcess;
import io.callrec.testing.media.Ffprobe;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Spec §4 and issue "never lose a recording": object storage goes away during a recorded call, the server is
 * stopped with the upload still pending, storage comes back, the server starts again on the same data directory:
 * the upload resumes, and the link reaches the requester as soon as its phone registers again.
 */
class RestartIT {
    private static final String BUCKET = "recordings-restart";

    @Test
    void aPendingUploadAndItsLinkSurviveARestart(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        Files.createDirectories(dir);
        try (S3ProxyProcess s3 = S3ProxyProcess.start(dir.resolve("s3proxy"))) {
            s3.createBucket(BUCKET);
            String storage = "s3://" + BUCKET + "?endpoint=" + s3.endpoint() + "&region=us-east-1";
            String id;
            // The first server: the call is recorded, but the bucket is gone before the recording ends.
            try (CallrecProcess first = server(dir, storage).logName("callrec-1.log").start()) {
                RecordedCalls.registerPhone(first, dir, 1); // a phone that is not there: nothing may be lost
                CompletableFuture<RecordedCalls.Traces> call = CompletableFuture.supplyAsync(
                        () -> RecordedCalls.requestAtSetup(first, dir, "uas_echo_callrec.xml", 3000));
                id = RecordedCalls.startedRecordingId(first, ".*recording (r-[A-Za-z0-9_-]+) started.*");
                s3.kill();
                call.get();
                first.awaitLog(".*recording " + id + " finished.*", Duration.ofSeconds(10));
                first.awaitLog(".*" + id + ".*(upload|store).*(fail|retry|not).*", Duration.ofSeconds(20));
                assertTrue(first.healthJson().at("/storage/pendingUploads").asInt() >= 1, first.health());
                assertEquals(0, first.stop(), "SIGTERM ends the server cleanly (exit 0) even with an upload pending");
            }
            s3.restart();
            // The second server, same working directory and so the same data directory: it resumes.
            try (CallrecProcess second = server(dir, storage).logName("callrec-2.log").start();
                 Sipp phone = Sipp.scenario("uas_message.xml").logDir(dir)
                         .args("-timeout", "60", "-timeout_error").start()) {
                second.awaitLog(".*recording " + id + " stored in s3://" + BUCKET + ".*", Duration.ofSeconds(60));
                RecordedCalls.registerPhone(second, dir, phone.localPort());
                second.awaitLog(".*recording " + id + ": link delivered to sip:sipp@.*", Duration.ofSeconds(20));
                assertEquals(0, phone.finish(), phone.report());
                Matcher m = Pattern.compile("RECORDING_URL=(\\S+)").matcher(phone.logs());
                assertTrue(m.find(), phone.logs());
                URI link = URI.create(m.group(1));
                assertTrue(link.getPath().endsWith("/" + id), link.toString());
                Path downloaded = RecordedCalls.download(link, "requester.mkv", dir.resolve("after-restart-requester.mkv"));
                Ffprobe probe = Ffprobe.probe(downloaded);
                assertEquals("pcm_alaw", probe.stream(0, "codec_name"));
                // At most the 2 s tone; its start may be missed on a loaded machine (storage is checked before the
                // recording starts), what matters here is that what was recorded survived the restart.
                double seconds = Double.parseDouble(probe.format("duration"));
                assertTrue(seconds > 1.0 && seconds < 2.3, "recorded " + seconds + " s of the 2 s tone");
                assertEquals(0, second.healthJson().at("/storage/pendingUploads").asInt(), second.health());
            }
        }
    }

    private static CallrecProcess.Builder server(Path dir, String storage) {
        return CallrecProcess.builder(dir).withoutFileStorage()
                .env("AWS_ACCESS_KEY_ID", "callrec-test").env("AWS_SECRET_ACCESS_KEY", "callrec-test-secret")
                .args("--storage", storage, "--consent", "one-party", "--user", RecordedCalls.USER);
    }
}
