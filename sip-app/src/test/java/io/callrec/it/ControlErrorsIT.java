package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.Ports;
import io.callrec.it.support.Sipp;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The answers to bad callrec INFOs (spec §2): 400 and 403 with a Warning, 415; the call goes on unharmed. */
class ControlErrorsIT {

    @Test
    void badRequestsGetTheirStatusAndNothingIsRecorded(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             Sipp callee = Sipp.scenario("uas_echo_callrec.xml").args("-aa").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).rtpEcho().start();
             Sipp caller = Sipp.scenario("uac_control_errors.xml").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(callee.localPort()).run()) {
            assertEquals(0, caller.exitCode(), caller.report() + callrec.logTail());
            String log = caller.logs().replaceAll("[ \\t]+", " ");
            assertTrue(log.contains("ANSWER_2 400 399 callrec"), "not JSON: 400 with a Warning: " + log);
            assertTrue(log.contains("ANSWER_3 415"), log);
            assertTrue(log.contains("ANSWER_4 403 399 callrec"), "allocate without consent: 403: " + log);
            assertTrue(log.contains("ANSWER_5 403 399 callrec"), "consent-response from the wrong leg: " + log);
            callrec.awaitLog(".*ended: BYE from caller.*", java.time.Duration.ofSeconds(5));
            Path recordings = callrec.dataDir().resolve("recording");
            try (var entries = Files.list(recordings)) {
                assertTrue(entries.findAny().isEmpty(), "nothing recorded");
            }
        }
    }
}
