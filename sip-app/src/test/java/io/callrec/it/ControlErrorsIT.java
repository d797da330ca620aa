package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.LocalSockets;
import io.callrec.it.support.Ports;
import io.callrec.it.support.Sipp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
            callrec.awaitLog(".*ended: BYE from caller.*", Duration.ofSeconds(5));
            assertNothingRecorded(callrec);
        }
    }

    /**
     * Issue 5, with a consent really pending: the requester answers its own consent request with the real consentId
     * (which callrec sends only to the peer: the peer, its SIPp twin, hands it over, as a colluding requester could),
     * and the peer answers with a consentId that is not the one it was given. Both get 403 with a Warning naming the
     * reason, the consent stays ungranted, the requester's allocate gets 403, and nothing is recorded.
     */
    @Test
    void aConsentResponseOnTheRequestersLegOrWithAWrongIdIsRefusedAndNothingIsRecorded(TestInfo test)
            throws Exception {
        Path dir = ItDirs.logDir(test);
        String twin = "127.0.0.1:" + Ports.freeUdpTcpPort();
        int peerPort = Ports.freeUdpTcpPort();
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             // The requester's twin listens (3PCC controller B); the peer connects to it when it starts.
             Sipp requester = Sipp.scenario("uac_consent_wrong_leg.xml").logDir(dir).args("-3pcc", twin)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(peerPort).start()) {
            awaitTcpListening(Integer.parseInt(twin.substring(twin.indexOf(':') + 1)), requester);
            try (Sipp peer = Sipp.scenario("uas_consent_wrong_id.xml").logDir(dir).args("-3pcc", twin)
                    .localPort(peerPort).mediaPort(Ports.freeEvenUdpRange(4).low()).start()) {
                assertEquals(0, requester.exitCode(), requester.report() + peer.report() + callrec.logTail());
                assertEquals(0, peer.finish(), peer.report() + callrec.logTail());
                String asked = group(peer.logs(), "CONSENT_ID (c-[A-Za-z0-9_-]+)");
                assertEquals(asked, group(requester.logs(), "PEER_CONSENT_ID (c-[A-Za-z0-9_-]+)"),
                        "the requester answered with the real consentId");
                assertTrue(requester.messages().contains("\"consentId\":\"" + asked + "\",\"granted\":true"),
                        "sent on the requester's own leg: " + requester.messages());
                String log = requester.logs().replaceAll("[ \\t]+", " ");
                assertTrue(log.contains("OWN_LEG 403 399 callrec \"consent-response is accepted only from the asked"
                        + " party\""), "a consent-response on the requester's leg: " + log);
                assertTrue(log.contains("ALLOCATE 403 399 callrec \"allocate for mode both needs the other party's"
                        + " granted consent\""), "still no consent: " + log);
                String peerLog = peer.logs().replaceAll("[ \\t]+", " ");
                assertTrue(peerLog.contains("WRONG_ID 403 399 callrec \"unknown or expired consentId"
                        + " 'c-0000000000000000000000'\""), "the peer's answer with a wrong id: " + peerLog);
                assertFalse(asked.equals("c-0000000000000000000000"), asked);
            }
            callrec.awaitLog(".*ended: BYE from caller.*", Duration.ofSeconds(5));
            assertNothingRecorded(callrec);
            assertEquals(0, callrec.healthJson().at("/limits/recordings/active").asInt(-1), callrec.health());
        }
    }

    /** No recording started, finished or stored: no manifest anywhere in the data directory, no spooled files. */
    private static void assertNothingRecorded(CallrecProcess callrec) throws IOException {
        assertFalse(callrec.logText().matches("(?s).*recording r-\\S+ started.*"), callrec.logTail());
        try (Stream<Path> all = Files.walk(callrec.dataDir())) {
            assertEquals(java.util.List.of(), all.filter(p -> p.getFileName().toString().equals("manifest.json")
                    || p.getFileName().toString().endsWith(".mkv")).toList(), "nothing recorded");
        }
        for (String sub : new String[] {"recording", "spool", "recordings"}) {
            Path d = callrec.dataDir().resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> entries = Files.list(d)) {
                    assertTrue(entries.findAny().isEmpty(), "nothing recorded in " + d);
                }
            }
        }
    }

    private static void awaitTcpListening(int port, Sipp owner) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!LocalSockets.tcpListening(port)) {
            assertTrue(System.nanoTime() < deadline && owner.isAlive(), "no 3PCC twin listening on " + port
                    + "\n" + owner.report());
            Thread.sleep(20);
        }
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in " + text);
        return m.group(1);
    }
}
