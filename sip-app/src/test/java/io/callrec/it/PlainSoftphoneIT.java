package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.DtmfPcap;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Ports;
import io.callrec.it.support.RecordedCalls;
import io.callrec.it.support.Sipp;
import io.callrec.testing.media.Ffprobe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Spec §3 with softphones that know nothing of callrec: the caller types **1 (RFC 4733 in its RTP), the peer is asked
 * by a text MESSAGE and answers "yes" by text, outcomes come back as text, and the call is recorded.
 */
class PlainSoftphoneIT {

    @Test
    void featureCodeByDtmfAndConsentByTextRecordTheCall(TestInfo test) throws Exception {
        Call call = recordPlainCall(test, "**1");
        assertTrue(call.peerLog().contains("asks to record this call. Reply YES or NO, or press 1 or 2."),
                call.peerLog());
        assertTrue(call.callerLog().contains("Press **4 to pause"), call.callerLog());
    }

    /**
     * The feature codes, the prompt and the answer words are the operator's, not only the defaults (the peer's
     * scenario insists on "asks to record this call" in the prompt, so the configured prompt keeps those words).
     */
    @Test
    void configuredFeatureCodesAndPromptAreUsed(TestInfo test) throws Exception {
        Call call = recordPlainCall(test, "*71", "--feature-codes", "both=*71,pause=*74,stop=*72",
                "--consent-prompt", "{from} asks to record this call ({mode}). Answer YES or OUI.",
                "--consent-yes-words", "yes,oui", "--consent-timeout", "20s");
        assertTrue(call.peerLog().contains("asks to record this call (both parties). Answer YES or OUI."), call.peerLog());
        assertTrue(call.callerLog().contains("Press *74 to pause"), call.callerLog());
        assertTrue(call.callerLog().contains("*72 to stop"), call.callerLog());
    }

    /** Every SIP message each UA sent and received. */
    private record Call(String callerLog, String peerLog) {
    }

    /** The caller types {@code digits}; the peer answers "yes"; checks the recording and returns the UAs' SIP traces. */
    private static Call recordPlainCall(TestInfo test, String digits, String... callrecArgs) throws Exception {
        Path dir = ItDirs.logDir(test);
        Files.createDirectories(dir);
        Path pcap = DtmfPcap.withDigits(MediaFiles.g711a(dir.resolve("tone.pcap"), Duration.ofSeconds(4)),
                dir.resolve("feature-code.pcap"), digits, 300, 400, 101);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).args(callrecArgs).start();
             Sipp peer = Sipp.scenario("uas_text_consent.xml").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).start();
             Sipp caller = Sipp.scenario("uac_dtmf_request.xml").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(peer.localPort()).pcapAudio(pcap).pauseMillis(2500).run()) {
            assertEquals(0, caller.exitCode(), caller.report() + callrec.logTail());
            assertEquals(0, peer.finish(), peer.report() + callrec.logTail());
            String texts = caller.logs();
            assertTrue(texts.contains("Consent to record granted."), texts);
            assertTrue(texts.contains("Recording started"), texts);
            assertTrue(texts.contains("being recorded"), texts);

            String started = callrec.awaitLog(".*recording (r-[A-Za-z0-9_-]+) started.*", Duration.ofSeconds(5));
            String id = RecordedCalls.recordingIdIn(started);
            callrec.awaitLog(".*" + id + ".*stored.*", Duration.ofSeconds(15));
            Path rec = callrec.dataDir().resolve("recordings").resolve(id);
            JsonNode manifest = new ObjectMapper().readTree(rec.resolve("manifest.json").toFile());
            String consent = manifest.get("consent").toString();
            assertTrue(consent.contains("\"message\""), "consent came by text MESSAGE: " + consent);
            // Only keys pressed while recording are counted (RecordingPipelineTest): here the code itself comes first.
            assertTrue(manifest.get("dtmfEvents").isObject(), manifest.toString());
            Ffprobe probe = Ffprobe.probe(rec.resolve("requester.mkv"));
            assertEquals("pcm_alaw", probe.stream(0, "codec_name"));
            assertTrue(Double.parseDouble(probe.format("duration")) > 1.5, probe.format("duration"));
            return new Call(caller.messages(), peer.messages());
        }
    }
}
