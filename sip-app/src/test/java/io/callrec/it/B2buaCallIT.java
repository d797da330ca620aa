package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.Capture;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.PortRange;
import io.callrec.it.support.Ports;
import io.callrec.it.support.RtpStream;
import io.callrec.it.support.Sipp;
import io.callrec.it.support.SippTrace;
import io.callrec.it.support.UdpFlow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * The B2BUA on loopback with real SIPp peers: a UAC sends every request to callrec ({@code -rsa}) with a
 * Request-URI naming the UAS, which callrec reaches by direct routing. Media is checked on the wire.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class B2buaCallIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private CallrecProcess callrec;

    @BeforeAll
    void start(TestInfo info) {
        callrec = CallrecProcess.builder(ItDirs.logDir(info)).start();
    }

    @AfterAll
    void stop() {
        if (callrec != null) {
            assertEquals(0, callrec.stop(), "a clean SIGTERM stop exits 0\n" + callrec.logTail());
        }
    }

    @Test
    void callWithMediaGoesThroughTheServersPortsBothWays(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        PortRange uacMedia = Ports.freeEvenUdpRange(4);
        PortRange uasMedia = Ports.freeEvenUdpRange(4);
        PortRange relay = callrec.rtpPorts();
        List<UdpFlow> flows;
        List<RtpStream> streams;
        long totalBefore = health().at("/calls/total").asLong();
        try (Capture capture = Capture.onLoopback(dir.resolve("rtp.pcap"),
                Capture.udpPortRanges(uacMedia, uasMedia, relay));
             Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).mediaPort(uasMedia.low()).rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_pcap.xml").logDir(dir).mediaPort(uacMedia.low())
                     .outboundProxy(callrec.sipPort()).remote(uas.localPort())
                     .pcapAudio(MediaFiles.shortG711a()).pauseMillis(3000).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report() + callrec.logTail());
            // Each side saw the other's media address replaced by one of ours.
            Matcher answer = Pattern.compile("ANSWER m=audio (\\d+)").matcher(uac.logs());
            assertTrue(answer.find(), uac.logs());
            assertTrue(relay.contains(Integer.parseInt(answer.group(1))), "caller must send to callrec: " + answer.group());
            flows = capture.flows();
            streams = capture.rtpStreams();
        }
        long callerToRelay = UdpFlow.packetsBetween(flows, uacMedia, relay);
        long relayToCallee = UdpFlow.packetsBetween(flows, relay, uasMedia);
        long calleeToRelay = UdpFlow.packetsBetween(flows, uasMedia, relay);
        long relayToCaller = UdpFlow.packetsBetween(flows, relay, uacMedia);
        String all = flows.toString();
        assertTrue(callerToRelay >= 20, "substantial media from the caller: " + all);
        assertEquals(callerToRelay, relayToCallee, "every packet from the caller reaches the callee: " + all);
        assertEquals(calleeToRelay, relayToCaller, "every echoed packet reaches the caller: " + all);
        assertEquals(callerToRelay, calleeToRelay, "the callee echoed everything: " + all);
        assertEquals(0, UdpFlow.packetsBetween(flows, uacMedia, uasMedia) + UdpFlow.packetsBetween(flows, uasMedia, uacMedia),
                "no media may bypass the relay: " + all);
        // Forwarded unchanged: the callee receives the caller's SSRC and payload type.
        RtpStream fromCaller = streams.stream().filter(s -> s.between(uacMedia, relay)).findFirst()
                .orElseThrow(() -> new AssertionError("no RTP stream caller -> callrec among " + streams));
        RtpStream toCallee = streams.stream().filter(s -> s.between(relay, uasMedia)).findFirst()
                .orElseThrow(() -> new AssertionError("no RTP stream callrec -> callee among " + streams));
        assertEquals(fromCaller.ssrc(), toCallee.ssrc(), streams.toString());
        assertEquals(fromCaller.payload(), toCallee.payload());
        assertEquals(0, toCallee.lost());

        String line = callrec.awaitLog("call=\\S+ a=\\S+ b=\\S+ ended: BYE from caller.*", Duration.ofSeconds(5));
        assertFalse(line.contains("a=? ") || line.contains("b=null"), "both Call-IDs are logged: " + line);
        JsonNode h = afterTheLinger();
        assertEquals(totalBefore + 1, h.at("/calls/total").asLong(), h.toString());
        assertEquals(0, h.at("/calls/active").asInt(), h.toString());
        assertEquals(0, h.at("/relay/portsInUse").asInt(), "every port is freed at the end: " + h);
        assertTrue(h.at("/relay/totals/packets").asLong() >= 2 * callerToRelay, h.toString());
    }

    @Test
    void testersBuiltInSippScenariosCompleteThroughTheServer(TestInfo test) {
        // The README's tester commands: SIPp's own uac and uas, nothing of ours.
        Path dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.builtin("uas").logDir(dir).calls(3).start();
             Sipp uac = Sipp.builtin("uac").logDir(dir)
                     .outboundProxy(callrec.sipPort()).remote(uas.localPort()).calls(3).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
        }
    }

    @Test
    void cancelBeforeAnswerReachesTheCalleeAndEndsWith487(TestInfo test) throws InterruptedException {
        Path dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.scenario("uas_ringing.xml").logDir(dir).start();
             Sipp uac = Sipp.scenario("uac_cancel.xml").logDir(dir).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), "the callee got a CANCEL and answered 487\n" + uas.report());
        }
        callrec.awaitLog("ended: cancelled by caller", Duration.ofSeconds(5));
        assertEquals(0, afterTheLinger().at("/relay/portsInUse").asInt());
    }

    @Test
    void busyCalleeIsRelayedWithItsCode(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.scenario("uas_busy.xml").logDir(dir).start();
             Sipp uac = Sipp.scenario("uac_expect_486.xml").logDir(dir).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report());
        }
        callrec.awaitLog("ended: failed 486 Busy Here", Duration.ofSeconds(5));
    }

    @Test
    void calleeHangsUpAndTheCallerGetsTheBye(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.scenario("uas_bye.xml").logDir(dir).rtpEcho().pauseMillis(1500).start();
             Sipp uac = Sipp.scenario("uac_recv_bye.xml").logDir(dir).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).pcapAudio(MediaFiles.SIPP_G711A_PCAP).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report());
        }
        callrec.awaitLog("ended: BYE from callee", Duration.ofSeconds(5));
    }

    @Test
    void holdAndResumeByReInviteAreRelayedWithTheirDirections(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.scenario("uas_reinvite.xml").logDir(dir).rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_reinvite_hold.xml").logDir(dir).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).pcapAudio(MediaFiles.SIPP_G711A_PCAP).pauseMillis(600).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report());
            assertTrue(uas.logs().contains("HOLD_OFFER a=sendonly") && uas.logs().contains("RESUME_OFFER a=sendrecv"),
                    uas.logs());
            assertTrue(uac.logs().contains("HOLD_ANSWER a=recvonly") && uac.logs().contains("RESUME_ANSWER a=sendrecv"),
                    uac.logs());
        }
    }

    @Test
    void lateOfferCallCarriesTheAnswerInTheAckAndMediaBothWays(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        PortRange uacMedia = Ports.freeEvenUdpRange(4);
        PortRange uasMedia = Ports.freeEvenUdpRange(4);
        List<UdpFlow> flows;
        try (Capture capture = Capture.onLoopback(dir.resolve("rtp.pcap"),
                Capture.udpPortRanges(uacMedia, uasMedia, callrec.rtpPorts()));
             Sipp uas = Sipp.scenario("uas_late_offer.xml").logDir(dir).mediaPort(uasMedia.low()).rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_late_offer.xml").logDir(dir).mediaPort(uacMedia.low())
                     .outboundProxy(callrec.sipPort()).remote(uas.localPort())
                     .pcapAudio(MediaFiles.shortG711a()).pauseMillis(3000).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), "the callee checks that the ACK carries the answer\n" + uas.report());
            flows = capture.flows();
        }
        long sent = UdpFlow.packetsBetween(flows, uacMedia, callrec.rtpPorts());
        assertTrue(sent >= 20, flows.toString());
        assertEquals(sent, UdpFlow.packetsBetween(flows, callrec.rtpPorts(), uasMedia), flows.toString());
        assertEquals(sent, UdpFlow.packetsBetween(flows, callrec.rtpPorts(), uacMedia), flows.toString());
    }

    @Test
    void infoPackagesAreNegotiatedPerLegWithCallrecAsTheServersOwn(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.scenario("uas_info_packages.xml").logDir(dir).start();
             // -aa: it declares callrec, so the server sends it storage-status INFOs, which SIPp answers 200
             Sipp uac = Sipp.scenario("uac_info_packages.xml").logDir(dir).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).args("-aa").run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report() + callrec.logTail());
            String callee = uas.logs().replaceAll("[ \\t]+", " ");
            String caller = uac.logs().replaceAll("[ \\t]+", " ");
            assertTrue(callee.contains("OFFER_RECV_INFO callrec, foo"), callee);
            assertTrue(callee.contains("INFO bar hello bar"), callee);
            assertTrue(caller.contains("ANSWER_RECV_INFO callrec, bar"), caller);
            assertTrue(caller.contains("BAD_INFO_RECV_INFO callrec, bar"), caller);
        }
    }

    @Test
    void infoMessageUpdateAndAddedVideoAreRelayedInsideTheDialog(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.scenario("uas_in_dialog.xml").logDir(dir).start();
             Sipp uac = Sipp.scenario("uac_in_dialog.xml").logDir(dir).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report() + callrec.logTail());
            String calleeSaw = uas.logs();
            assertTrue(calleeSaw.contains("INFO_BODY Signal=5"), calleeSaw);
            assertTrue(calleeSaw.contains("MESSAGE_BODY hello through the B2BUA"), calleeSaw);
            assertFalse(calleeSaw.contains("not really UTF-16"), "a body in UTF-16 is refused, not relayed");
            callrec.awaitLog(".*MESSAGE refused: its body's charset UTF-16 cannot be relayed.*", Duration.ofSeconds(5));
            // The added video stream is anchored too: each side is offered one of our ports, not the other's.
            assertTrue(relayPort(calleeSaw, "VIDEO_OFFER m=video (\\d+)"), calleeSaw);
            assertTrue(relayPort(uac.logs(), "VIDEO_ANSWER m=video (\\d+)"), uac.logs());
            assertTrue(relayPort(calleeSaw, "UPDATE_OFFER m=audio (\\d+)"), calleeSaw);
            // RFC 6086: the server is the callrec package's endpoint on each leg and declares it in everything it
            // sends that may carry Recv-Info: the re-INVITE and UPDATE to the callee, their 200s to the caller.
            SippTrace callee = SippTrace.parse(uas.messages());
            SippTrace caller = SippTrace.parse(uac.messages());
            List<SippTrace.Message> toCallee = callee.select(m -> m.received()
                    && (m.isRequest("INVITE") || m.isRequest("UPDATE")));
            List<SippTrace.Message> toCaller = caller.select(m -> m.received() && m.isResponse(200)
                    && m.header("CSeq").orElse("").matches("\\d+ (INVITE|UPDATE)"));
            assertEquals(2, toCallee.stream().filter(m -> m.isRequest("INVITE")).map(m -> m.header("CSeq")).distinct()
                    .count(), callee.summary());
            assertEquals(1, toCallee.stream().filter(m -> m.isRequest("UPDATE")).map(m -> m.header("CSeq")).distinct()
                    .count(), callee.summary());
            assertEquals(Set.of("1 INVITE", "5 INVITE", "6 UPDATE"),
                    toCaller.stream().map(m -> m.header("CSeq").orElse("")).collect(Collectors.toSet()), caller.summary());
            for (SippTrace.Message m : concat(toCallee, toCaller)) {
                assertTrue(String.join(",", m.headerValues("Recv-Info")).contains("callrec"),
                        "Recv-Info: callrec in " + m.firstLine() + " / " + m.header("CSeq").orElse("") + "\n" + m.text());
            }
        }
    }

    @Test
    void reliableRingingFromTheCalleeIsPrackedPerLeg(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp uas = Sipp.scenario("uas_100rel.xml").logDir(dir).start();
             Sipp uac = Sipp.scenario("uac_100rel.xml").logDir(dir).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), "the callee needs the PRACK before it answers\n" + uas.report());
            assertTrue(uas.logs().contains("INVITE_SUPPORTS 100rel"), uas.logs());
            assertTrue(uas.logs().contains("PRACK_RACK 1 1 INVITE"), uas.logs());
        }
    }

    @Test
    void aRegisteredUaBehindNatIsReachedAtTheAddressItRegisteredFrom(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        int flowPort = Ports.freeUdpTcpPort();
        int unreachableContactPort = Ports.freeUdpTcpPort();
        try (Sipp register = Sipp.scenario("uac_register_nat.xml").logDir(dir).localPort(flowPort).service("natted")
                .key("contact_addr", "127.0.0.2:" + unreachableContactPort)
                .outboundProxy(callrec.sipPort()).remote(callrec.sipPort()).run()) {
            assertEquals(0, register.exitCode(), register.report() + callrec.logTail());
        }
        // The phone keeps its NAT binding: the next thing listening on that flow is the phone itself.
        try (Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).localPort(flowPort).start();
             Sipp uac = Sipp.scenario("uac_pcap.xml").logDir(dir).service("natted").outboundProxy(callrec.sipPort())
                     .remote(callrec.sipPort()).pcapAudio(MediaFiles.shortG711a()).pauseMillis(500).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report());
            assertTrue(uas.messages().contains("INVITE sip:natted@127.0.0.2:" + unreachableContactPort),
                    "the Request-URI stays the registered Contact\n" + uas.messages());
        }
    }

    private boolean relayPort(String log, String regex) {
        Matcher m = Pattern.compile(regex).matcher(log);
        return m.find() && callrec.rtpPorts().contains(Integer.parseInt(m.group(1)));
    }

    /**
     * The health once a hung-up call's ports are back: after a BYE or CANCEL the relay keeps them while packets were
     * still arriving (B2bua.MEDIA_LINGER, 500 ms), so "freed" is checked within a few times that, not at once.
     */
    private static List<SippTrace.Message> concat(List<SippTrace.Message> a, List<SippTrace.Message> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    private JsonNode afterTheLinger() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        JsonNode h = health();
        while (h.at("/relay/portsInUse").asInt() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            h = health();
        }
        return h;
    }

    private JsonNode health() {
        try {
            return JSON.readTree(callrec.health());
        } catch (Exception e) {
            throw new AssertionError("health is not JSON", e);
        }
    }
}
