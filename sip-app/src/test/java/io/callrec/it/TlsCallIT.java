package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Ports;
import io.callrec.it.support.SipProbe;
import io.callrec.it.support.SipResponse;
import io.callrec.it.support.Sipp;
import io.callrec.it.support.SippTrace;
import io.callrec.it.support.TlsTunnel;
import io.callrec.testing.CommandResult;
import io.callrec.testing.ExternalCommand;
import io.callrec.tls.PemFiles;
import io.callrec.tls.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * SIP over TLS through the real jar: a caller over TLS (SIPp through {@link TlsTunnel}: Debian's SIPp has no TLS)
 * registers and calls a callee over UDP with media; client certificates that are wrong or expired are refused when
 * a trust file is configured; the self-signed certificate is generated once and reused; a certificate that cannot
 * serve stops the start with one clear line.
 */
class TlsCallIT {

    private static final Duration SIPP_LIMIT = Duration.ofSeconds(20);
    private static final Duration ANSWER = Duration.ofSeconds(5);

    private final TestCertificates.Issued ca = TestCertificates.ca("callrec test CA");
    private final TestCertificates.Issued server = TestCertificates.signedBy(ca, "127.0.0.1");

    @Test
    void aCallerOverTlsRegistersAndCallsACalleeOverUdpWithMedia(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        int tlsPort = Ports.freeUdpTcpPort();
        TestCertificates.Issued client = TestCertificates.signedBy(ca, "sipp.example.com");
        try (CallrecProcess callrec = CallrecProcess.builder(dir).args(tlsArgs(dir, tlsPort)).start();
             Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).rtpEcho().timeout(SIPP_LIMIT).start();
             TlsTunnel tunnel = TlsTunnel.toTls(tlsPort, client.presentingContext(ca.certificate()));
             Sipp uac = Sipp.scenario("uac_tls.xml").logDir(dir).tcp().outboundProxy(tunnel.port())
                     .remote(uas.localPort()).service("bob").key("registrar", "127.0.0.1:" + tlsPort)
                     .pcapAudio(MediaFiles.shortG711a()).pauseMillis(1000).timeout(SIPP_LIMIT).run()) {
            SippTrace caller = SippTrace.parse(uac.messages());
            assertEquals(0, uac.exitCode(), () -> caller.summary() + uac.report() + tunnel.failures()
                    + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report() + callrec.logTail());
            assertEquals(List.of(), tunnel.failures());

            callrec.awaitLog("registered sip:sipp@127\\.0\\.0\\.1 at sip:sipp@127\\.0\\.0\\.1:" + uac.localPort()
                    + ";transport=tls via tls ", ANSWER);
            // In-dialog requests come back to us over TLS: our Contact on the caller's leg is a sips: URI on the
            // TLS port.
            SippTrace.Message ok = caller.received("SIP/2.0 200").stream()
                    .filter(m -> m.header("CSeq").orElse("").contains("INVITE")).findFirst().orElseThrow();
            assertTrue(ok.header("Contact").orElse("").contains("<sips:127.0.0.1:" + tlsPort + ">"), ok.text());
            SippTrace callee = SippTrace.parse(uas.messages());
            assertEquals(List.of("UDP"), callee.messages().stream().map(SippTrace.Message::transport).distinct()
                    .toList(), callee.summary());
            SippTrace.Message invite = callee.received("INVITE").get(0);
            assertTrue(invite.header("Via").orElse("").startsWith("SIP/2.0/UDP 127.0.0.1:" + callrec.sipPort()),
                    invite.text());
            assertTrue(invite.header("Contact").orElse("").contains("<sip:127.0.0.1:" + callrec.sipPort() + ">"),
                    invite.text());

            callrec.awaitLog("ended: BYE from caller", ANSWER);
            JsonNode health = callrec.healthJson();
            assertEquals(tlsPort, health.path("sip").path("tlsPort").asInt(), health.toString());
            // The pcap's RTP went through the relay to the callee and was echoed back: the caller hangs up 1 s into
            // its 2 s tone, so about 50 packets each way (fewer when SIPp starts late on a loaded machine).
            long relayed = health.path("relay").path("totals").path("packets").asLong();
            assertTrue(relayed > 50, "packets relayed: " + relayed + " " + health);
            assertEquals(0, callrec.stop(), callrec.logTail());
        }
    }

    @Test
    void aSipsTargetIsCalledOverTlsAndOneWithAnUntrustedCertificateIsRefusedAtOnce(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        int tlsPort = Ports.freeUdpTcpPort();
        int uasPort = Ports.freeUdpTcpPort();
        TestCertificates.Issued callee = TestCertificates.signedBy(ca, "127.0.0.1");
        TestCertificates.Issued impostor = TestCertificates.signedBy(TestCertificates.ca("Another CA"), "127.0.0.1");
        try (TlsTunnel calleeTls = TlsTunnel.fromTls(callee.presentingContext(), uasPort);
             TlsTunnel impostorTls = TlsTunnel.fromTls(impostor.presentingContext(), uasPort);
             Sipp uas = Sipp.scenario("uas_tls.xml").logDir(dir).tcp().localPort(uasPort).rtpEcho()
                     .key("contact_host_port", "127.0.0.1:" + calleeTls.port()).timeout(SIPP_LIMIT).start();
             CallrecProcess callrec = CallrecProcess.builder(dir).args(tlsArgs(dir, tlsPort))
                     .args("--route", "bob=sips:127.0.0.1:" + calleeTls.port(),
                             "--route", "mallory=sip:127.0.0.1:" + impostorTls.port() + ";transport=tls").start();
             Sipp uac = Sipp.scenario("uac_pcap.xml").logDir(dir).outboundProxy(callrec.sipPort())
                     .remote(callrec.sipPort()).service("bob").pcapAudio(MediaFiles.shortG711a()).pauseMillis(1000)
                     .timeout(SIPP_LIMIT).run()) {
            assertEquals(0, uac.exitCode(), () -> SippTrace.parse(uac.messages()).summary() + uac.report()
                    + calleeTls.failures() + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report() + callrec.logTail());
            callrec.awaitLog("-> sips:bob@127\\.0\\.0\\.1:" + calleeTls.port() + " \\(route 1\\)", ANSWER);
            SippTrace calleeTrace = SippTrace.parse(uas.messages());
            assertEquals(List.of("INVITE", "ACK", "BYE"), calleeTrace.select(SippTrace.Message::received).stream()
                    .map(m -> m.firstLine().split(" ")[0]).toList(), "all through the TLS tunnel\n"
                    + calleeTrace.summary());
            SippTrace.Message invite = calleeTrace.received("INVITE").get(0);
            assertTrue(invite.header("Via").orElse("").startsWith("SIP/2.0/TLS 127.0.0.1:" + tlsPort), invite.text());
            assertTrue(invite.header("Contact").orElse("").contains("<sips:127.0.0.1:" + tlsPort + ">"),
                    invite.text());
            assertEquals(List.of(), calleeTls.failures());

            // Our certificate check refuses the impostor's: the caller hears 503 at once, not after the setup limit.
            try (SipProbe caller = SipProbe.udp(callrec.sipPort())) {
                caller.send(caller.request("INVITE").requestLine("INVITE sip:mallory@127.0.0.1:" + callrec.sipPort()
                        + " SIP/2.0"));
                SipResponse refused = caller.receiveFinal(ANSWER).orElseThrow(() -> new AssertionError(
                        "no final answer for the impostor\n" + callrec.logTail()));
                assertEquals(503, refused.status(), refused.raw());
            }
            callrec.awaitLog("INVITE sip:mallory@127\\.0\\.0\\.1:" + impostorTls.port()
                    + ";transport=tls not sent: ", ANSWER);
            // The tunnel notes its side of the failed handshake on its own thread, maybe after our log line.
            long until = System.nanoTime() + ANSWER.toNanos();
            while (impostorTls.failures().isEmpty() && System.nanoTime() < until) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
            }
            assertFalse(impostorTls.failures().isEmpty(), "the impostor's side saw the handshake fail");
            assertEquals(0, callrec.stop(), callrec.logTail());
        }
    }

    @Test
    void wrongAndExpiredClientCertificatesAreRefusedWhenATrustFileIsConfigured(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        int tlsPort = Ports.freeUdpTcpPort();
        TestCertificates.Issued trusted = TestCertificates.signedBy(ca, "pbx.example.com");
        TestCertificates.Issued wrong = TestCertificates.signedBy(TestCertificates.ca("Another CA"), "pbx.example.com");
        TestCertificates.Issued expired = TestCertificates.expired(ca, "pbx.example.com");
        try (CallrecProcess callrec = CallrecProcess.builder(dir).args(tlsArgs(dir, tlsPort)).start()) {
            try (SipProbe probe = SipProbe.tls(tlsPort, trusted.presentingContext(ca.certificate()))) {
                assertEquals(200, options(probe, callrec).status(), callrec.logTail());
            }
            // The server's alert does not say why (the JDK sends certificate_unknown for every rejected client
            // certificate); its log does.
            assertRefused(tlsPort, wrong, "certificate_unknown", callrec);
            callrec.awaitLog("unable to find valid certification path", ANSWER);
            assertRefused(tlsPort, expired, "certificate_unknown", callrec);
            callrec.awaitLog("CertificateExpiredException", ANSWER);
            // A peer that connects and never starts its handshake does not hold a thread for long.
            try (SipProbe silent = SipProbe.tcp(tlsPort)) {
                assertTrue(silent.awaitClosedByServer(Duration.ofSeconds(10)), "silent TLS peer dropped\n"
                        + callrec.logTail());
            }
            // The server goes on serving after refusing them.
            try (SipProbe probe = SipProbe.tls(tlsPort, trusted.presentingContext(ca.certificate()))) {
                assertEquals(200, options(probe, callrec).status(), callrec.logTail());
            }
            assertEquals(0, callrec.stop(), callrec.logTail());
        }
    }

    @Test
    void theSelfSignedCertificateIsGeneratedOnceAndServesAfterARestart(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        int tlsPort = Ports.freeUdpTcpPort();
        Path data = dir.resolve("data");
        Path certificateFile = data.resolve("keys").resolve("tls-self-signed.crt");
        Path keyFile = data.resolve("keys").resolve("tls-self-signed.key");
        byte[] generated;
        Files.createDirectories(dir.resolve("first"));
        Files.createDirectories(dir.resolve("second"));
        try (CallrecProcess callrec = CallrecProcess.builder(dir.resolve("first")).dataDir(data)
                .args("--tls-self-signed", "--tls-port", Integer.toString(tlsPort)).start()) {
            callrec.awaitLog("WARN .*SELF-SIGNED certificate for 127\\.0\\.0\\.1 \\(generated .*FOR TESTING ONLY", ANSWER);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
            generated = Files.readAllBytes(certificateFile);
            assertPinnedClientIsServed(tlsPort, certificateFile, callrec);
            assertEquals(0, callrec.stop(), callrec.logTail());
        }
        try (CallrecProcess callrec = CallrecProcess.builder(dir.resolve("second")).dataDir(data)
                .args("--tls-self-signed", "--tls-port", Integer.toString(tlsPort)).start()) {
            callrec.awaitLog("SELF-SIGNED certificate for 127\\.0\\.0\\.1 \\(reused", ANSWER);
            assertArrayEquals(generated, Files.readAllBytes(certificateFile));
            assertPinnedClientIsServed(tlsPort, certificateFile, callrec);
            assertEquals(1, callrec.logText().lines().filter(l -> l.contains("SELF-SIGNED")).count(),
                    "one warning per start\n" + callrec.logTail());
            assertEquals(0, callrec.stop(), callrec.logTail());
        }
    }

    @Test
    void aCertificateThatCannotServeStopsTheStartWithOneLine(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        TestCertificates.Issued expired = TestCertificates.expired(ca, "127.0.0.1");
        Path cert = expired.writeCertificate(dir.resolve("pki/expired.crt"));
        Path key = expired.writeKey(dir.resolve("pki/expired.key"));
        Path otherKey = TestCertificates.signedBy(ca, "127.0.0.1").writeKey(dir.resolve("pki/other.key"));

        CommandResult outdated = runJar(dir, "--tls-cert", cert.toString(), "--tls-key", key.toString());
        assertStartRefused(outdated, "SIP over TLS: " + cert + " and " + key + ": certificate expired on ");

        CommandResult mismatched = runJar(dir, "--tls-cert", cert.toString(), "--tls-key", otherKey.toString());
        assertStartRefused(mismatched, "the private key does not belong to the certificate (CN=127.0.0.1)");

        CommandResult missingKey = runJar(dir, "--tls-cert", cert.toString());
        assertEquals(2, missingKey.exitCode(), missingKey.describe());
        assertEquals("callrec: error: --tls-cert: needs --tls-key, the private key of the certificate",
                missingKey.stderr().strip(), missingKey.describe());
    }

    private String[] tlsArgs(Path dir, int tlsPort) {
        Path pki = dir.resolve("pki");
        return new String[] {
            "--tls-cert", server.writeCertificate(pki.resolve("server.crt")).toString(),
            "--tls-key", server.writeKey(pki.resolve("server.key")).toString(),
            "--tls-trust", TestCertificates.write(pki.resolve("ca.crt"), PemFiles.encode(ca.certificate())).toString(),
            "--tls-port", Integer.toString(tlsPort)};
    }

    private void assertRefused(int tlsPort, TestCertificates.Issued client, String alert, CallrecProcess callrec) {
        Optional<SipResponse> answer;
        Optional<IOException> reason;
        int refusedBefore = serverRefusals(callrec, alert);
        try (SipProbe probe = SipProbe.tls(tlsPort, client.presentingContext(ca.certificate()))) {
            // TLS 1.3: the client's side of the handshake is done before the server judged its certificate.
            probe.send(probe.request("OPTIONS"));
            answer = probe.receive(ANSWER);
            reason = probe.closeReason();
        } catch (java.io.UncheckedIOException refusedAtHandshake) {
            answer = Optional.empty();
            reason = Optional.of(refusedAtHandshake.getCause());
        }
        assertEquals(Optional.empty(), answer, "no SIP answer over a refused connection");
        String why = reason.map(Throwable::toString).orElse("closed without an alert");
        if (why.contains("Broken pipe") || why.contains("Connection reset")) {
            // TLS 1.3 race: the server closed (alert sent) before the client's OPTIONS went out, so the client's
            // write failed before it read the alert. The server's log then says why it refused.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (serverRefusals(callrec, alert) <= refusedBefore && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
            assertTrue(serverRefusals(callrec, alert) > refusedBefore, "the server refused the handshake with "
                    + alert + " (the client saw " + why + ")\n" + callrec.logTail());
            return;
        }
        assertTrue(why.contains(alert), "refused with " + alert + ": " + why + "\n" + callrec.logTail());
    }

    /** Handshakes the server's log says it refused with {@code alert}. */
    private static int serverRefusals(CallrecProcess callrec, String alert) {
        // Some JDK 17 updates name the alert in the server's exception ("SSLHandshakeException: (certificate_unknown)
        // PKIX path building failed..."), others do not ("SSLHandshakeException: PKIX path building failed..."):
        // an exception without a name counts for any alert, one with a name only for its own.
        String log = callrec.logText();
        String mark = "SSLHandshakeException: ";
        int count = 0;
        for (int at = log.indexOf(mark); at >= 0; at = log.indexOf(mark, at + 1)) {
            String rest = log.substring(at + mark.length());
            if (!rest.startsWith("(") || rest.startsWith("(" + alert + ")")) {
                count++;
            }
        }
        return count;
    }

    private static void assertPinnedClientIsServed(int tlsPort, Path certificateFile, CallrecProcess callrec)
            throws Exception {
        X509Certificate pinned = PemFiles.certificates(certificateFile).get(0);
        TestCertificates.Issued anyClient = TestCertificates.selfSigned("client");
        try (SipProbe probe = SipProbe.tls(tlsPort, anyClient.presentingContext(pinned))) {
            assertEquals(200, options(probe, callrec).status(), callrec.logTail());
        }
    }

    private static SipResponse options(SipProbe probe, CallrecProcess callrec) {
        probe.send(probe.request("OPTIONS"));
        return probe.receiveFinal(ANSWER).orElseThrow(() -> new AssertionError(
                "OPTIONS over TLS unanswered\n" + callrec.logTail()));
    }

    private static void assertStartRefused(CommandResult r, String expected) {
        assertEquals(1, r.exitCode(), r.describe());
        List<String> lines = r.stderr().lines().toList();
        assertEquals(1, lines.size(), "exactly one line on stderr: " + r.describe());
        assertTrue(lines.get(0).startsWith("callrec: cannot start: ") && lines.get(0).contains(expected),
                "expected " + expected + " in " + r.describe());
    }

    /** {@code java -jar callrec.jar} on free ports with {@code flags}, to its end. */
    private static CommandResult runJar(Path dir, String... flags) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ItDirs.callrecJar().toString(), "--sip-port", Integer.toString(Ports.freeUdpTcpPort()),
                "--http-port", Integer.toString(Ports.freeUdpTcpPort()),
                "--rtp-ports", Ports.freeEvenUdpRange(10).toString(), "--storage", "file:" + dir.resolve("data")));
        cmd.addAll(List.of(flags));
        return ExternalCommand.run(Duration.ofSeconds(30), cmd);
    }
}
