package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.SipProbe;
import io.callrec.it.support.SipResponse;
import io.callrec.it.support.Sipp;
import io.callrec.it.support.SippTrace;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/** Max-Forwards, loop detection and early media (183 with SDP) through the running server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HopsAndEarlyMediaIT {
    private static final Duration ANSWER = Duration.ofSeconds(5);
    private CallrecProcess callrec;

    @BeforeAll
    void start(TestInfo info) {
        callrec = CallrecProcess.builder(ItDirs.logDir(info)).start();
    }

    @AfterAll
    void stop() {
        if (callrec != null) {
            callrec.stop();
        }
    }

    @Test
    void anInviteWithNoHopsLeftGets483() {
        try (SipProbe probe = SipProbe.udp(callrec.sipPort())) {
            probe.send(probe.request("INVITE").replace("Max-Forwards", "0"));
            SipResponse r = probe.receiveFinal(ANSWER).orElseThrow(() -> new AssertionError("no answer"));
            assertEquals(483, r.status(), r.raw());
        }
    }

    @Test
    void anInviteThatAlreadyPassedThroughThisServerGets482() {
        // Our own branch mark in a Via naming this server: the INVITE went out and came back (a routing loop).
        try (SipProbe probe = SipProbe.udp(callrec.sipPort())) {
            probe.send(probe.request("INVITE")
                    .header("Via", "SIP/2.0/UDP 127.0.0.1:" + callrec.sipPort() + ";branch=z9hG4bK-cr-looped"));
            SipResponse r = probe.receiveFinal(ANSWER).orElseThrow(() -> new AssertionError("no answer"));
            assertEquals(482, r.status(), r.raw());
        }
    }

    @Test
    void earlyMediaSdpIsAnchoredBeforeTheAnswer(TestInfo test) {
        var dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.scenario("uas_early_media.xml").logDir(dir).rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_pcap.xml").logDir(dir).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).pcapAudio(MediaFiles.shortG711a()).pauseMillis(500).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report());
            List<SippTrace.Message> progress = SippTrace.parse(uac.messages()).received("SIP/2.0 183");
            assertEquals(1, progress.size(), uac.messages());
            Matcher m = Pattern.compile("m=audio (\\d+)").matcher(progress.get(0).text());
            assertTrue(m.find(), progress.get(0).text());
            assertTrue(callrec.rtpPorts().contains(Integer.parseInt(m.group(1))),
                    "the caller's early media goes through callrec: " + m.group());
            assertTrue(progress.get(0).text().contains("c=IN IP4 127.0.0.1"), progress.get(0).text());
        }
        callrec.awaitLog("183 with early media", ANSWER);
    }
}
