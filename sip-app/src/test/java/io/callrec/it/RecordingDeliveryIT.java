package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.RecordedCalls;
import io.callrec.it.support.Sipp;
import io.callrec.testing.media.Ffprobe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The whole way of a recording through the server: recorded, stored (local storage), link signed and delivered by
 * MESSAGE to the requester's registered contact, downloaded over HTTP and played by ffprobe.
 */
class RecordingDeliveryIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theRequesterGetsALinkThatDownloadsItsRecording(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir)
                .args("--consent", "one-party", "--user", RecordedCalls.USER).start();
             Sipp phone = Sipp.scenario("uas_message.xml").logDir(dir).args("-timeout", "60", "-timeout_error")
                     .start()) {
            recordACallOf(callrec, dir, phone.localPort());
            callrec.awaitLog(".*link delivered to sip:sipp@.*", Duration.ofSeconds(20));
            assertEquals(0, phone.finish(), phone.report());
            Matcher m = Pattern.compile("RECORDING_URL=(\\S+)").matcher(phone.logs());
            assertTrue(m.find(), phone.logs());
            URI link = URI.create(m.group(1));
            assertTrue(phone.logs().contains("application/vnd.callrec+json"),
                    "the requester declared Recv-Info: callrec, so the link comes as JSON: " + phone.logs());

            HttpResponse<String> manifestResponse = HTTP.send(HttpRequest.newBuilder(link)
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, manifestResponse.statusCode(), manifestResponse.body());
            assertEquals("private, no-store", manifestResponse.headers().firstValue("Cache-Control").orElse(""));
            JsonNode manifest = new ObjectMapper().readTree(manifestResponse.body());
            assertEquals("complete", manifest.get("state").asText());
            assertEquals(3, manifest.get("files").size(), manifest.toString());

            String path = link.getPath() + "/requester.mkv";
            URI file = URI.create(link.getScheme() + "://" + link.getAuthority() + path + "?" + link.getRawQuery());
            HttpResponse<byte[]> range = HTTP.send(HttpRequest.newBuilder(file).header("Range", "bytes=0-99")
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, range.statusCode());
            assertEquals(100, range.body().length);
            Path downloaded = dir.resolve("downloaded-requester.mkv");
            HttpResponse<Path> whole = HTTP.send(HttpRequest.newBuilder(file).build(),
                    HttpResponse.BodyHandlers.ofFile(downloaded));
            assertEquals(200, whole.statusCode());
            Ffprobe probe = Ffprobe.probe(downloaded);
            assertEquals("pcm_alaw", probe.stream(0, "codec_name"));
            assertEquals(2.0, Double.parseDouble(probe.format("duration")), 0.3);
            assertTrue(Files.size(downloaded) > 10_000);

            String url = link.toString();
            int at = url.indexOf("sig=") + 4;
            char swapped = url.charAt(at) == 'A' ? 'B' : 'A';
            URI forged = URI.create(url.substring(0, at) + swapped + url.substring(at + 1));
            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(forged).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, refused.statusCode());
        }
    }

    /** A phone that takes only text: the JSON link is refused with 415, and the text form is delivered at once. */
    @Test
    void aPhoneRefusingJsonGetsTheLinkAsText(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir)
                .args("--consent", "one-party", "--user", RecordedCalls.USER).start();
             Sipp phone = Sipp.scenario("uas_message_415.xml").logDir(dir).calls(2)
                     .args("-timeout", "60", "-timeout_error").start()) {
            recordACallOf(callrec, dir, phone.localPort());
            callrec.awaitLog(".*link delivered to sip:sipp@.*", Duration.ofSeconds(20));
            assertEquals(0, phone.finish(), phone.report());
            String log = phone.logs();
            int json = log.indexOf("application/vnd.callrec+json");
            int text = log.indexOf("text/plain");
            assertTrue(json >= 0 && text > json, "JSON first, refused, then text: " + log);
            Matcher m = Pattern.compile("RECORDING_URL=(\\S+)").matcher(log.substring(text));
            assertTrue(m.find(), log);
            HttpResponse<String> manifest = HTTP.send(HttpRequest.newBuilder(URI.create(m.group(1)))
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, manifest.statusCode(), "the text form's link works: " + manifest.body());
        }
    }

    /** 480 is "not now": callrec tries again after its backoff (5 s first) and the phone, back, gets the link. */
    @Test
    void aBusyPhoneGetsTheLinkOnALaterTry(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir)
                .args("--consent", "one-party", "--user", RecordedCalls.USER).start()) {
            int port;
            try (Sipp busy = Sipp.scenario("uas_message_busy.xml").logDir(dir).name("busy")
                    .args("-timeout", "60", "-timeout_error").start()) {
                port = busy.localPort();
                recordACallOf(callrec, dir, port);
                callrec.awaitLog(".*link not delivered yet.*next attempt in 5 s.*", Duration.ofSeconds(20));
                assertEquals(0, busy.finish(), busy.report());
                assertTrue(busy.logs().contains("BUSY_FOR=http"), busy.logs());
            }
            long refusedAt = System.nanoTime();
            try (Sipp phone = Sipp.scenario("uas_message.xml").logDir(dir).localPort(port)
                    .args("-timeout", "60", "-timeout_error").start()) {
                callrec.awaitLog(".*link delivered to sip:sipp@.*", Duration.ofSeconds(20));
                assertEquals(0, phone.finish(), phone.report());
                assertTrue(phone.logs().contains("RECORDING_URL=http"), phone.logs());
            }
            long waitedMillis = (System.nanoTime() - refusedAt) / 1_000_000;
            assertTrue(waitedMillis >= 3_000, "the retry waits for the backoff, not at once: " + waitedMillis + " ms");
        }
    }

    /** Registers sipp with its phone at {@code phonePort} and records one 3 s call it makes (Callrec-Request). */
    private static void recordACallOf(CallrecProcess callrec, Path dir, int phonePort) {
        RecordedCalls.registerPhone(callrec, dir, phonePort);
        RecordedCalls.requestAtSetup(callrec, dir, "uas_echo_callrec.xml", 3000);
    }
}
