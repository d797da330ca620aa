package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.Ports;
import io.callrec.it.support.SipProbe;
import io.callrec.it.support.SipResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An offer for SRTP that callrec cannot do gets 488 at once, with the reason in a Warning header and never the key,
 * before anything is sent to the callee (routed here to a port where nobody listens): unusable SDES, and DTLS-SRTP
 * with a malformed fingerprint or without rtcp-mux.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdesRefusalIT {
    private static final String KEY = "d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj";
    /** A well-formed SHA-256 fingerprint (32 bytes). */
    private static final String FINGERPRINT = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
            + "AB:CD:EF:01:23:45:67:89";
    private CallrecProcess callrec;

    @BeforeAll
    void start(TestInfo info) {
        callrec = CallrecProcess.builder(ItDirs.logDir(info))
                .args("--route", "^9\\d+$=sip:127.0.0.1:" + Ports.freeUdpTcpPort()).start();
    }

    @AfterAll
    void stop() {
        if (callrec != null) {
            callrec.stop();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "RTP/SAVP;a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2^31|1:4;MKI '1:4' is not supported",
        "RTP/SAVP;a=crypto:1 AES_192_CM_HMAC_SHA1_80 inline:" + KEY + ";AES_192_CM_HMAC_SHA1_80 is not supported",
        "RTP/SAVP;a=rtcp-mux;without a=crypto",
        "UDP/TLS/RTP/SAVPF;a=fingerprint:sha-256 AB:CD;sha-256 fingerprint of 2 bytes",
        "UDP/TLS/RTP/SAVPF;a=fingerprint:sha-256 " + FINGERPRINT + ";DTLS-SRTP without a=rtcp-mux"})
    void anUnusableSrtpOfferGets488WithTheReason(String proto, String attribute, String reason) {
        String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 40000 " + proto + " 0\r\n" + attribute + "\r\n";
        try (SipProbe probe = SipProbe.udp(callrec.sipPort())) {
            probe.send(probe.request("INVITE").requestLine("INVITE sip:9123@127.0.0.1:" + callrec.sipPort()
                    + " SIP/2.0").body("application/sdp", sdp));
            SipResponse r = probe.receiveFinal(Duration.ofSeconds(5)).orElseThrow(() -> new AssertionError(
                    "no answer; " + callrec.logTail()));
            assertEquals(488, r.status(), r.raw());
            String warning = r.header("Warning").orElseThrow(() -> new AssertionError(r.raw()));
            assertTrue(warning.startsWith("399 callrec \"") && warning.contains(reason), warning);
            assertFalse(r.raw().contains(KEY), "the key is never echoed: " + r.raw());
        }
    }
}
