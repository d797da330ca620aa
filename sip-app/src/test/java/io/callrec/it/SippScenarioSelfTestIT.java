package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.Capture;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.PortRange;
import io.callrec.it.support.Ports;
import io.callrec.it.support.RtpStream;
import io.callrec.it.support.Sipp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Proves the harness and the SIPp scenarios without callrec: each UAC scenario runs straight
 * against its UAS counterpart on loopback (no -rsa), and media calls are checked on the wire.
 * Scenarios meant for callrec's registrar and routing (digest REGISTER, 404) run against small
 * stand-in UAS scenarios. Fails, never skips, when sipp, tcpdump or tshark is missing.
 */
class SippScenarioSelfTestIT {

    private static final Pattern VIA_BRANCH = Pattern.compile("^Via: .*;branch=(\\S+)", Pattern.MULTILINE);

    @Test
    void earlyOfferCallCarriesRtpBothWays(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        PortRange uacMedia = Ports.freeEvenUdpRange(4);
        PortRange uasMedia = Ports.freeEvenUdpRange(4);
        List<RtpStream> streams;
        try (Capture capture = Capture.onLoopback(dir.resolve("rtp.pcap"), Capture.udpPortRanges(uacMedia, uasMedia));
             Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).mediaPort(uasMedia.low()).rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_pcap.xml").logDir(dir).mediaPort(uacMedia.low()).remote(uas.localPort())
                     .pcapAudio(MediaFiles.SIPP_G711A_PCAP).pauseMillis(2000).run()) {
            assertEquals(0, uac.exitCode(), uac::report);
            assertEquals(0, uas.exitCode(), uas::report);
            assertTrue(uac.logs().contains("ANSWER m=audio " + uasMedia.low()), uac.logs());
            streams = capture.rtpStreams();
        }
        RtpStream sent = only(streams, uacMedia, uasMedia);
        RtpStream echoed = only(streams, uasMedia, uacMedia);
        // 2 s of the pcap's 30 ms packets make ~66; SIPp 3.6.1's replay was once seen to stall
        // after ~1 s on a loaded machine, so only "substantial media" is required. Every packet is echoed.
        assertTrue(sent.packets() >= 20, sent.toString());
        assertEquals(sent.packets(), echoed.packets(), streams.toString());
        assertEquals("g711A", sent.payload());
        assertEquals(0, sent.lost());
        assertEquals(0, echoed.lost());
    }

    @Test
    void calleeHangsUp(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.scenario("uas_bye.xml").logDir(dir).rtpEcho().pauseMillis(800).start();
             Sipp uac = Sipp.scenario("uac_recv_bye.xml").logDir(dir).remote(uas.localPort())
                     .pcapAudio(MediaFiles.SIPP_G711A_PCAP).run()) {
            assertEquals(0, uac.exitCode(), uac::report);
            assertEquals(0, uas.exitCode(), uas::report);
            // The BYE went to the caller's Contact and named the dialog from the callee's side.
            String bye = message(uas.messages(), "BYE ");
            assertTrue(bye.startsWith("BYE sip:sipp@127.0.0.1:" + uac.localPort()), bye);
            assertTrue(bye.contains("\nTo: sipp <sip:sipp@127.0.0.1:" + uac.localPort() + ">;tag="), bye);
        }
    }

    @Test
    void cancelWhileRingingEndsWith487(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.scenario("uas_ringing.xml").logDir(dir).start();
             Sipp uac = Sipp.scenario("uac_cancel.xml").logDir(dir).remote(uas.localPort()).run()) {
            assertEquals(0, uac.exitCode(), uac::report);
            assertEquals(0, uas.exitCode(), uas::report);
            // A SIPp UAS does not check branches; RFC 3261 needs CANCEL and the 487's ACK on the INVITE's.
            String sent = uac.messages();
            String invite = branch(message(sent, "INVITE "));
            assertEquals(invite, branch(message(sent, "CANCEL ")));
            assertEquals(invite, branch(message(sent, "ACK ")));
        }
    }

    @Test
    void busyCalleeGives486(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.scenario("uas_busy.xml").logDir(dir).start();
             Sipp uac = Sipp.scenario("uac_expect_486.xml").logDir(dir).remote(uas.localPort()).run()) {
            assertEquals(0, uac.exitCode(), uac::report);
            assertEquals(0, uas.exitCode(), uas::report);
            assertEquals(branch(message(uac.messages(), "INVITE ")), branch(message(uac.messages(), "ACK ")));
        }
    }

    @Test
    void holdAndResumeByReInvite(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.scenario("uas_reinvite.xml").logDir(dir).rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_reinvite_hold.xml").logDir(dir).remote(uas.localPort())
                     .pcapAudio(MediaFiles.SIPP_G711A_PCAP).pauseMillis(600).run()) {
            assertEquals(0, uac.exitCode(), uac::report);
            assertEquals(0, uas.exitCode(), uas::report);
            assertTrue(uas.logs().contains("HOLD_OFFER a=sendonly") && uas.logs().contains("RESUME_OFFER a=sendrecv"),
                    uas.logs());
            assertTrue(uac.logs().contains("HOLD_ANSWER a=recvonly") && uac.logs().contains("RESUME_ANSWER a=sendrecv"),
                    uac.logs());
        }
    }

    @Test
    void lateOfferCallCarriesRtpBothWays(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        PortRange uacMedia = Ports.freeEvenUdpRange(4);
        PortRange uasMedia = Ports.freeEvenUdpRange(4);
        List<RtpStream> streams;
        try (Capture capture = Capture.onLoopback(dir.resolve("rtp.pcap"), Capture.udpPortRanges(uacMedia, uasMedia));
             Sipp uas = Sipp.scenario("uas_late_offer.xml").logDir(dir).mediaPort(uasMedia.low()).rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_late_offer.xml").logDir(dir).mediaPort(uacMedia.low()).remote(uas.localPort())
                     .pcapAudio(MediaFiles.SIPP_G711A_PCAP).pauseMillis(1000).run()) {
            assertEquals(0, uac.exitCode(), uac::report);
            assertEquals(0, uas.exitCode(), uas::report);
            assertTrue(uas.logs().contains("ANSWER_IN_ACK m=audio " + uacMedia.low()), uas.logs());
            streams = capture.rtpStreams();
        }
        assertTrue(only(streams, uacMedia, uasMedia).packets() >= 20, streams.toString());
        assertTrue(only(streams, uasMedia, uacMedia).packets() >= 20, streams.toString());
    }

    @Test
    void registerWithDigest(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp registrar = Sipp.scenario("uas_registrar_digest.xml").logDir(dir)
                     .key("auth_user", "alice").key("auth_pass", "alice-secret").start();
             Sipp uac = Sipp.scenario("uac_register_digest.xml").logDir(dir).service("alice")
                     .remote(registrar.localPort()).run()) {
            assertEquals(0, uac.exitCode(), uac::report);
            assertEquals(0, registrar.exitCode(), registrar::report);
            assertTrue(uac.logs().contains("BINDING <sip:alice@127.0.0.1:" + uac.localPort()), uac.logs());
        }
    }

    @Test
    void registerWithAWrongPasswordFailsOnBothSides(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp registrar = Sipp.scenario("uas_registrar_digest.xml").logDir(dir)
                     .key("auth_user", "alice").key("auth_pass", "not-alice-secret").start();
             Sipp uac = Sipp.scenario("uac_register_digest.xml").logDir(dir).service("alice")
                     .remote(registrar.localPort()).run()) {
            assertNotEquals(0, uac.exitCode(), uac::report);
            assertNotEquals(0, registrar.exitCode(), registrar::report);
            assertTrue(uac.errors().contains("403 Forbidden"), uac::report);
        }
    }

    @Test
    void unknownCalleeGives404(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.scenario("uas_404.xml").logDir(dir).start();
             Sipp uac = Sipp.scenario("uac_expect_404.xml").logDir(dir).service("nobody").remote(uas.localPort()).run()) {
            assertEquals(0, uac.exitCode(), uac::report);
            assertEquals(0, uas.exitCode(), uas::report);
            assertTrue(message(uac.messages(), "INVITE ").startsWith("INVITE sip:nobody@127.0.0.1:" + uas.localPort()));
        }
    }

    @Test
    void anUnexpectedAnswerFailsTheScenario(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).start();
             Sipp uac = Sipp.scenario("uac_expect_486.xml").logDir(dir).remote(uas.localPort())
                     .args("-max_retrans", "2").run()) {
            assertEquals(1, uac.exitCode(), uac::report);
            assertTrue(uac.errors().contains("Aborting call on unexpected message") && uac.errors().contains("received 'SIP/2.0 200 OK"),
                    uac::report);
        }
    }

    @Test
    void everyScenarioSaysWhatItDoesAndHowToRunIt() throws IOException {
        Path dir = ItDirs.testClasses().resolve("sipp");
        List<Path> scenarios;
        try (Stream<Path> files = Files.list(dir)) {
            scenarios = files.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
        }
        assertEquals(22, scenarios.size(), scenarios.toString());
        for (Path p : scenarios) {
            String xml = Files.readString(p);
            String name = p.getFileName().toString();
            assertTrue(xml.contains("<!--\n  " + name + ": "), name + " lacks its header comment");
            assertTrue(xml.contains("By hand"), name + " does not say how to run it by hand");
            assertTrue(xml.contains("sipp -sf " + name), name + " has no command line for itself");
        }
    }

    private static RtpStream only(List<RtpStream> streams, PortRange from, PortRange to) {
        List<RtpStream> matching = streams.stream().filter(s -> s.between(from, to)).toList();
        assertEquals(1, matching.size(), "one stream " + from + " -> " + to + " in " + streams);
        return matching.get(0);
    }

    /** The first message of a SIPp trace whose start line begins with {@code startLine}. */
    private static String message(String trace, String startLine) {
        int start = trace.indexOf("\n" + startLine);
        assertTrue(start >= 0, "no " + startLine.trim() + " in trace:\n" + trace);
        int end = trace.indexOf("\n\n", start + 1);
        return trace.substring(start + 1, end < 0 ? trace.length() : end).replace("\r", "");
    }

    private static String branch(String message) {
        Matcher m = VIA_BRANCH.matcher(message);
        assertTrue(m.find(), "no Via branch in " + message);
        return m.group(1);
    }
}
