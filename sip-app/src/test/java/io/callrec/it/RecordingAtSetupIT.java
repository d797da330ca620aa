package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.RecordedCalls;
import io.callrec.testing.media.Ffprobe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    @Test
    void aCalleeGrantingInItsAnswerIsNotAskedAgain(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        // Consent policy required (the default): the callee's Callrec-Consent in its 200 is the consent.
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start()) {
            RecordedCalls.Traces traces = RecordedCalls.requestAtSetup(callrec, dir, "uas_consent_header.xml", 3000);
            String id = RecordedCalls.startedRecordingId(callrec, ".*recording (r-[A-Za-z0-9_-]+) started \\(mode both.*");
            callrec.awaitLog(".*" + id + ".*stored.*", Duration.ofSeconds(15));
            JsonNode manifest = new ObjectMapper().readTree(callrec.dataDir().resolve("recordings")
                    .resolve(id).resolve("manifest.json").toFile());
            assertTrue(manifest.get("consent").toString().contains("\"header\""),
                    "consent by the callee's header: " + manifest.get("consent"));
            assertFalse(traces.callee().contains("Callrec-Request"), "Callrec-* headers are never relayed");
        }
    }
}
