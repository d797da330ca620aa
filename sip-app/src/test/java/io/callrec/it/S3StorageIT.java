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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The whole server on S3-compatible storage (S3Proxy on loopback): recorded, uploaded, link, streamed download. */
class S3StorageIT {

    @Test
    void aRecordingGoesToTheBucketAndIsDownloadedThroughTheServer(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        Files.createDirectories(dir);
        try (S3ProxyProcess s3 = S3ProxyProcess.start(dir.resolve("s3proxy"))) {
            s3.createBucket("recordings-it");
            String storage = "s3://recordings-it?endpoint=" + s3.endpoint() + "&region=us-east-1";
            try (CallrecProcess callrec = CallrecProcess.builder(dir).withoutFileStorage()
                    .env("AWS_ACCESS_KEY_ID", "callrec-test").env("AWS_SECRET_ACCESS_KEY", "callrec-test-secret")
                    .args("--storage", storage, "--consent", "one-party", "--user", RecordedCalls.USER).start();
                 Sipp phone = Sipp.scenario("uas_message.xml").logDir(dir).args("-timeout", "60", "-timeout_error")
                         .start()) {
                assertTrue(callrec.healthJson().at("/storage/available").asBoolean(), callrec.health());
                RecordedCalls.registerPhone(callrec, dir, phone.localPort());
                RecordedCalls.requestAtSetup(callrec, dir, "uas_echo_callrec.xml", 3000);
                callrec.awaitLog(".*stored in s3://recordings-it.*", Duration.ofSeconds(30));
                callrec.awaitLog(".*link delivered to sip:sipp@.*", Duration.ofSeconds(20));
                assertEquals(0, phone.finish(), phone.report());
                Matcher m = Pattern.compile("RECORDING_URL=(\\S+)").matcher(phone.logs());
                assertTrue(m.find(), phone.logs());
                URI link = URI.create(m.group(1));
                Path downloaded = RecordedCalls.download(link, "requester.mkv", dir.resolve("from-s3-requester.mkv"));
                assertEquals("pcm_alaw", Ffprobe.probe(downloaded).stream(0, "codec_name"));
                try (var objects = Files.walk(s3.blobs())) {
                    assertTrue(objects.anyMatch(p -> p.toString().endsWith("manifest.json")),
                            "the manifest is in the bucket");
                }
            }
        }
    }
}
