package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.RecordedCalls;
import io.callrec.it.support.Sipp;
import io.callrec.storage.s3.S3ProxyProcess;
import io.callrec.testing.media.Ffprobe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The whole server on S3-compatible storage (S3Proxy on loopback): recorded, uploaded, link, download. */
class S3StorageIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    /** What a test does with the recorded call: the server and the store still run; {@code dir} is the log dir. */
    private interface Stored {
        void check(CallrecProcess callrec, S3ProxyProcess s3, URI link, Path dir) throws Exception;
    }

    @Test
    void aRecordingGoesToTheBucketAndIsDownloadedThroughTheServer(TestInfo test) throws Exception {
        recordOnS3(test, new String[0], (callrec, s3, link, dir) -> {
            Path downloaded = RecordedCalls.download(link, "requester.mkv", dir.resolve("from-s3-requester.mkv"));
            assertEquals("pcm_alaw", Ffprobe.probe(downloaded).stream(0, "codec_name"));
            try (var objects = Files.walk(s3.blobs())) {
                assertTrue(objects.anyMatch(p -> p.toString().endsWith("manifest.json")),
                        "the manifest is in the bucket");
            }
        });
    }

    /**
     * {@code --download-redirect}: the manifest still comes from callrec, each file request gets a redirect to a
     * presigned S3Proxy URL whose expiry (X-Amz-Date + X-Amz-Expires) is no later than the link's {@code exp}, and
     * that URL gives exactly the bytes the manifest's SHA-256 names.
     */
    @Test
    void withDownloadRedirectFilesComeStraightFromTheStoreUntilTheLinkExpires(TestInfo test) throws Exception {
        recordOnS3(test, new String[] {"--download-redirect"}, (callrec, s3, link, dir) -> {
            assertTrue(callrec.logText().contains("file downloads are redirected to presigned storage URLs"),
                    callrec.logTail());
            HttpResponse<byte[]> manifestResponse = HTTP.send(HttpRequest.newBuilder(link)
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, manifestResponse.statusCode(), "the manifest is served by callrec");
            JsonNode manifest = JSON.readTree(manifestResponse.body());
            Instant linkExpires = Instant.ofEpochSecond(Long.parseLong(query(link).get("exp")));
            int files = 0;
            for (JsonNode f : manifest.get("files")) {
                String name = f.get("name").asText();
                HttpResponse<Void> redirect = HTTP.send(HttpRequest.newBuilder(RecordedCalls.fileUrl(link, name))
                        .build(), HttpResponse.BodyHandlers.discarding());
                assertTrue(redirect.statusCode() == 302 || redirect.statusCode() == 303,
                        name + ": " + redirect.statusCode());
                URI target = URI.create(redirect.headers().firstValue("Location").orElseThrow());
                assertEquals(s3.endpoint().getAuthority(), target.getAuthority(), "to S3Proxy: " + target);
                assertTrue(target.getPath().endsWith("/recordings/" + manifest.get("recordingId").asText() + "/"
                        + name), target.toString());
                Map<String, String> signed = query(target);
                Instant presignedUntil = LocalDateTime.parse(signed.get("X-Amz-Date"), AMZ_DATE)
                        .toInstant(ZoneOffset.UTC).plusSeconds(Long.parseLong(signed.get("X-Amz-Expires")));
                assertFalse(presignedUntil.isAfter(linkExpires), name + ": the presigned URL lasts until "
                        + presignedUntil + ", the link until " + linkExpires);
                assertTrue(presignedUntil.isAfter(linkExpires.minusSeconds(60)), name + ": it lasts about as long "
                        + "as the link: " + presignedUntil + " vs " + linkExpires);

                HttpResponse<byte[]> fromStore = HTTP.send(HttpRequest.newBuilder(target).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, fromStore.statusCode(), name + " from " + target);
                assertEquals(f.get("bytes").asLong(), fromStore.body().length, name);
                assertEquals(f.get("sha256").asText(), sha256(fromStore.body()), name + ": the manifest's bytes");
                files++;
            }
            assertTrue(files >= 2, "the party files were listed: " + manifest);
            System.out.printf("download redirect: %d files fetched from S3Proxy through presigned URLs%n", files);
        });
    }

    /** Starts S3Proxy and callrec on it, records one call at setup, waits for its link and hands it to {@code then}. */
    private static void recordOnS3(TestInfo test, String[] extraArgs, Stored then) throws Exception {
        Path dir = ItDirs.logDir(test);
        Files.createDirectories(dir);
        try (S3ProxyProcess s3 = S3ProxyProcess.start(dir.resolve("s3proxy"))) {
            s3.createBucket("recordings-it");
            String storage = "s3://recordings-it?endpoint=" + s3.endpoint() + "&region=us-east-1";
            try (CallrecProcess callrec = CallrecProcess.builder(dir).withoutFileStorage()
                    .env("AWS_ACCESS_KEY_ID", "callrec-test").env("AWS_SECRET_ACCESS_KEY", "callrec-test-secret")
                    .args("--storage", storage, "--consent", "one-party", "--user", RecordedCalls.USER)
                    .args(extraArgs).start();
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
                then.check(callrec, s3, URI.create(m.group(1)), dir);
            }
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            values.put(java.net.URLDecoder.decode(pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        return values;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
