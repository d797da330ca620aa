package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Sipp;
import io.callrec.it.support.SippTrace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Calls with SIP over TCP: the caller talks TCP to callrec; callrec reaches the callee over the
 * transport its Request-URI names ({@code ;transport=TCP}), UDP when it names none.
 */
class TcpCallIT {

    /** A call completes in a second or two; a hung leg fails well before SIP's 32 s timers. */
    private static final Duration SIPP_LIMIT = Duration.ofSeconds(15);

    @Test
    void callerOverTcpReachesACalleeOverUdp(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).rtpEcho().timeout(SIPP_LIMIT).start();
             Sipp uac = Sipp.scenario("uac_pcap.xml").logDir(dir).tcp().outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).pcapAudio(MediaFiles.shortG711a()).pauseMillis(500).timeout(SIPP_LIMIT)
                     .run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report() + callrec.logTail());
            SippTrace caller = SippTrace.parse(uac.messages());
            SippTrace callee = SippTrace.parse(uas.messages());
            assertEquals(List.of("TCP"), transports(caller), caller.summary());
            assertEquals(List.of("UDP"), transports(callee), callee.summary());
            // In-dialog requests from the caller come back to us over TCP: our Contact says so.
            SippTrace.Message ok = caller.received("SIP/2.0 200").get(0);
            assertTrue(ok.header("Contact").orElse("").contains("transport=tcp"), ok.text());
            callrec.awaitLog("ended: BYE from caller", Duration.ofSeconds(5));
            assertEquals(0, callrec.stop(), callrec.logTail());
        }
    }

    @Test
    void callOverTcpOnBothLegsCompletes(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).tcp().timeout(SIPP_LIMIT).start();
             Sipp uac = Sipp.scenario("uac_transport_uri.xml").logDir(dir).tcp().outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).pauseMillis(500).timeout(SIPP_LIMIT).run()) {
            SippTrace caller = SippTrace.parse(uac.messages());
            assertEquals(0, uac.exitCode(), () -> "caller:\n" + caller.summary() + "callee:\n"
                    + SippTrace.parse(uas.messages()).summary() + uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report() + callrec.logTail());
            // Read the callee's trace once it has ended: the BYE reaches it after the caller's 200.
            SippTrace callee = SippTrace.parse(uas.messages());
            assertEquals(List.of("TCP"), transports(caller), caller.summary());
            assertEquals(List.of("TCP"), transports(callee), callee.summary());
            List<String> calleeGot = callee.select(SippTrace.Message::received).stream()
                    .map(m -> m.firstLine().split(" ")[0]).toList();
            assertEquals(List.of("INVITE", "ACK", "BYE"), calleeGot, callee.summary());
            SippTrace.Message invite = callee.received("INVITE").get(0);
            assertTrue(invite.header("Via").orElse("").startsWith("SIP/2.0/TCP "), invite.text());
            assertTrue(invite.header("Contact").orElse("").toLowerCase().contains("transport=tcp"), invite.text());

            callrec.awaitLog("-> sip:service@127\\.0\\.0\\.1:" + uas.localPort() + ";transport=TCP \\(direct\\)",
                    Duration.ofSeconds(5));
            callrec.awaitLog("ended: BYE from caller", Duration.ofSeconds(5));
            assertEquals(0, callrec.stop(), callrec.logTail());
        }
    }

    private static List<String> transports(SippTrace trace) {
        return trace.messages().stream().map(SippTrace.Message::transport).distinct().toList();
    }
}
