package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Ports;
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
                .args("--consent", "one-party", "--user", "sipp:sipp-secret").start();
             Sipp phone = Sipp.scenario("uas_message.xml").logDir(dir).args("-timeout", "60", "-timeout_error")
                     .start()) {
            try (Sipp register = Sipp.scenario("uac_register.xml").logDir(dir).remote(callrec.sipPort())
                    .service("sipp").args("-au", "sipp", "-ap", "sipp-secret")
                    .key("contact", "<sip:sipp@127.0.0.1:" + phone.localPort() + ">").key("expires", "120").run()) {
                assertEquals(0, register.exitCode(), register.report() + callrec.logTail());
            }
            try (Sipp uas = Sipp.scenario("uas_echo_callrec.xml").args("-aa").logDir(dir).mediaPort(Ports.freeEvenUdpRange(4).low())
                    .rtpEcho().start();
                 Sipp uac = Sipp.scenario("uac_record_request.xml").logDir(dir).args("-aa")
                         .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                         .remote(uas.localPort()).key("record_mode", "both").pcapAudio(MediaFiles.shortG711a())
                         .pauseMillis(3000).run()) {
                assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            }
            callrec.awaitLog(".*link delivered to sip:sipp@.*", Duration.ofSeconds(20));
            assertEquals(0, phone.stop(), phone.report());
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
            assertEquals("pcm_s16le", probe.stream(0, "codec_name"));
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
}
