package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Ports;
import io.callrec.it.support.RecordedCalls;
import io.callrec.it.support.Sipp;
import io.callrec.it.support.SippTrace;
import io.callrec.testing.media.Ffprobe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A call whose INVITE carries {@code Callrec-Request} (spec §2, requests at call setup) is recorded through the whole
 * server: SIPp caller and echoing callee, files checked with ffprobe.
 */
class RecordingAtSetupIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern RECORDING_URL = Pattern.compile("RECORDING_URL=(\\S+)");

    @Test
    void aTrustedCallerWithOnePartyConsentGetsBothPartiesRecorded(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir)
                .args("--consent", "one-party", "--trusted-peers", "127.0.0.0/8").start()) {
            RecordedCalls.requestAtSetup(callrec, dir, "uas_echo_callrec.xml", 3000);
            String id = RecordedCalls.startedRecordingId(callrec,
                    ".*recording (r-[A-Za-z0-9_-]+) started \\(mode both, requester caller\\).*");
            callrec.awaitLog("recording " + id + " finished.*", Duration.ofSeconds(10));
            // Then the uploader moves it from the spool into local storage (file: backend).
            callrec.awaitLog(".*" + id + ".*stored.*", Duration.ofSeconds(10));
            Path rec = callrec.dataDir().resolve("recordings").resolve(id);
            JsonNode manifest = new ObjectMapper().readTree(rec.resolve("manifest.json").toFile());
            assertEquals("complete", manifest.get("state").asText(), manifest.toString());
            assertEquals("both", manifest.get("mode").asText());
            assertTrue(manifest.at("/parties/0/identity").asText().startsWith("sip:sipp@127.0.0.1"), manifest.toString());
            assertEquals(3, manifest.get("files").size(), manifest.toString());
            for (String name : new String[] {"requester.mkv", "peer.mkv"}) {
                Ffprobe probe = Ffprobe.probe(rec.resolve(name));
                assertEquals(1, probe.streamCount(), name);
                assertEquals("pcm_alaw", probe.stream(0, "codec_name"), name);
                double duration = Double.parseDouble(probe.format("duration"));
                assertEquals(2.0, duration, 0.3, name + ": the 2 s tone (caller) and its echo (callee)");
                assertEquals("", Ffprobe.decodeErrors(rec.resolve(name)), name);
            }
            assertEquals(2, Ffprobe.probe(rec.resolve("combined.mkv")).streamCount());
        }
    }

    @Test
    void anUntrustedUnauthenticatedCallerCannotAskForRecording(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir)
                .args("--consent", "one-party", "--trusted-peers", "192.0.2.0/24").start()) {
            RecordedCalls.requestAtSetup(callrec, dir, "uas_echo_callrec.xml", 500);
            callrec.awaitLog(".*Callrec-Request ignored: the caller is neither authenticated nor a trusted peer.*",
                    Duration.ofSeconds(5));
            callrec.awaitLog(".*ended: BYE from caller.*", Duration.ofSeconds(5));
            Path spool = callrec.dataDir().resolve("spool");
            try (var entries = Files.list(spool)) {
                assertFalse(entries.findAny().isPresent(), "nothing recorded");
            }
        }
    }

    /**
     * Issue 5: the caller asks at setup and never again; callrec asks the callee by callrec INFO, the callee grants,
     * both parties' audio and video are recorded until the caller's BYE, and the link reaches the caller itself: out
     * of dialog (the call is over) at the remote target of its last dialog, its own SIPp.
     */
    @Test
    void aCallSetUpWithCallrecRequestIsRecordedOnTheCalleesInfoGrantAndTheLinkReachesTheCaller(TestInfo test)
            throws Exception {
        Path dir = ItDirs.logDir(test);
        MediaFiles.alaw(dir.resolve("tone.alaw"), Duration.ofSeconds(7)); // SIPp runs in dir: the caller's audio
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             Sipp callee = Sipp.scenario("uas_consent_grant.xml").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).rtpEcho().start();
             Sipp caller = Sipp.scenario("uac_record_request_av.xml").outOfCallScenario("uas_message.xml")
                     .logDir(dir).key("record_mode", "both").mediaPort(Ports.freeEvenUdpRange(4).low())
                     .outboundProxy(callrec.sipPort()).remote(callee.localPort()).pcapVideo(MediaFiles.h264Video())
                     .pauseMillis(3000).run()) {
            assertEquals(0, caller.exitCode(), caller.report() + callrec.logTail());
            assertEquals(0, callee.finish(), callee.report() + callrec.logTail());
            SippTrace callerTrace = SippTrace.parse(caller.messages());
            assertEquals(List.of(), callerTrace.sent("INFO"), "the caller asked nothing after its INVITE");
            assertFalse(caller.messages().contains("\"allocate\"") || caller.messages().contains("consent-request"),
                    caller.messages());
            assertTrue(callee.logs().contains("CONSENT_ID c-"), "callrec asked the callee: " + callee.logs());
            assertTrue(caller.logs().contains("GRANTED \"granted\":true"), caller.logs());

            List<SippTrace.Message> messages = callerTrace.messages();
            SippTrace.Message link = callerTrace.received("MESSAGE").get(0);
            assertTrue(messages.indexOf(link) > messages.indexOf(callerTrace.sent("BYE").get(0)),
                    "the recording ends with the BYE, so the link comes after it: " + callerTrace.summary());
            assertTrue(link.header("From").orElse("").contains("sip:recorder@"), link.text());
            assertTrue(caller.logs().contains("MESSAGE_TYPE= application/vnd.callrec+json"), caller.logs());
            callrec.awaitLog(".*link delivered to sip:sipp@.*\\(200 out of dialog\\).*", Duration.ofSeconds(5));

            Matcher m = RECORDING_URL.matcher(caller.logs());
            assertTrue(m.find(), caller.logs());
            URI url = URI.create(m.group(1));
            JsonNode manifest = new ObjectMapper().readTree(HTTP.send(HttpRequest.newBuilder(url)
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString()).body());
            assertEquals("both", manifest.get("mode").asText(), manifest.toString());
            assertEquals("complete", manifest.get("state").asText(), manifest.toString());
            JsonNode consent = manifest.get("consent");
            assertEquals(1, consent.size(), consent.toString());
            assertEquals("info", consent.get(0).get("channel").asText(), consent.toString());
            assertEquals("granted", consent.get(0).get("result").asText(), consent.toString());

            Path downloads = Files.createDirectories(dir.resolve("downloaded"));
            for (String name : new String[] {"requester.mkv", "peer.mkv", "combined.mkv"}) {
                RecordedCalls.download(url, name, downloads.resolve(name));
                assertEquals("", Ffprobe.decodeErrors(downloads.resolve(name)), name);
            }
            RecordedCalls.assertAudioAndVideo(downloads, 2.0);
            assertEquals(4, Ffprobe.probe(downloads.resolve("combined.mkv")).streamCount(), "both parties' tracks");
        }
    }

    /**
     * The callee's {@code Callrec-Consent: granted} in its 200 is the consent: nobody is asked, the call is recorded,
     * and the link reaches the caller after its BYE at its registered contact (spec §4), and downloads.
     */
    @Test
    void aCalleeGrantingInItsAnswerIsNotAskedAgain(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        // Consent policy required (the default): the callee's Callrec-Consent in its 200 is the consent.
        try (CallrecProcess callrec = CallrecProcess.builder(dir).args("--user", RecordedCalls.USER).start();
             Sipp phone = Sipp.scenario("uas_message.xml").logDir(dir).args("-timeout", "60", "-timeout_error")
                     .start()) {
            RecordedCalls.registerPhone(callrec, dir, phone.localPort());
            RecordedCalls.Traces traces = RecordedCalls.requestAtSetup(callrec, dir, "uas_consent_header.xml", 3000);
            String id = RecordedCalls.startedRecordingId(callrec, ".*recording (r-[A-Za-z0-9_-]+) started \\(mode both.*");
            callrec.awaitLog(".*" + id + ".*stored.*", Duration.ofSeconds(15));
            JsonNode manifest = new ObjectMapper().readTree(callrec.dataDir().resolve("recordings")
                    .resolve(id).resolve("manifest.json").toFile());
            assertTrue(manifest.get("consent").toString().contains("\"header\""),
                    "consent by the callee's header: " + manifest.get("consent"));
            assertFalse(traces.callee().contains("Callrec-Request"), "Callrec-* headers are never relayed");
            assertFalse(traces.callee().contains("consent-request"), "the callee granted already: not asked");

            callrec.awaitLog(".*recording " + id + ": link delivered to sip:sipp@.*", Duration.ofSeconds(20));
            assertEquals(0, phone.finish(), phone.report());
            Matcher m = RECORDING_URL.matcher(phone.logs());
            assertTrue(m.find(), phone.logs());
            URI url = URI.create(m.group(1));
            assertTrue(url.getPath().endsWith("/recordings/" + id), url.toString());
            for (String name : new String[] {"requester.mkv", "peer.mkv"}) {
                Path downloaded = RecordedCalls.download(url, name, dir.resolve("downloaded-" + name));
                Ffprobe probe = Ffprobe.probe(downloaded);
                assertEquals("pcm_alaw", probe.stream(0, "codec_name"), name);
                assertEquals(2.0, Double.parseDouble(probe.format("duration")), 0.3, name);
                assertEquals("", Ffprobe.decodeErrors(downloaded), name);
            }
        }
    }
}
