package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.Capture;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.LocalSockets;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.PortRange;
import io.callrec.it.support.Ports;
import io.callrec.it.support.RtpStream;
import io.callrec.it.support.SipProbe;
import io.callrec.it.support.SipResponse;
import io.callrec.it.support.Sipp;
import io.callrec.it.support.UdpFlow;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * What an attacker or a broken peer can throw at the SIP port (raw UDP datagrams and TCP streams
 * from Java, no SIPp) and at the RTP ports during a call. Each bad message gets a 400 where the
 * stack can answer, or nothing; the server must keep serving: {@code OPTIONS} answered on UDP and
 * TCP, calls completing, {@code /health} 200.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {

    /** How long "no answer" is waited for: the server answers a good OPTIONS within milliseconds. */
    private static final Duration QUIET = Duration.ofSeconds(1);
    private static final Duration ANSWER = Duration.ofSeconds(5);
    /** Fixed, so a failure can be replayed with the same bytes. */
    private static final long SEED = 20_261_125L;

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

    /** A kind of bad input: the bytes to send from a given probe (they may name its port). */
    private record BadInput(String name, Function<SipProbe, byte[]> bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final BadInput GARBAGE = new BadInput("random bytes", probe -> randomBytes(new Random(SEED), 300));
    private static final BadInput NO_VIA = new BadInput("OPTIONS without Via",
            probe -> probe.request("OPTIONS").remove("Via").bytes());
    private static final BadInput BAD_CSEQ = new BadInput("INVITE with CSeq: abc INVITE",
            probe -> probe.request("INVITE").replace("CSeq", "abc INVITE").bytes());
    private static final BadInput LONG_CONTENT_LENGTH = new BadInput("Content-Length 500 for a 10-byte body",
            probe -> probe.request("OPTIONS").body("text/plain", "0123456789").contentLength(500).bytes());
    private static final BadInput NUL_IN_REQUEST_LINE = new BadInput("NUL in the method",
            probe -> withNul(probe.request("OPTIONS").bytes(), 3));
    private static final BadInput NUL_IN_HEADER = new BadInput("NUL in a Subject value",
            probe -> probe.request("OPTIONS").header("Subject", "a\u0000b").bytes());

    /** Everything whose only acceptable answers are 400 or silence. */
    private static final List<BadInput> REFUSED = List.of(GARBAGE, NO_VIA, BAD_CSEQ, NUL_IN_REQUEST_LINE);

    @Test
    void unparseableRequestsGet400OrNothingOverUdp() {
        for (BadInput input : REFUSED) {
            try (SipProbe probe = SipProbe.udp(callrec.sipPort())) {
                probe.send(input.bytes().apply(probe));
                assertNothingOr400(probe.receive(QUIET), input + " over UDP");
            }
        }
        assertStillServing();
    }

    @Test
    void unparseableRequestsGet400OrNothingOverTcp() {
        for (BadInput input : REFUSED) {
            try (SipProbe probe = SipProbe.tcp(callrec.sipPort())) {
                probe.send(input.bytes().apply(probe));
                assertNothingOr400(probe.receive(QUIET), input + " over TCP");
            }
        }
        assertStillServing();
    }

    @Test
    void every400IsAWellFormedResponse() {
        // A 400 must itself be valid SIP (RFC 3261 7.2, 25.1): no control characters in the reason
        // phrase (bytes of the bad request echoed there can inject lines), headers ending with the
        // blank line before the body. Checked for every bad request the stack answers.
        List<String> malformed = new ArrayList<>();
        for (BadInput input : List.of(BAD_CSEQ, LONG_CONTENT_LENGTH, NUL_IN_REQUEST_LINE)) {
            try (SipProbe probe = SipProbe.udp(callrec.sipPort())) {
                probe.send(input.bytes().apply(probe));
                probe.receive(QUIET).ifPresent(r -> {
                    if (!r.formatProblems().isEmpty()) {
                        malformed.add(input + " -> " + r.formatProblems() + "\n" + SipResponse.printable(r.raw()));
                    }
                });
            }
        }
        assertTrue(malformed.isEmpty(), "malformed answers:\n" + String.join("\n\n", malformed));
    }

    @Test
    void contentLengthLargerThanTheBodyOverUdpIs400OrNothing() {
        // RFC 3261 18.3: a datagram that ends before the declared body is an error; SHOULD be 400.
        try (SipProbe probe = SipProbe.udp(callrec.sipPort())) {
            probe.send(LONG_CONTENT_LENGTH.bytes().apply(probe));
            assertNothingOr400(probe.receive(QUIET), LONG_CONTENT_LENGTH + " over UDP");
        }
        assertStillServing();
    }

    @Test
    void tcpConnectionWaitingForTheRestOfABodyHoldsUpNothingElse(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (SipProbe stalled = SipProbe.tcp(callrec.sipPort())) {
            stalled.send(LONG_CONTENT_LENGTH.bytes().apply(stalled));
            assertEquals(Optional.empty(), stalled.receive(QUIET), "the server waits for the 490 missing bytes");
            assertStillServing();
            try (Sipp uas = Sipp.builtin("uas").logDir(dir).start();
                 Sipp uac = Sipp.builtin("uac").logDir(dir).outboundProxy(callrec.sipPort()).remote(uas.localPort())
                         .run()) {
                assertEquals(0, uac.exitCode(), "a call completes while the connection waits\n" + uac.report()
                        + callrec.logTail());
            }
        }
    }

    @Test
    void tcpConnectionThatNeverCompletesItsMessageIsClosed() {
        // SipServer sets READ_TIMEOUT to 1 s so that "a slow-loris TCP peer must not hold a connection
        // forever"; a peer that stops in the middle of a message is given 10 s here.
        Duration limit = Duration.ofSeconds(10);
        try (SipProbe stalled = SipProbe.tcp(callrec.sipPort())) {
            stalled.send(LONG_CONTENT_LENGTH.bytes().apply(stalled));
            long start = System.nanoTime();
            boolean closed = stalled.awaitClosedByServer(limit);
            assertTrue(closed, "the connection still open " + Duration.ofNanos(System.nanoTime() - start).toMillis()
                    + " ms after a request stopped 490 bytes short of its Content-Length");
        }
        assertStillServing();
    }

    @Test
    void contentLengthSmallerThanTheBodyTakesTheDeclaredBytes() {
        // RFC 3261 18.3: over UDP the bytes after the declared body are discarded; over TCP they
        // begin the next message. Either way the OPTIONS itself is answered.
        for (boolean tcp : new boolean[] {false, true}) {
            try (SipProbe probe = tcp ? SipProbe.tcp(callrec.sipPort()) : SipProbe.udp(callrec.sipPort())) {
                probe.send(probe.request("OPTIONS").body("text/plain", "0123456789abcdefghij").contentLength(5));
                SipResponse r = probe.receive(ANSWER).orElseThrow(() -> new AssertionError(
                        "no answer over " + probe.transport() + "\n" + callrec.logTail()));
                assertEquals(200, r.status(), probe.transport() + ": " + r.raw());
            }
        }
        assertStillServing();
    }

    @Test
    void messageOverTheSizeLimitIsRefusedOverTcp() {
        // 100 KB cannot travel in one UDP datagram (65,507 bytes at most), so the limit is met on TCP.
        try (SipProbe probe = SipProbe.tcp(callrec.sipPort())) {
            probe.send(probe.request("OPTIONS").body("text/plain", "x".repeat(100_000)));
            Optional<SipResponse> r = probe.receive(ANSWER);
            assertTrue(r.isEmpty() || r.get().status() >= 400, "a 100 KB OPTIONS must not be served: " + r);
            assertTrue(probe.awaitClosedByServer(ANSWER), "the server drops the connection of an oversized message");
        }
        assertStillServing();
    }

    @Test
    void twoHundredViaHeadersAreAnsweredWithAllOfThemOrRefused() {
        for (boolean tcp : new boolean[] {false, true}) {
            try (SipProbe probe = tcp ? SipProbe.tcp(callrec.sipPort()) : SipProbe.udp(callrec.sipPort())) {
                SipProbe.RequestText request = probe.request("OPTIONS");
                String top = request.value("Via").orElseThrow();
                request.remove("Via").header("Via", top);
                for (int i = 1; i < 200; i++) {
                    request.header("Via", "SIP/2.0/UDP 127.0.0." + (1 + i % 200) + ":5060;branch=z9hG4bK-hop-" + i);
                }
                probe.send(request);
                Optional<SipResponse> r = probe.receive(ANSWER);
                if (r.isPresent() && r.get().status() == 200) {
                    // RFC 3261 8.2.6.2: a response copies every Via of the request (one header or comma-joined).
                    long vias = r.get().headerValues("Via").stream().flatMap(v -> Stream.of(v.split(","))).count();
                    assertEquals(200, vias, probe.transport() + ": Via values in the 200");
                } else {
                    assertTrue(r.isEmpty() || List.of(400, 413, 513).contains(r.get().status()),
                            probe.transport() + ": " + r);
                }
            }
        }
        assertStillServing();
    }

    @Test
    void nulInAHeaderValueIsAnsweredOrRefusedButNeverBreaksTheServer() {
        for (boolean tcp : new boolean[] {false, true}) {
            try (SipProbe probe = tcp ? SipProbe.tcp(callrec.sipPort()) : SipProbe.udp(callrec.sipPort())) {
                probe.send(NUL_IN_HEADER.bytes().apply(probe));
                Optional<SipResponse> r = probe.receive(QUIET);
                // NUL is not allowed in SIP text (RFC 3261 25.1), but tolerating it in a Subject is harmless.
                assertTrue(r.isEmpty() || r.get().status() == 200 || r.get().status() == 400,
                        probe.transport() + ": " + r);
            }
        }
        assertStillServing();
    }

    @Test
    void afterEveryKindOfBadInputACallStillCompletes(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        List<BadInput> all = new ArrayList<>(REFUSED);
        all.addAll(List.of(LONG_CONTENT_LENGTH, NUL_IN_HEADER));
        for (BadInput input : all) {
            try (SipProbe udp = SipProbe.udp(callrec.sipPort()); SipProbe tcp = SipProbe.tcp(callrec.sipPort())) {
                udp.send(input.bytes().apply(udp));
                tcp.send(input.bytes().apply(tcp));
                udp.receiveUntilQuiet(Duration.ofMillis(200));
                tcp.receiveUntilQuiet(Duration.ofMillis(200));
            }
        }
        try (SipProbe big = SipProbe.tcp(callrec.sipPort())) {
            big.send(big.request("OPTIONS").body("text/plain", "x".repeat(100_000)));
            big.awaitClosedByServer(ANSWER);
        }
        try (Sipp uas = Sipp.builtin("uas").logDir(dir).start();
             Sipp uac = Sipp.builtin("uac").logDir(dir).outboundProxy(callrec.sipPort()).remote(uas.localPort()).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report());
        }
        assertStillServing();
        assertTrue(callrec.isAlive());
    }

    @Test
    void garbageAndStrangerRtpDuringACallIsDroppedCountedAndNotForwarded(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        PortRange uacMedia = Ports.freeEvenUdpRange(4);
        PortRange uasMedia = Ports.freeEvenUdpRange(4);
        PortRange relay = callrec.rtpPorts();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        JsonNode before = callrec.healthJson();
        int malformedSent = 0;
        int strangerSent = 0;
        int strangerPort;
        List<UdpFlow> flows;
        List<RtpStream> streams;
        try (Capture capture = Capture.onLoopback(dir.resolve("rtp.pcap"),
                Capture.udpPortRanges(uacMedia, uasMedia, relay));
             Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).mediaPort(uasMedia.low()).rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_pcap.xml").logDir(dir).mediaPort(uacMedia.low())
                     .outboundProxy(callrec.sipPort()).remote(uas.localPort())
                     .pcapAudio(MediaFiles.shortG711a()).pauseMillis(3000).start();
             DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            strangerPort = stranger.getLocalPort();
            // Both parties latched: caller's packets forwarded, and (loopback echo is immediate) the callee's.
            awaitHealth(h -> h.at("/relay/totals/packets").asLong() - before.at("/relay/totals/packets").asLong() >= 30,
                    "media flowing both ways");
            // The earlier test's call may still hold a port for a moment: the relay closes a socket's kernel side
            // only in its next select after the call ended.
            List<Integer> callPorts = List.of();
            for (long deadline = System.nanoTime() + 5_000_000_000L; System.nanoTime() < deadline; Thread.sleep(50)) {
                callPorts = IntStream.rangeClosed(relay.low(), relay.high()).filter(LocalSockets::udpBound).boxed()
                        .toList();
                if (callPorts.size() == 4) {
                    break;
                }
            }
            assertEquals(4, callPorts.size(), "an RTP/RTCP pair per leg is bound: " + callPorts);
            Random random = new Random(SEED);
            for (int port : callPorts) {
                InetSocketAddress target = new InetSocketAddress(loopback, port);
                for (int i = 0; i < 3; i++) {
                    byte[] junk = randomBytes(random, 40 + random.nextInt(200));
                    // 64..127: not RTP or RTCP (version 1), and outside DTLS's 20..63 (RFC 7983), which goes to the
                    // DTLS demultiplexer and counts as dtls.stray on a leg without DTLS
                    junk[0] = (byte) (64 + (junk[0] & 0x3f));
                    stranger.send(new DatagramPacket(junk, junk.length, target));
                }
                stranger.send(new DatagramPacket(new byte[] {(byte) 0x80}, 1, target));
                stranger.send(new DatagramPacket(new byte[] {(byte) 0x80, 8, 0, 1, 0}, 5, target));
                malformedSent += 5;
                if (port % 2 == 0) {
                    for (int seq = 0; seq < 10; seq++) {
                        byte[] rtp = strangerRtp(seq);
                        stranger.send(new DatagramPacket(rtp, rtp.length, target));
                        strangerSent++;
                    }
                }
            }
            int malformed = malformedSent;
            int strangers = strangerSent;
            JsonNode counted = awaitHealth(h -> delta(h, before, "droppedMalformed") >= malformed
                    && delta(h, before, "droppedStranger") >= strangers, "the relay counting every bad packet");
            assertEquals(malformed, delta(counted, before, "droppedMalformed"), counted.toString());
            assertEquals(strangers, delta(counted, before, "droppedStranger"), counted.toString());

            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report() + callrec.logTail());
            flows = capture.flows();
            streams = capture.rtpStreams();
        }
        String all = flows.toString();
        PortRange strangerRange = PortRange.of(strangerPort, 1);
        assertEquals(malformedSent + strangerSent, UdpFlow.packetsBetween(flows, strangerRange, relay),
                "the capture saw what was sent: " + all);
        assertEquals(0, UdpFlow.packetsBetween(flows, relay, strangerRange), "nothing goes back to the stranger: " + all);
        long callerToRelay = UdpFlow.packetsBetween(flows, uacMedia, relay);
        long calleeToRelay = UdpFlow.packetsBetween(flows, uasMedia, relay);
        assertTrue(callerToRelay >= 20, all);
        assertEquals(callerToRelay, UdpFlow.packetsBetween(flows, relay, uasMedia),
                "the callee got the caller's packets and nothing else: " + all);
        assertEquals(calleeToRelay, UdpFlow.packetsBetween(flows, relay, uacMedia),
                "the caller got the callee's packets and nothing else: " + all);
        long strangerSsrc = ByteBuffer.wrap(strangerRtp(0)).getInt(8) & 0xffffffffL;
        for (RtpStream s : streams) {
            if (s.ssrc() == strangerSsrc) {
                assertTrue(s.srcPort() == strangerPort && relay.contains(s.dstPort()), "RTP bleed: " + s + " in " + streams);
            }
        }
        assertStillServing();
    }

    // ------------------------------------------------------------------ helpers

    private void assertNothingOr400(Optional<SipResponse> answer, String what) {
        answer.ifPresent(r -> assertEquals(400, r.status(), what + " answered " + r + "\n" + r.raw()));
        assertTrue(callrec.isAlive(), what + " ended the server\n" + callrec.logTail());
    }

    /** OPTIONS answered 200 with Allow and Supported on UDP and TCP, and {@code /health} 200. */
    private void assertStillServing() {
        for (boolean tcp : new boolean[] {false, true}) {
            try (SipProbe probe = tcp ? SipProbe.tcp(callrec.sipPort()) : SipProbe.udp(callrec.sipPort())) {
                probe.send(probe.request("OPTIONS"));
                SipResponse r = probe.receive(ANSWER).orElseThrow(() -> new AssertionError(
                        "OPTIONS over " + probe.transport() + " unanswered\n" + callrec.logTail()));
                assertEquals(200, r.status(), r.raw());
                assertTrue(r.header("Allow").orElse("").contains("INVITE"), r.raw());
                assertTrue(r.header("Supported").isPresent(), r.raw());
            }
        }
        assertEquals("up", callrec.healthJson().at("/status").asText());
    }

    private JsonNode awaitHealth(java.util.function.Predicate<JsonNode> condition, String what) {
        long deadline = System.nanoTime() + ANSWER.toNanos();
        while (true) {
            JsonNode h = callrec.healthJson();
            if (condition.test(h)) {
                return h;
            }
            if (System.nanoTime() > deadline) {
                fail("no " + what + " within " + ANSWER + ": " + h + "\n" + callrec.logTail());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private static long delta(JsonNode after, JsonNode before, String total) {
        return after.at("/relay/totals/" + total).asLong() - before.at("/relay/totals/" + total).asLong();
    }

    /** A valid-looking PCMA RTP packet with SSRC 0x0BADBAD0. */
    private static byte[] strangerRtp(int seq) {
        ByteBuffer b = ByteBuffer.allocate(12 + 160);
        b.put((byte) 0x80).put((byte) 8).putShort((short) seq).putInt(seq * 160).putInt(0x0BADBAD0);
        while (b.hasRemaining()) {
            b.put((byte) 0xd5);
        }
        return b.array();
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    private static byte[] withNul(byte[] message, int at) {
        byte[] copy = message.clone();
        copy[at] = 0;
        return copy;
    }
}
