package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.LinkedRecording;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Ports;
import io.callrec.it.support.RecordedCalls;
import io.callrec.it.support.Sipp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Spec §3's other DTMF path: a plain softphone that sends its keys as SIP INFO instead of RFC 4733 types **1, the
 * peer (a plain phone too) is asked by text and says "yes", and the call is recorded. Default consent policy, so the
 * whole plain-phone flow runs; the caller's SDP offers no telephone-event, so the code can only come from the INFOs.
 */
class DtmfInfoIT {
    /** The caller's -d: it hangs up this long after the last text. */
    private static final long PAUSE_MILLIS = 2000;
    /** The recording starts as the caller gets its texts, within a few packets of the pause's start. */
    private static final double TOLERANCE_SECONDS = 0.5;

    @Test
    void featureCodeByDtmfRelayInfosRecordsTheCall(TestInfo test) throws Exception {
        recordByInfo(test, "application/dtmf-relay", "Signal=", "Duration=160");
    }

    @Test
    void featureCodeByBareDtmfInfosRecordsTheCall(TestInfo test) throws Exception {
        recordByInfo(test, "application/dtmf", "", "");
    }

    /**
     * The caller sends {@code *}, {@code *}, {@code 1} as INFOs of {@code contentType} (body
     * {@code signalPrefix + key}, then {@code durationLine}); the INFOs are relayed and answered 200 by the peer, the
     * recording starts, and after the BYE the link reaches the caller's registered phone and names a stored recording.
     */
    private static void recordByInfo(TestInfo test, String contentType, String signalPrefix, String durationLine)
            throws Exception {
        Path dir = ItDirs.logDir(test);
        Files.createDirectories(dir);
        Path tone = MediaFiles.g711a(dir.resolve("tone.pcap"), Duration.ofSeconds(6));
        try (CallrecProcess callrec = CallrecProcess.builder(dir).args("--user", RecordedCalls.USER).start();
             Sipp phone = Sipp.scenario("uas_message.xml").logDir(dir).args("-timeout", "60", "-timeout_error")
                     .start();
             // -aa: SIPp answers the relayed INFOs 200 itself, whenever they come (the last may cross the prompt)
             Sipp peer = Sipp.scenario("uas_text_consent.xml").args("-aa").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).start()) {
            RecordedCalls.registerPhone(callrec, dir, phone.localPort());
            try (Sipp caller = Sipp.scenario("uac_dtmf_info.xml").logDir(dir)
                    .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                    .remote(peer.localPort()).pcapAudio(tone).key("dtmf_type", contentType)
                    .key("signal_prefix", signalPrefix).key("duration_line", durationLine)
                    .pauseMillis(PAUSE_MILLIS).run()) {
                assertEquals(0, caller.exitCode(), caller.report() + callrec.logTail());
                assertEquals(0, peer.finish(), peer.report() + callrec.logTail());
                String callerLog = caller.logs();
                for (String key : List.of("*", "*", "1")) {
                    assertTrue(callerLog.contains("INFO " + key + " ANSWERED 200"), callerLog);
                }
                assertTrue(callerLog.contains("Consent to record granted."), callerLog);
                assertTrue(callerLog.contains("Recording started"), callerLog);
                // the digits are taken and still relayed: the peer got the INFOs as sent
                String peerMessages = peer.messages();
                assertTrue(peerMessages.contains("Content-Type: " + contentType), peerMessages);
                assertTrue(peerMessages.contains("\n" + signalPrefix + "1"), peerMessages);
                assertTrue(peerMessages.contains("asks to record this call. Reply YES or NO"), peerMessages);
                String messages = caller.messages();
                assertTrue(messages.contains("Content-Type: " + contentType), messages);
            }
            String started = callrec.awaitLog(".*recording (r-[A-Za-z0-9_-]+) started.*", Duration.ofSeconds(5));
            String id = RecordedCalls.recordingIdIn(started);
            callrec.awaitLog(".*recording " + id + " stored in.*", Duration.ofSeconds(30));

            assertEquals(0, phone.finish(), phone.report() + callrec.logTail());
            LinkedRecording rec = LinkedRecording.fetch(LinkedRecording.firstLinkIn(phone.messages()));
            JsonNode manifest = rec.manifest();
            assertEquals(id, manifest.path("recordingId").asText(id), manifest.toString());
            assertEquals("both", manifest.get("mode").asText(), manifest.toString());
            assertEquals(List.of("message"), rec.consentChannels("granted"), manifest.get("consent").toString());
            assertTrue(rec.mkvFiles().contains("requester.mkv"), rec.mkvFiles().toString());
            // the peer sends no media: the caller's audio alone, from the recording's start to the BYE
            Path requester = rec.download("requester.mkv", Files.createDirectories(dir.resolve("downloaded")));
            LinkedRecording.assertAudioOnly(requester, "pcm_alaw", PAUSE_MILLIS / 1000.0, TOLERANCE_SECONDS);
        }
    }
}
