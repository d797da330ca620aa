package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.PortRange;
import io.callrec.it.support.Ports;
import io.callrec.it.support.Sipp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Fifty calls at once through one server, each with media both ways: SIPp's UAC starts 25 calls a
 * second up to 50 running, each plays a 2 s tone (100 packets) and hangs up after 4 s; one SIPp UAS
 * answers them all and echoes every RTP packet back to where it came from.
 */
class ConcurrentCallsIT {

    private static final int CALLS = 50;
    /** {@link MediaFiles#shortG711a()}: 100 packets of 20 ms. */
    private static final int PACKETS_PER_CALL_AND_DIRECTION = 100;

    @Test
    void fiftyConcurrentCallsWithMediaAllCompleteAndReleaseEverything(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        // Two legs of one audio stream each take an RTP/RTCP pair: 4 ports a call, with room to spare.
        PortRange relayPorts = Ports.freeEvenUdpRange(4 * CALLS + 40);
        // SIPp moves [auto_media_port] up by 4 for every call.
        PortRange callerMedia = Ports.freeEvenUdpRange(4 * CALLS + 4);
        Path tone = MediaFiles.shortG711a();
        try (CallrecProcess callrec = CallrecProcess.builder(dir).rtpPorts(relayPorts).start()) {
            JsonNode before = callrec.healthJson();
            long started = System.nanoTime();
            try (Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).rtpEcho().calls(CALLS).timeout(Duration.ofSeconds(60))
                    .start();
                 Sipp uac = Sipp.scenario("uac_pcap.xml").logDir(dir).mediaPort(callerMedia.low())
                         .outboundProxy(callrec.sipPort()).remote(uas.localPort()).pcapAudio(tone).pauseMillis(4000)
                         .calls(CALLS).args("-l", Integer.toString(CALLS), "-r", "25").timeout(Duration.ofSeconds(60))
                         .run()) {
                assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
                assertEquals(0, uas.exitCode(), uas.report() + callrec.logTail());
                assertEquals(OptionalLong.of(CALLS), uac.cumulative("Successful call"), uac.screen());
                assertEquals(OptionalLong.of(0), uac.cumulative("Failed call"), uac.screen());
                assertEquals(OptionalLong.of(CALLS), uas.cumulative("Successful call"), uas.screen());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            JsonNode after = awaitNoActiveCalls(callrec);
            assertEquals(before.at("/calls/total").asLong() + CALLS, after.at("/calls/total").asLong(), after.toString());
            assertEquals(before.at("/calls/failed").asLong(), after.at("/calls/failed").asLong(), after.toString());
            assertEquals(0, after.at("/relay/portsInUse").asInt(), "every relay port is freed: " + after);
            assertEquals(0, after.at("/relay/sessions").asInt(), after.toString());
            long relayed = after.at("/relay/totals/packets").asLong() - before.at("/relay/totals/packets").asLong();
            long expected = (long) CALLS * 2 * PACKETS_PER_CALL_AND_DIRECTION;
            // Caller to callee and the echo back: allow for SIPp's replay falling behind on a busy machine.
            assertTrue(relayed >= expected * 8 / 10, "relayed " + relayed + " of " + expected + " packets: " + after);
            assertTrue(relayed <= expected, "relayed " + relayed + " packets, more than were sent (" + expected + ")");
            long strangers = after.at("/relay/totals/droppedStranger").asLong()
                    - before.at("/relay/totals/droppedStranger").asLong();
            assertEquals(0, strangers, "no call's media leaked into another's: " + after);
            assertEquals(CALLS, callrec.logText().lines().filter(l -> l.contains("ended: BYE from caller")).count(),
                    callrec.logTail());
            assertTrue(took.toSeconds() < 30, "took " + took);
            assertEquals(0, callrec.stop(), callrec.logTail());
        }
    }

    private static JsonNode awaitNoActiveCalls(CallrecProcess callrec) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            JsonNode h = callrec.healthJson();
            if (h.at("/calls/active").asInt() == 0 && h.at("/relay/portsInUse").asInt() == 0) {
                return h;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("calls still active 10 s after the last BYE: " + h + "\n" + callrec.logTail());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
