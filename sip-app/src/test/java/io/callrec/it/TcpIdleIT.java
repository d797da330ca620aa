package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.Ports;
import io.callrec.it.support.SipProbe;
import io.callrec.it.support.SipResponse;
import io.callrec.tls.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code --tcp-idle-timeout}: a connection a client opened and left silent is closed, over TCP and TLS, so that silent
 * connections cannot use up {@code --max-tcp-connections}; one kept alive with CRLF keep-alives stays and is served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TcpIdleIT {
    private static final Duration IDLE = Duration.ofSeconds(2);
    /** The timeout plus room for a loaded machine to schedule the reader thread that notices it. */
    private static final Duration CLOSED_WITHIN = IDLE.plusSeconds(4);
    private static final Duration ANSWER = Duration.ofSeconds(5);

    private final TestCertificates.Issued ca = TestCertificates.ca("callrec test CA");
    private final TestCertificates.Issued server = TestCertificates.signedBy(ca, "127.0.0.1");
    private CallrecProcess callrec;
    private int tlsPort;

    @BeforeAll
    void start(TestInfo info) {
        Path dir = ItDirs.logDir(info);
        Path pki = dir.resolve("pki");
        tlsPort = Ports.freeUdpTcpPort();
        callrec = CallrecProcess.builder(dir).args("--tcp-idle-timeout", IDLE.toSeconds() + "s",
                "--tls-cert", server.writeCertificate(pki.resolve("server.crt")).toString(),
                "--tls-key", server.writeKey(pki.resolve("server.key")).toString(),
                "--tls-port", Integer.toString(tlsPort)).start();
    }

    @AfterAll
    void stop() {
        if (callrec != null) {
            assertEquals(0, callrec.stop(), callrec.logTail());
        }
    }

    @Test
    void aSilentTcpConnectionIsClosedAfterTheIdleTimeout() {
        try (SipProbe silent = SipProbe.tcp(callrec.sipPort())) {
            assertClosedAfterIdle(silent, "TCP");
        }
    }

    @Test
    void aSilentTlsConnectionIsClosedAfterTheIdleTimeout() {
        try (SipProbe silent = SipProbe.tls(tlsPort, ca.presentingContext(ca.certificate()))) {
            assertClosedAfterIdle(silent, "TLS");
        }
    }

    @Test
    void aConnectionKeptAliveWithCrlfStaysOpenAndIsServed() throws Exception {
        try (SipProbe kept = SipProbe.tcp(callrec.sipPort())) {
            long end = System.nanoTime() + IDLE.multipliedBy(3).toNanos();
            while (System.nanoTime() < end) {
                kept.send("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(!kept.awaitClosedByServer(Duration.ofMillis(500)),
                        "closed although it sent a keep-alive every 500 ms\n" + callrec.logTail());
            }
            kept.send(kept.request("OPTIONS"));
            Optional<SipResponse> answer = kept.receiveFinal(ANSWER);
            assertEquals(200, answer.map(SipResponse::status).orElse(-1), callrec.logTail());
        }
    }

    private void assertClosedAfterIdle(SipProbe silent, String transport) {
        long start = System.nanoTime();
        assertTrue(silent.awaitClosedByServer(CLOSED_WITHIN), "a silent " + transport + " connection still open after "
                + CLOSED_WITHIN.toSeconds() + " s\n" + callrec.logTail());
        long closedAfterMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(closedAfterMillis >= IDLE.toMillis() - 200, transport + " closed after only " + closedAfterMillis
                + " ms, before its idle timeout");
        System.out.printf("silent %s connection closed after %d ms (idle timeout %d ms)%n", transport,
                closedAfterMillis, IDLE.toMillis());
        // the server still takes new connections on that transport
        try (SipProbe next = transport.equals("TLS") ? SipProbe.tls(tlsPort, ca.presentingContext(ca.certificate()))
                : SipProbe.tcp(callrec.sipPort())) {
            next.send(next.request("OPTIONS"));
            assertEquals(200, next.receiveFinal(ANSWER).map(SipResponse::status).orElse(-1), callrec.logTail());
        }
    }
}
