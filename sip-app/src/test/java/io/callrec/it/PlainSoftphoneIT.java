package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.DtmfPcap;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.LinkedRecording;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Ports;
import io.callrec.it.support.RecordedCalls;
import io.callrec.it.support.Sipp;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Spec §3 with softphones that know nothing of callrec: the caller types **1 (RFC 4733 in its RTP), the peer is asked
 * by a text MESSAGE and answers "yes" by text, outcomes come back as text, the call is recorded, and the caller's phone
 * gets the link by text MESSAGE; the recording is fetched through that link.
 */
class PlainSoftphoneIT {
    /** The caller's -d: it hangs up this long after the last text, so the recording lasts about as long. */
    private static final long PAUSE_MILLIS = 2500;
    /** The recording also holds the few ms of texts before the pause; the pcap's 20 ms packets round the end. */
    private static final double TOLERANCE_SECONDS = 0.5;

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

    /**
     * The caller types {@code digits}; the peer answers "yes"; the link reaches the caller's registered phone, and what
     * it downloads is checked; returns the UAs' SIP traces.
     */
    private static Call recordPlainCall(TestInfo test, String digits, String... callrecArgs) throws Exception {
        Path dir = ItDirs.logDir(test);
        Files.createDirectories(dir);
        // longer than the call's recorded part (prompt, answer, texts, then PAUSE_MILLIS), so media flows throughout
        Path pcap = DtmfPcap.withDigits(MediaFiles.g711a(dir.resolve("tone.pcap"), Duration.ofSeconds(6)),
                dir.resolve("feature-code.pcap"), digits, 300, 400, 101);
        List<String> args = new ArrayList<>(List.of("--user", RecordedCalls.USER));
        args.addAll(List.of(callrecArgs));
        try (CallrecProcess callrec = CallrecProcess.builder(dir).args(args.toArray(String[]::new)).start();
             Sipp phone = Sipp.scenario("uas_message.xml").logDir(dir).args("-timeout", "60", "-timeout_error")
                     .start();
             Sipp peer = Sipp.scenario("uas_text_consent.xml").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).start()) {
            // the caller (user sipp) hangs up before the link is ready: it comes out of dialog to sipp's phone
            RecordedCalls.registerPhone(callrec, dir, phone.localPort());
            Call call;
            try (Sipp caller = Sipp.scenario("uac_dtmf_request.xml").logDir(dir)
                    .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                    .remote(peer.localPort()).pcapAudio(pcap).pauseMillis(PAUSE_MILLIS).run()) {
                assertEquals(0, caller.exitCode(), caller.report() + callrec.logTail());
                assertEquals(0, peer.finish(), peer.report() + callrec.logTail());
                String texts = caller.logs();
                assertTrue(texts.contains("Consent to record granted."), texts);
                assertTrue(texts.contains("Recording started"), texts);
                assertTrue(texts.contains("being recorded"), texts);
                call = new Call(caller.messages(), peer.messages());
            }

            assertEquals(0, phone.finish(), phone.report() + callrec.logTail());
            String received = phone.logs();
            assertTrue(received.matches("(?s).*MESSAGE_TYPE=\\s*text/plain.*"),
                    "a plain phone gets the link as text: " + received);
            assertTrue(phone.messages().contains("Call recording ready: http"), phone.messages());
            Matcher url = Pattern.compile("RECORDING_URL=(\\S+)").matcher(received);
            assertTrue(url.find(), received);
            LinkedRecording rec = LinkedRecording.fetch(URI.create(url.group(1)));
            JsonNode manifest = rec.manifest();
            assertEquals("both", manifest.get("mode").asText(), manifest.toString());
            assertEquals(List.of("message"), rec.consentChannels("granted"),
                    "consent came by text MESSAGE: " + manifest.get("consent"));
            assertTrue(manifest.get("consent").get(0).get("prompt").asText().contains("asks to record this call"),
                    manifest.get("consent").toString());
            // Only keys pressed while recording are counted (RecordingPipelineTest): here the code itself comes first.
            assertTrue(manifest.get("dtmfEvents").isObject(), manifest.toString());
            assertTrue(rec.mkvFiles().contains("requester.mkv"), rec.mkvFiles().toString());

            // the peer's scenario sends no media: the caller's audio alone, for the time between its texts and BYE
            Path requester = rec.download("requester.mkv", Files.createDirectories(dir.resolve("downloaded")));
            LinkedRecording.assertAudioOnly(requester, "pcm_alaw", PAUSE_MILLIS / 1000.0, TOLERANCE_SECONDS);
            return call;
        }
    }
}
