package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.callrec.media.relay.SrtpRelayTest.protect;
import static io.callrec.media.relay.SrtpRelayTest.unprotect;

import io.callrec.media.dtls.DtlsHandshake;
import io.callrec.media.dtls.DtlsHandshakeException;
import io.callrec.media.dtls.DtlsIdentity;
import io.callrec.media.dtls.DtlsRole;
import io.callrec.media.dtls.DtlsSrtpKeys;
import io.callrec.media.srtp.SrtpContext;
import io.callrec.media.srtp.SrtpProfile;

import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.tls.UDPTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DTLS-SRTP per leg through real loopback sockets: a test party runs a bctls handshake with its own certificate
 * against the relay's media port, derives its keys and sends SRTP with the crypto core's contexts; the relay must
 * take its keys from the same handshake, decrypt, tap plain and re-encrypt.
 */
class DtlsRelayTest {
    private static final int BASE = 26900;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DtlsIdentity CALLREC = DtlsIdentity.generate(RANDOM);
    private static final DtlsIdentity PARTY = DtlsIdentity.generate(RANDOM);
    private static final List<SrtpProfile> PREFERENCE = List.of(SrtpProfile.AEAD_AES_256_GCM,
            SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AES_CM_128_HMAC_SHA1_32);

    private RtpRelay relay;
    private RelaySession session;
    private RelayStream stream;
    private final RecordingTaps.Collecting tap = new RecordingTaps.Collecting();
    private TestParty a;
    private TestParty b;

    @BeforeEach
    void start() throws IOException {
        RelayConfig config = new RelayConfig(InetAddress.getByName("127.0.0.1"), BASE, BASE + 19, 1,
                Duration.ofSeconds(5), Duration.ofSeconds(60));
        relay = RtpRelay.start(config);
        session = relay.openSession("dtls-call-id", (s, idle) -> { });
        session.setTap(tap);
        stream = session.stream(0, "audio");
        a = new TestParty();
        b = new TestParty();
        stream.setRemote(Side.A, a.rtpAddress(), null, true);
        stream.setRemote(Side.B, b.rtpAddress(), null, true);
    }

    @AfterEach
    void stop() {
        relay.close();
        a.close();
        b.close();
    }

    private static DtlsLeg leg(DtlsRole ours, DtlsIdentity party) {
        return new DtlsLeg(CALLREC, ours, party.fingerprint(), PREFERENCE);
    }

    /** The party's side of the handshake on its RTP socket, which it then keeps for media. */
    private DtlsSrtpKeys partyHandshake(TestParty party, Side side, DtlsRole role, List<SrtpProfile> profiles)
            throws Exception {
        party.rtp.connect(stream.localRtp(side));
        try {
            return DtlsHandshake.run(new KeepSocket(party.rtp), role, PARTY, CALLREC.fingerprint(), profiles,
                    Duration.ofSeconds(5)).keys();
        } finally {
            party.rtp.setSoTimeout(TestParty.RECEIVE_TIMEOUT_MILLIS);
        }
    }

    /** bctls closes its transport when a handshake fails: the party keeps its socket for the rest of the test. */
    private static final class KeepSocket extends UDPTransport {
        KeepSocket(java.net.DatagramSocket socket) throws IOException {
            super(socket, 1500);
        }

        @Override
        public void close() {
        }
    }

    private void awaitKeys(Side side) {
        Await.until("keys on side " + side, 5000, () -> !stream.keys(side).awaiting());
    }

    @Test
    void dtlsClientPartyToPlainLegAndBack() throws Exception {
        stream.setDtls(Side.A, leg(DtlsRole.SERVER, PARTY));
        assertTrue(stream.keys(Side.A).awaiting(), "held until the handshake");
        long started = System.nanoTime();
        DtlsSrtpKeys keys = partyHandshake(a, Side.A, DtlsRole.CLIENT, PREFERENCE);
        awaitKeys(Side.A);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println("DTLS handshake through the relay, callrec as server: " + millis + " ms");
        assertEquals(SrtpProfile.AEAD_AES_256_GCM, keys.profile());
        // The party's "from party" is what callrec sends with, and the other way round.
        assertEquals(keys.toParty(), stream.keys(Side.A).fromParty());
        assertEquals(keys.fromParty(), stream.keys(Side.A).toParty());

        SrtpContext aSends = SrtpContext.sender(keys.toParty(), 0xa);
        SrtpContext aReceives = SrtpContext.receiver(keys.fromParty(), 0xb);
        for (int seq = 1; seq <= 5; seq++) {
            byte[] plain = RtpPackets.rtp(seq, seq * 160, 0xa, 160);
            a.rtp.send(new java.net.DatagramPacket(protect(aSends, plain), plain.length + 16));
            assertArrayEquals(plain, TestParty.receive(b.rtp), "plain B gets plain RTP");
            byte[] fromB = RtpPackets.rtp(seq, seq * 160, 0xb, 160);
            TestParty.send(b.rtp, fromB, stream.localRtp(Side.B));
            byte[] wire = TestParty.receive(a.rtp);
            assertEquals(fromB.length + 16, wire.length, "GCM tag");
            assertArrayEquals(fromB, unprotect(aReceives, wire));
        }
        Await.until("tap saw 10", 2000, () -> tap.seen.size() == 10);
        assertArrayEquals(RtpPackets.rtp(1, 160, 0xa, 160), tap.seen.get(0).data(), "the tap sees plain RTP");
        RelayTotals totals = relay.totals();
        assertEquals(1, totals.dtls().handshakes());
        assertEquals(0, totals.dtls().failed());
        assertEquals(5, totals.srtp().decrypted());
        assertEquals(5, totals.srtp().encrypted());
    }

    @Test
    void callrecAsClientTowardsOneLegAndServerTowardsTheOtherWithTheirOwnKeys() throws Exception {
        stream.setDtls(Side.A, leg(DtlsRole.SERVER, PARTY));
        stream.setDtls(Side.B, leg(DtlsRole.CLIENT, PARTY)); // B answered a=setup:passive
        CompletableFuture<DtlsSrtpKeys> atB = CompletableFuture.supplyAsync(() -> {
            try {
                return partyHandshake(b, Side.B, DtlsRole.SERVER, List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        DtlsSrtpKeys atA = partyHandshake(a, Side.A, DtlsRole.CLIENT, PREFERENCE);
        DtlsSrtpKeys bKeys = atB.get(10, TimeUnit.SECONDS);
        awaitKeys(Side.A);
        awaitKeys(Side.B);
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, bKeys.profile(), "B, the server, chose");
        assertNotEquals(atA.toParty().profile(), bKeys.toParty().profile());

        SrtpContext aSends = SrtpContext.sender(atA.toParty(), 0xa);
        SrtpContext bReceives = SrtpContext.receiver(bKeys.fromParty(), 0xa);
        SrtpContext bSends = SrtpContext.sender(bKeys.toParty(), 0xb);
        SrtpContext aReceives = SrtpContext.receiver(atA.fromParty(), 0xb);
        for (int seq = 1; seq <= 3; seq++) {
            byte[] plain = RtpPackets.rtp(seq, seq * 160, 0xa, 160);
            byte[] wire = protect(aSends, plain);
            a.rtp.send(new java.net.DatagramPacket(wire, wire.length));
            byte[] got = TestParty.receive(b.rtp);
            assertEquals(plain.length + 10, got.length, "B's 80-bit tag");
            assertArrayEquals(plain, unprotect(bReceives, got));

            byte[] back = RtpPackets.rtp(seq, seq * 160, 0xb, 160);
            byte[] backWire = protect(bSends, back);
            b.rtp.send(new java.net.DatagramPacket(backWire, backWire.length));
            assertArrayEquals(back, unprotect(aReceives, TestParty.receive(a.rtp)));
        }
        assertEquals(2, relay.totals().dtls().handshakes());
    }

    @Test
    void theSameLegAgainKeepsTheAssociationAndANewFingerprintHoldsTheLegForANewHandshake() throws Exception {
        DtlsLeg leg = leg(DtlsRole.SERVER, PARTY);
        stream.setDtls(Side.A, leg);
        partyHandshake(a, Side.A, DtlsRole.CLIENT, PREFERENCE);
        awaitKeys(Side.A);
        LegKeys keys = stream.keys(Side.A);
        stream.setDtls(Side.A, leg(DtlsRole.SERVER, PARTY)); // a re-INVITE with the same fingerprint and setup
        assertSame(keys, stream.keys(Side.A), "nothing re-keyed");

        DtlsIdentity newCertificate = DtlsIdentity.generate(RANDOM);
        stream.setDtls(Side.A, leg(DtlsRole.SERVER, newCertificate));
        assertTrue(stream.keys(Side.A).awaiting(), "a new fingerprint: a new handshake, held until then");
    }

    @Test
    void aCertificateOtherThanTheFingerprintGivesNoKeysAndNoMedia() throws Exception {
        stream.setDtls(Side.A, leg(DtlsRole.SERVER, DtlsIdentity.generate(RANDOM))); // not the party's
        assertThrows(DtlsHandshakeException.class, () -> partyHandshake(a, Side.A, DtlsRole.CLIENT, PREFERENCE));
        Await.until("mismatch counted", 5000, () -> relay.totals().dtls().fingerprintMismatch() == 1);
        assertEquals(1, relay.totals().dtls().failed());
        assertTrue(stream.keys(Side.A).awaiting(), "the leg stays held");

        byte[] plain = RtpPackets.rtp(1, 160, 0xa, 160);
        a.rtp.send(new java.net.DatagramPacket(plain, plain.length));
        TestParty.send(b.rtp, RtpPackets.rtp(1, 160, 0xb, 160), stream.localRtp(Side.B));
        assertNull(TestParty.receiveFrom(b.rtp, 300), "nothing from A reaches B");
        assertNull(TestParty.receiveFrom(a.rtp, 300), "nothing from B reaches A");
        Await.until("held packets counted", 2000, () -> relay.totals().srtp().awaitingKeys() >= 2);
        assertTrue(tap.seen.stream().noneMatch(p -> p.from() == Side.A), "nothing of A is recorded");
    }

    @Test
    void garbageDtlsNeverBlocksTheRelayAndAStrayClientHelloOnAPlainLegIsNotAnswered() throws Exception {
        stream.setDtls(Side.A, DtlsLeg.pending(CALLREC, PREFERENCE)); // collecting, no handshake yet
        RelayStream plain = session.stream(1, "audio");
        TestParty c = new TestParty();
        TestParty d = new TestParty();
        try {
            plain.setRemote(Side.A, c.rtpAddress(), null, true);
            plain.setRemote(Side.B, d.rtpAddress(), null, true);
            byte[] garbage = new byte[300];
            RANDOM.nextBytes(garbage);
            garbage[0] = 22; // a DTLS handshake record's content type
            long started = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                TestParty.send(a.rtp, garbage, stream.localRtp(Side.A));
            }
            // The same relay thread still forwards the other stream's media at once.
            byte[] rtp = RtpPackets.rtp(7, 160, 0xc, 160);
            TestParty.send(c.rtp, rtp, plain.localRtp(Side.A));
            assertArrayEquals(rtp, TestParty.receive(d.rtp));
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2));
            Await.until("overflow counted", 2000, () -> relay.totals().dtls().dropped() > 0);

            TestParty.send(c.rtp, garbage, plain.localRtp(Side.A));
            Await.until("stray counted", 2000, () -> relay.totals().dtls().stray() == 1);
            assertNull(TestParty.receiveFrom(c.rtp, 300), "never answered");
            assertNull(TestParty.receiveFrom(d.rtp, 100), "never forwarded");
            assertFalse(plain.dtls(Side.A).isPresent());
        } finally {
            c.close();
            d.close();
        }
    }

    @Test
    void endingTheCallEndsTheHandshakeThread() throws Exception {
        stream.setDtls(Side.A, leg(DtlsRole.SERVER, PARTY));
        Await.until("handshake thread runs", 2000, () -> dtlsThreads() == 1);
        session.close();
        Await.until("handshake thread ended", 3000, () -> dtlsThreads() == 0);
        assertEquals(0, relay.totals().dtls().failed(), "a call that ends is no failure");
    }

    private static long dtlsThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("dtls-dtls-call-id") && t.isAlive()).count();
    }
}
