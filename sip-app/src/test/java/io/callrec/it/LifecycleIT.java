package io.callrec.it;

import io.callrec.testing.ExternalCommand;
import io.callrec.testing.CommandResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Ports;
import io.callrec.it.support.SipProbe;
import io.callrec.it.support.SipResponse;
import io.callrec.it.support.Sipp;
import io.callrec.it.support.SippTrace;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server's life as a process and as a SIP element: refusing bad flags and a taken port at start,
 * draining on SIGTERM, ending calls whose media stopped or whose ACK never came, and the answers to
 * requests that belong to no call.
 */
class LifecycleIT {

    private static final Duration START_LIMIT = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(5);

    static Stream<Arguments> badFlags() {
        return Stream.of(
                Arguments.of(List.of("--sip-port", "70000"), "--sip-port"),
                Arguments.of(List.of("--rtp-ports", "20001-20000"), "--rtp-ports"),
                Arguments.of(List.of("--rtp-ports", "20000-19998"), "--rtp-ports"),
                Arguments.of(List.of("--frobnicate"), "--frobnicate"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFlags")
    void badFlagsExitWith2AndOneErrorLine(List<String> flags, String named) {
        CommandResult r = runJar(flags);
        assertEquals(2, r.exitCode(), r.describe());
        List<String> lines = r.stderr().lines().toList();
        assertEquals(1, lines.size(), "exactly one line on stderr: " + r.describe());
        assertTrue(lines.get(0).startsWith("callrec: error: "), r.describe());
        assertTrue(lines.get(0).contains(named), "the line names " + named + ": " + lines.get(0));
    }

    @Test
    void sipPortTakenExitsWith1AndOneLine(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        int sipPort = Ports.freeUdpTcpPort();
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), sipPort))) {
            CommandResult r = runJar(List.of("--sip-host", "127.0.0.1", "--sip-port", Integer.toString(sipPort),
                    "--http-port", Integer.toString(Ports.freeUdpTcpPort()),
                    "--rtp-ports", Ports.freeEvenUdpRange(10).toString(), "--storage", "file:" + dir.resolve("data")));
            assertEquals(1, r.exitCode(), r.describe());
            List<String> lines = r.stderr().lines().toList();
            assertEquals(1, lines.size(), "exactly one line on stderr: " + r.describe());
            assertTrue(lines.get(0).startsWith("callrec: cannot start: "), r.describe());
            assertTrue(lines.get(0).contains("in use"), r.describe());
        }
    }

    @Test
    void takenPortErrorNamesTheAddressThatIsTaken(TestInfo test) throws Exception {
        // The server binds RTP, SIP and HTTP ports: the operator must see which one is in use.
        Path dir = ItDirs.logDir(test);
        int sipPort = Ports.freeUdpTcpPort();
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), sipPort))) {
            CommandResult r = runJar(List.of("--sip-host", "127.0.0.1", "--sip-port", Integer.toString(sipPort),
                    "--http-port", Integer.toString(Ports.freeUdpTcpPort()),
                    "--rtp-ports", Ports.freeEvenUdpRange(10).toString(), "--storage", "file:" + dir.resolve("data")));
            assertEquals(1, r.exitCode(), r.describe());
            assertTrue(r.stderr().contains("127.0.0.1:" + sipPort), "the error names 127.0.0.1:" + sipPort + ": "
                    + r.stderr());
        }
    }

    @Test
    void sigtermWithACallUpSendsByeToBothPartiesAndExits0(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        Duration drain = Duration.ofSeconds(10);
        CallrecProcess callrec = CallrecProcess.builder(dir).args("--drain-timeout", drain.toSeconds() + "s").start();
        List<SipResponse> drainAnswers = new ArrayList<>();
        try (Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_recv_bye.xml").logDir(dir).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).pcapAudio(MediaFiles.SIPP_G711A_PCAP).start();
             SipProbe probe = SipProbe.udp(callrec.sipPort())) {
            callrec.awaitLog(" confirmed$", ANSWER);
            long signalled = System.nanoTime();
            callrec.sigterm();
            // New INVITEs while the server drains: before the signal is handled they get the 404 of an
            // unknown user, while draining 503, after the stack stopped nothing.
            OptionalInt exit = OptionalInt.empty();
            for (int i = 0; exit.isEmpty() && i < 500; i++) {
                probe.send(probe.request("INVITE").requestLine("INVITE sip:nobody@127.0.0.1:" + callrec.sipPort()
                        + " SIP/2.0"));
                probe.receive(Duration.ofMillis(20)).ifPresent(drainAnswers::add);
                exit = callrec.awaitExit(Duration.ofMillis(1));
            }
            drainAnswers.addAll(probe.receiveUntilQuiet(Duration.ofMillis(100)));
            exit = exit.isPresent() ? exit : callrec.awaitExit(drain.plusSeconds(5));
            Duration took = Duration.ofNanos(System.nanoTime() - signalled);
            assertEquals(OptionalInt.of(0), exit, "a drained server exits 0\n" + callrec.logTail());
            assertTrue(took.compareTo(drain) < 0, "exited within the drain time: " + took);
            assertEquals(0, uac.exitCode(), "the caller got a BYE\n" + uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), "the callee got a BYE\n" + uas.report() + callrec.logTail());
        } finally {
            callrec.stop();
        }
        String log = callrec.logText();
        assertTrue(log.contains("shutting down: 1 active calls"), callrec.logTail());
        assertTrue(log.contains("ended: server shutdown"), callrec.logTail());
        assertTrue(log.contains("callrec stopped"), callrec.logTail());
        // The probe sends 50 INVITEs a second, so past its burst the rate limit answers 503 "Rate Limited" too.
        Optional<SipResponse> unavailable = drainAnswers.stream()
                .filter(r -> r.status() == 503 && !r.reason().equals("Rate Limited")).findFirst();
        assertTrue(unavailable.isPresent(), "an INVITE during the drain got 503: " + drainAnswers);
        assertTrue(unavailable.get().header("Retry-After").isPresent(), unavailable.get().raw());
        assertTrue(drainAnswers.stream().allMatch(r -> r.status() == 404 || r.status() == 503), drainAnswers.toString());
    }

    @Test
    void callWithoutRtpIsEndedOnBothLegsAfterTheRtpTimeout(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).args("--rtp-timeout", "2s").start();
             Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).start();
             Sipp uac = Sipp.scenario("uac_silent_recv_bye.xml").logDir(dir).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).timeout(Duration.ofSeconds(20)).run()) {
            assertEquals(0, uac.exitCode(), "the caller got a BYE\n" + uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), "the callee got a BYE\n" + uas.report() + callrec.logTail());
            callrec.awaitLog("ended: RTP inactive for \\d+ s", ANSWER);
            for (Sipp party : List.of(uac, uas)) {
                SippTrace trace = SippTrace.parse(party.messages());
                SippTrace.Message answer = trace.select(m -> m.isResponse(200) && m.text().contains("CSeq: 1 INVITE"))
                        .get(0);
                SippTrace.Message bye = trace.received("BYE").get(0);
                Duration silence = Duration.between(answer.time(), bye.time());
                assertTrue(silence.toMillis() >= 1_900 && silence.toMillis() <= 5_500,
                        "BYE " + silence + " after the answer\n" + trace.summary());
            }
            assertEquals(0, callrec.healthJson().at("/relay/portsInUse").asInt());
        }
    }

    @Test
    void callWhoseAckNeverComesIsEndedOnBothLegsAfterAbout32Seconds(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).timeout(Duration.ofSeconds(60)).start();
             Sipp uac = Sipp.scenario("uac_no_ack.xml").logDir(dir).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).timeout(Duration.ofSeconds(60)).run()) {
            assertEquals(0, uac.exitCode(), "the caller got a BYE\n" + uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), "the callee got an ACK, then a BYE\n" + uas.report() + callrec.logTail());
            SippTrace caller = SippTrace.parse(uac.messages());
            Duration unacknowledged = Duration.between(caller.received("SIP/2.0 200").get(0).time(),
                    caller.received("BYE").get(0).time());
            assertTrue(unacknowledged.toSeconds() >= 31 && unacknowledged.toSeconds() <= 40,
                    "BYE " + unacknowledged + " after the first 200\n" + caller.summary());
            SippTrace callee = SippTrace.parse(uas.messages());
            List<String> calleeGot = callee.select(SippTrace.Message::received).stream()
                    .map(m -> m.firstLine().split(" ")[0]).toList();
            assertEquals(List.of("INVITE", "ACK", "BYE"), calleeGot, callee.summary());
            callrec.awaitLog("ended: (dialog timeout|no ACK)", ANSWER);
        }
    }

    @Test
    void requestsOutsideAnyCallAreAnsweredPerRfc3261(TestInfo test) {
        try (CallrecProcess callrec = CallrecProcess.builder(ItDirs.logDir(test)).start()) {
            for (boolean tcp : new boolean[] {false, true}) {
                try (SipProbe probe = tcp ? SipProbe.tcp(callrec.sipPort()) : SipProbe.udp(callrec.sipPort())) {
                    String over = " over " + probe.transport();
                    probe.send(probe.request("OPTIONS"));
                    SipResponse options = answer(probe, callrec, "OPTIONS");
                    assertEquals(200, options.status(), options.raw());
                    assertTrue(options.header("Allow").orElse("").contains("INVITE"), options.raw());
                    assertTrue(options.header("Supported").isPresent(), "OPTIONS" + over + ": " + options.raw());

                    // RFC 3261 9.2: a CANCEL matching no transaction SHOULD get 481; 200 is what a UAS
                    // answers when the INVITE it cancels already has its final response.
                    probe.send(probe.request("CANCEL"));
                    SipResponse cancel = answer(probe, callrec, "CANCEL");
                    assertTrue(cancel.status() == 481 || cancel.status() == 200, "CANCEL" + over + ": " + cancel.raw());

                    // RFC 3261 12.2.2: an in-dialog request (To tag) for no dialog gets 481.
                    probe.send(probe.request("BYE").replace("To", "<sip:probe-target@127.0.0.1:" + callrec.sipPort()
                            + ">;tag=made-up-tag"));
                    SipResponse bye = answer(probe, callrec, "BYE");
                    assertEquals(481, bye.status(), "BYE" + over + ": " + bye.raw());
                }
            }
            assertTrue(callrec.isAlive());
            assertEquals(0, callrec.healthJson().at("/calls/total").asInt());
        }
    }

    private static SipResponse answer(SipProbe probe, CallrecProcess callrec, String method) {
        SipResponse r = probe.receiveFinal(ANSWER).orElseThrow(() -> new AssertionError(
                method + " over " + probe.transport() + " unanswered\n" + callrec.logTail()));
        assertEquals(method, r.cseqMethod(), r.raw());
        return r;
    }

    /** {@code java -jar callrec.jar FLAGS} to its end, stdout and stderr apart. */
    private static CommandResult runJar(List<String> flags) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ItDirs.callrecJar().toString()));
        cmd.addAll(flags);
        return ExternalCommand.run(START_LIMIT, cmd);
    }
}
