package io.callrec.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.dtls.DtlsFingerprint;
import io.callrec.media.dtls.DtlsIdentity;
import io.callrec.media.dtls.DtlsRole;
import io.callrec.media.relay.DtlsLeg;
import io.callrec.media.relay.LegKeys;
import io.callrec.media.relay.RelayConfig;
import io.callrec.media.relay.RelaySession;
import io.callrec.media.relay.RelayStream;
import io.callrec.media.relay.RtpRelay;
import io.callrec.media.relay.Side;
import io.callrec.sdp.MediaDescription;
import io.callrec.sdp.SdpNotAcceptableException;
import io.callrec.sdp.SdpParseException;
import io.callrec.sdp.SessionDescription;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DTLS-SRTP offer/answer per leg through {@link MediaAnchor}, down to the DTLS legs the relay stream gets. */
class DtlsNegotiationTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DtlsIdentity CALLREC = DtlsIdentity.generate(RANDOM);
    private static final DtlsFingerprint ALICE = DtlsIdentity.generate(RANDOM).fingerprint();
    private static final DtlsFingerprint BOB = DtlsIdentity.generate(RANDOM).fingerprint();

    private RtpRelay relay;
    private RelaySession session;
    private MediaAnchor anchor;

    @BeforeEach
    void start() throws Exception {
        relay = RtpRelay.start(RelayConfig.defaults(InetAddress.getLoopbackAddress()).withPorts(27500, 27599));
        session = relay.openSession("dtls", (s, idle) -> { });
        anchor = new MediaAnchor(session, "127.0.0.1", Duration.ofSeconds(60), CALLREC);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    /** As baresip writes it: a=setup and a=fingerprint at session level (upper-case hash name), rtcp-mux. */
    private static String sessionLevel(String user, int version, int port, String proto, DtlsFingerprint f,
                                       String setup) {
        return "v=0\r\no=" + user + " 42 " + version + " IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "a=setup:" + setup + "\r\na=fingerprint:" + f.format().replace("sha-256", "SHA-256") + "\r\n"
                + "m=audio " + port + " " + proto + " 0\r\na=rtcp-mux\r\na=sendrecv\r\n";
    }

    /** As browsers write it: both per m-line. */
    private static String mediaLevel(String user, int version, int port, String proto, DtlsFingerprint f,
                                     String setup) {
        return "v=0\r\no=" + user + " 42 " + version + " IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " " + proto + " 0\r\na=fingerprint:" + f.format() + "\r\na=setup:" + setup
                + "\r\na=rtcp-mux\r\na=sendrecv\r\n";
    }

    private static MediaDescription audio(String sdpText) throws SdpParseException {
        return SessionDescription.parse(sdpText).media().get(0);
    }

    private RelayStream stream() {
        return session.existing(0).orElseThrow();
    }

    private static DtlsLeg known(DtlsRole ours, DtlsFingerprint theirs) {
        return new DtlsLeg(CALLREC, ours, theirs, io.callrec.media.srtp.SdesCrypto.DEFAULT_PREFERENCE);
    }

    @Test
    void anActpassOfferIsAnsweredPassiveAndMirroredToTheOtherLegWithOurFingerprint() throws Exception {
        String toB = anchor.relay(Side.A, sessionLevel("alice", 1, 16000, "UDP/TLS/RTP/SAVPF", ALICE, "actpass"),
                SdpRole.OFFER);
        MediaDescription offered = audio(toB);
        assertEquals("UDP/TLS/RTP/SAVPF", offered.proto(), "the offer's transport is kept");
        assertEquals(java.util.List.of(CALLREC.fingerprint().format()), offered.attributeValues("fingerprint"));
        assertEquals(java.util.List.of("actpass"), offered.attributeValues("setup"));
        assertFalse(toB.toUpperCase().contains(ALICE.format().substring(8)), "A's fingerprint is not passed on");
        assertTrue(offered.rtcpMux());
        assertFalse(stream().dtls(Side.A).orElseThrow().known(), "A's handshake waits for our answer (ringing)");
        assertFalse(stream().dtls(Side.B).orElseThrow().known(), "B's role waits for its answer");
        assertTrue(stream().keys(Side.A).awaiting());
        assertTrue(stream().keys(Side.B).awaiting());

        String toA = anchor.relay(Side.B, mediaLevel("bob", 1, 17000, "UDP/TLS/RTP/SAVPF", BOB, "active"),
                SdpRole.ANSWER);
        MediaDescription answered = audio(toA);
        assertEquals("UDP/TLS/RTP/SAVPF", answered.proto());
        assertEquals(java.util.List.of(CALLREC.fingerprint().format()), answered.attributeValues("fingerprint"));
        assertEquals(java.util.List.of("passive"), answered.attributeValues("setup"),
                "A sends the ClientHello, from its real address");
        assertFalse(toA.contains(BOB.format().substring(8)), "B's fingerprint is not passed on");
        assertEquals(known(DtlsRole.SERVER, BOB), stream().dtls(Side.B).orElseThrow(), "B answered active");
        assertEquals(known(DtlsRole.SERVER, ALICE), stream().dtls(Side.A).orElseThrow());
        assertTrue(stream().keys(Side.A).awaiting(), "keys come from the handshakes");
    }

    @Test
    void rolesFollowPassiveOfferersAndPassiveAnswerers() throws Exception {
        String toB = anchor.relay(Side.A, mediaLevel("alice", 1, 16000, "UDP/TLS/RTP/SAVP", ALICE, "passive"),
                SdpRole.OFFER);
        assertEquals(java.util.List.of("actpass"), audio(toB).attributeValues("setup"));
        String toA = anchor.relay(Side.B, mediaLevel("bob", 1, 17000, "UDP/TLS/RTP/SAVP", BOB, "passive"),
                SdpRole.ANSWER);
        assertEquals(known(DtlsRole.CLIENT, ALICE), stream().dtls(Side.A).orElseThrow(), "A waits: we connect");
        assertEquals(java.util.List.of("active"), audio(toA).attributeValues("setup"));
        assertEquals(known(DtlsRole.CLIENT, BOB), stream().dtls(Side.B).orElseThrow());
    }

    @Test
    void aReofferWithTheSameFingerprintKeepsTheLegsAndANewOneMakesANewLeg() throws Exception {
        anchor.relay(Side.A, sessionLevel("alice", 1, 16000, "UDP/TLS/RTP/SAVPF", ALICE, "actpass"), SdpRole.OFFER);
        anchor.relay(Side.B, mediaLevel("bob", 1, 17000, "UDP/TLS/RTP/SAVPF", BOB, "active"), SdpRole.ANSWER);
        DtlsLeg a = stream().dtls(Side.A).orElseThrow();
        DtlsLeg b = stream().dtls(Side.B).orElseThrow();

        // B re-offers (hold, refresh...) with its fingerprint and actpass: nothing to renegotiate.
        String toA = anchor.relay(Side.B, mediaLevel("bob", 2, 17000, "UDP/TLS/RTP/SAVPF", BOB, "actpass"),
                SdpRole.OFFER);
        assertEquals(java.util.List.of("actpass"), audio(toA).attributeValues("setup"));
        assertEquals(b, stream().dtls(Side.B).orElseThrow(), "B keeps its role and association");
        String toB = anchor.relay(Side.A, mediaLevel("alice", 2, 16000, "UDP/TLS/RTP/SAVPF", ALICE, "active"),
                SdpRole.ANSWER);
        assertEquals(java.util.List.of("passive"), audio(toB).attributeValues("setup"), "B was the client");
        assertEquals(a, stream().dtls(Side.A).orElseThrow(), "A answered as it was: same leg");

        DtlsFingerprint newCertificate = DtlsIdentity.generate(RANDOM).fingerprint();
        anchor.relay(Side.A, sessionLevel("alice", 3, 16000, "UDP/TLS/RTP/SAVPF", newCertificate, "actpass"),
                SdpRole.OFFER);
        assertNotEquals(a, stream().dtls(Side.A).orElseThrow(), "a new association, waiting for the answer");
        assertSame(b, stream().dtls(Side.B).orElseThrow(), "the other leg stays until its answer");
        anchor.relay(Side.B, mediaLevel("bob", 3, 17000, "UDP/TLS/RTP/SAVPF", BOB, "active"), SdpRole.ANSWER);
        assertEquals(known(DtlsRole.SERVER, newCertificate), stream().dtls(Side.A).orElseThrow());
        assertEquals(b, stream().dtls(Side.B).orElseThrow());
    }

    @Test
    void aCryptoInADtlsOfferIsIgnoredAndSavpWithAFingerprintIsDtls() throws Exception {
        String offer = mediaLevel("alice", 1, 16000, "UDP/TLS/RTP/SAVP", ALICE, "actpass").replace("a=sendrecv",
                "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + "QUJD".repeat(10) + "\r\na=sendrecv");
        String toB = anchor.relay(Side.A, offer, SdpRole.OFFER);
        assertFalse(toB.contains("a=crypto"), toB);
        assertTrue(stream().keys(Side.A).awaiting(), "no SDES keys: DTLS wins");
        assertTrue(stream().dtls(Side.A).isPresent());

        MediaAnchor other = new MediaAnchor(relay.openSession("savp", (s, idle) -> { }), "127.0.0.1",
                Duration.ofSeconds(60), CALLREC);
        String savp = other.relay(Side.A, sessionLevel("alice", 1, 16000, "RTP/SAVP", ALICE, "actpass"),
                SdpRole.OFFER);
        assertEquals("RTP/SAVP", audio(savp).proto());
        assertEquals(java.util.List.of(CALLREC.fingerprint().format()), audio(savp).attributeValues("fingerprint"));
    }

    @Test
    void aPlainAnswerLeavesThatLegPlain() throws Exception {
        anchor.relay(Side.A, sessionLevel("alice", 1, 16000, "UDP/TLS/RTP/SAVPF", ALICE, "actpass"), SdpRole.OFFER);
        String plain = "v=0\r\no=bob 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 17000 RTP/AVP 0\r\na=sendrecv\r\n";
        String toA = anchor.relay(Side.B, plain, SdpRole.ANSWER);
        assertEquals("UDP/TLS/RTP/SAVPF", audio(toA).proto(), "A still gets the transport it offered");
        assertEquals(java.util.List.of("passive"), audio(toA).attributeValues("setup"));
        assertTrue(audio(toA).rtcpMux(), "A's rtcp-mux is accepted although B does not mux");
        assertEquals(1, audio(toA).attributeValues("rtcp-mux").size());
        assertFalse(stream().dtls(Side.B).isPresent());
        assertEquals(LegKeys.PLAIN, stream().keys(Side.B));
        assertTrue(stream().dtls(Side.A).isPresent());
    }

    @Test
    void refusesWhatItCannotDo() {
        String noMux = sessionLevel("alice", 1, 16000, "UDP/TLS/RTP/SAVPF", ALICE, "actpass")
                .replace("a=rtcp-mux\r\n", "");
        SdpNotAcceptableException e = assertThrows(SdpNotAcceptableException.class,
                () -> anchor.relay(Side.A, noMux, SdpRole.OFFER));
        assertTrue(e.reason().contains("rtcp-mux"), e.reason());
        assertEquals(0, relay.portsInUse(), "refused before any port was taken");

        String noFingerprint = "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 16000 UDP/TLS/RTP/SAVPF 0\r\na=setup:actpass\r\na=rtcp-mux\r\n";
        e = assertThrows(SdpNotAcceptableException.class, () -> anchor.relay(Side.A, noFingerprint, SdpRole.OFFER));
        assertTrue(e.reason().contains("without a=fingerprint"), e.reason());

        String badFingerprint = mediaLevel("alice", 1, 16000, "UDP/TLS/RTP/SAVPF", ALICE, "actpass")
                .replace(ALICE.format(), "sha-256 AB:CD");
        e = assertThrows(SdpNotAcceptableException.class, () -> anchor.relay(Side.A, badFingerprint, SdpRole.OFFER));
        assertTrue(e.reason().contains("fingerprint"), e.reason());

        String holdconn = mediaLevel("alice", 1, 16000, "UDP/TLS/RTP/SAVPF", ALICE, "holdconn");
        e = assertThrows(SdpNotAcceptableException.class, () -> anchor.relay(Side.A, holdconn, SdpRole.OFFER));
        assertTrue(e.reason().contains("holdconn"), e.reason());
    }

    @Test
    void theAnswerToOurOwnRefreshKeepsOrRenewsThatLegOnly() throws Exception {
        anchor.relay(Side.A, sessionLevel("alice", 1, 16000, "UDP/TLS/RTP/SAVPF", ALICE, "actpass"), SdpRole.OFFER);
        anchor.relay(Side.B, mediaLevel("bob", 1, 17000, "UDP/TLS/RTP/SAVPF", BOB, "active"), SdpRole.ANSWER);
        DtlsLeg a = stream().dtls(Side.A).orElseThrow();
        DtlsLeg b = stream().dtls(Side.B).orElseThrow();
        anchor.refreshAnswered(Side.B, mediaLevel("bob", 2, 17000, "UDP/TLS/RTP/SAVPF", BOB, "active"));
        assertEquals(b, stream().dtls(Side.B).orElseThrow(), "same fingerprint and role: the association stays");
        DtlsFingerprint renewed = DtlsIdentity.generate(RANDOM).fingerprint();
        anchor.refreshAnswered(Side.B, mediaLevel("bob", 3, 17000, "UDP/TLS/RTP/SAVPF", renewed, "active"));
        assertEquals(known(DtlsRole.SERVER, renewed), stream().dtls(Side.B).orElseThrow());
        assertSame(a, stream().dtls(Side.A).orElseThrow(), "the other leg is untouched");
    }

    @Test
    void anAnswerWithActpassIsUnusable() throws Exception {
        anchor.relay(Side.A, sessionLevel("alice", 1, 16000, "UDP/TLS/RTP/SAVPF", ALICE, "actpass"), SdpRole.OFFER);
        assertThrows(SdpParseException.class, () -> anchor.relay(Side.B,
                mediaLevel("bob", 1, 17000, "UDP/TLS/RTP/SAVPF", BOB, "actpass"), SdpRole.ANSWER));
    }
}
