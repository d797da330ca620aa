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
 * Spec §3 with softphones that know nothing of callrec: the caller types **1 (RFC 4733 in its RTP), the peer is asked
 * by a text MESSAGE and answers "yes" by text, outcomes come back as text, and the call is recorded.
 */
class PlainSoftphoneIT {

    @Test
    void featureCodeByDtmfAndConsentByTextRecordTheCall(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        Files.createDirectories(dir);
        Path pcap = DtmfPcap.withDigits(MediaFiles.g711a(dir.resolve("tone.pcap"), Duration.ofSeconds(4)),
                dir.resolve("star-star-1.pcap"), "**1", 300, 400, 101);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             Sipp peer = Sipp.scenario("uas_text_consent.xml").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).start();
             Sipp caller = Sipp.scenario("uac_dtmf_request.xml").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(peer.localPort()).pcapAudio(pcap).pauseMillis(2500).run()) {
            assertEquals(0, caller.exitCode(), caller.report() + callrec.logTail());
            assertEquals(0, peer.stop(), peer.report() + callrec.logTail());
            String texts = caller.logs();
            assertTrue(texts.contains("Consent to record granted."), texts);
            assertTrue(texts.contains("Recording started"), texts);
            assertTrue(texts.contains("being recorded"), texts);
            assertTrue(peer.logs().contains("PROMPT asks to record this call"), peer.logs());

            String started = callrec.awaitLog(".*recording (r-[A-Za-z0-9_-]+) started.*", Duration.ofSeconds(5));
            Matcher m = Pattern.compile("recording (r-[A-Za-z0-9_-]+) started").matcher(started);
            assertTrue(m.find());
            String id = m.group(1);
            callrec.awaitLog(".*" + id + ".*stored.*", Duration.ofSeconds(15));
            Path rec = callrec.dataDir().resolve("recordings").resolve(id);
            JsonNode manifest = new ObjectMapper().readTree(rec.resolve("manifest.json").toFile());
            String consent = manifest.get("consent").toString();
            assertTrue(consent.contains("\"message\""), "consent came by text MESSAGE: " + consent);
            assertTrue(manifest.get("dtmfEvents").toString().contains("requester"), manifest.toString());
            Ffprobe probe = Ffprobe.probe(rec.resolve("requester.mkv"));
            assertEquals("pcm_s16le", probe.stream(0, "codec_name"));
            assertTrue(Double.parseDouble(probe.format("duration")) > 1.5, probe.format("duration"));
        }
    }
}
