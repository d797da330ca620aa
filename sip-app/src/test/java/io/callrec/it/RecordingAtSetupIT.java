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
import io.callrec.it.support.Sipp;
import io.callrec.testing.media.Ffprobe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A call whose INVITE carries {@code Callrec-Request} (spec §2, requests at call setup) is recorded through the whole
 * server: SIPp caller and echoing callee, files checked with ffprobe.
 */
class RecordingAtSetupIT {

    @Test
    void aTrustedCallerWithOnePartyConsentGetsBothPartiesRecorded(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir)
                .args("--consent", "one-party", "--trusted-peers", "127.0.0.0/8").start();
             Sipp uas = Sipp.scenario("uas_echo_callrec.xml").args("-aa").logDir(dir).mediaPort(Ports.freeEvenUdpRange(4).low())
                     .rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_record_request.xml").logDir(dir).args("-aa")
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).key("record_mode", "both").pcapAudio(MediaFiles.shortG711a())
                     .pauseMillis(3000).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            String started = callrec.awaitLog(".*recording (r-[A-Za-z0-9_-]+) started \\(mode both, requester caller\\).*",
                    Duration.ofSeconds(5));
            Matcher m = Pattern.compile("recording (r-[A-Za-z0-9_-]+) started").matcher(started);
            assertTrue(m.find(), started);
            String id = m.group(1);
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
                assertEquals("pcm_s16le", probe.stream(0, "codec_name"), name);
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
                .args("--consent", "one-party", "--trusted-peers", "192.0.2.0/24").start();
             Sipp uas = Sipp.scenario("uas_echo_callrec.xml").args("-aa").logDir(dir).mediaPort(Ports.freeEvenUdpRange(4).low())
                     .rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_record_request.xml").logDir(dir).args("-aa")
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).key("record_mode", "both").pcapAudio(MediaFiles.shortG711a())
                     .pauseMillis(500).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            callrec.awaitLog(".*Callrec-Request ignored: the caller is neither authenticated nor a trusted peer.*",
                    Duration.ofSeconds(5));
            callrec.awaitLog(".*ended: BYE from caller.*", Duration.ofSeconds(5));
            Path spool = callrec.dataDir().resolve("spool");
            try (var entries = Files.list(spool)) {
                assertFalse(entries.findAny().isPresent(), "nothing recorded");
            }
        }
    }

    @Test
    void aCalleeGrantingInItsAnswerIsNotAskedAgain(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        // Consent policy required (the default): the callee's Callrec-Consent in its 200 is the consent.
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             Sipp uas = Sipp.scenario("uas_consent_header.xml").args("-aa").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_record_request.xml").logDir(dir).args("-aa")
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).key("record_mode", "both").pcapAudio(MediaFiles.shortG711a())
                     .pauseMillis(3000).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            String started = callrec.awaitLog(".*recording (r-[A-Za-z0-9_-]+) started \\(mode both.*",
                    Duration.ofSeconds(5));
            Matcher m = Pattern.compile("recording (r-[A-Za-z0-9_-]+) started").matcher(started);
            assertTrue(m.find(), started);
            callrec.awaitLog(".*" + m.group(1) + ".*stored.*", Duration.ofSeconds(15));
            JsonNode manifest = new ObjectMapper().readTree(callrec.dataDir().resolve("recordings")
                    .resolve(m.group(1)).resolve("manifest.json").toFile());
            assertTrue(manifest.get("consent").toString().contains("\"header\""),
                    "consent by the callee's header: " + manifest.get("consent"));
            assertFalse(uas.messages().contains("Callrec-Request"), "Callrec-* headers are never relayed");
        }
    }
}
