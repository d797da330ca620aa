package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.srtp.CryptoContext;
import io.callrec.media.srtp.SrtcpContext;
import io.callrec.media.srtp.SrtpContext;
import io.callrec.media.srtp.SrtpKeyMaterial;
import io.callrec.media.srtp.SrtpProfile;
import io.callrec.media.srtp.SrtpVerdict;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SRTP per leg through real loopback sockets: the test parties protect and unprotect with the crypto core's own
 * contexts, keyed as the SDP would key them, and the relay in between must decrypt, tap plain and re-encrypt.
 */
class SrtpRelayTest {
    private static final int BASE = 26700;
    private static final SecureRandom RANDOM = new SecureRandom();

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
        session = relay.openSession("srtp", (s, idle) -> { });
        session.setTap(tap);
        stream = session.stream(0, "audio");
        a = new TestParty();
        b = new TestParty();
        stream.setRemote(Side.A, a.rtpAddress(), a.rtcpAddress(), false);
        stream.setRemote(Side.B, b.rtpAddress(), b.rtcpAddress(), false);
    }

    @AfterEach
    void stop() {
        relay.close();
        a.close();
        b.close();
    }

    private static SrtpKeyMaterial key(SrtpProfile profile) {
        return SrtpKeyMaterial.random(profile, RANDOM);
    }

    /** {@code plain} protected by {@code sender}, as a party sends it; shared with {@code DtlsRelayTest}. */
    static byte[] protect(CryptoContext sender, byte[] plain) {
        ByteBuffer packet = ByteBuffer.allocate(plain.length + sender.overhead()).put(plain).flip();
        assertEquals(SrtpVerdict.OK, sender.protect(packet));
        return Arrays.copyOf(packet.array(), packet.limit());
    }

    static byte[] unprotect(CryptoContext receiver, byte[] wire) {
        ByteBuffer packet = ByteBuffer.wrap(wire.clone());
        assertEquals(SrtpVerdict.OK, receiver.unprotect(packet));
        return Arrays.copyOf(packet.array(), packet.limit());
    }

    private byte[] tapped(int n) {
        Await.until("tap saw " + (n + 1) + " packets", 2000, () -> tap.seen.size() > n);
        return tap.seen.get(n).data();
    }

    @Test
    void srtpFromAReachesPlainBAsPlainRtpAndBackEncrypted() throws IOException {
        SrtpKeyMaterial fromA = key(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        SrtpKeyMaterial toA = key(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        stream.setKeys(Side.A, new LegKeys(fromA, toA));
        SrtpContext aSends = SrtpContext.sender(fromA, 0xa);
        SrtpContext aReceives = SrtpContext.receiver(toA, 0xb);

        for (int seq = 65530; seq < 65540; seq++) { // across the sequence wrap: the ROC follows
            byte[] plain = RtpPackets.rtp(seq & 0xffff, seq * 160, 0xa, 160);
            byte[] wire = protect(aSends, plain);
            assertFalse(Arrays.equals(Arrays.copyOf(wire, plain.length), plain), "A's packet is encrypted");
            TestParty.send(a.rtp, wire, stream.localRtp(Side.A));
            assertArrayEquals(plain, TestParty.receive(b.rtp), "plain B gets the plain packet");
            assertArrayEquals(plain, tapped(2 * (seq - 65530)), "the tap sees plain RTP");

            byte[] fromB = RtpPackets.rtp(seq & 0xffff, seq * 160, 0xb, 160);
            TestParty.send(b.rtp, fromB, stream.localRtp(Side.B));
            byte[] toAWire = TestParty.receive(a.rtp);
            assertEquals(fromB.length + 10, toAWire.length, "80-bit tag appended");
            assertArrayEquals(fromB, unprotect(aReceives, toAWire), "A decrypts with the key of our a=crypto");
        }
        RelayTotals totals = relay.totals();
        assertEquals(10, totals.srtp().decrypted());
        assertEquals(10, totals.srtp().encrypted());
        assertEquals(0, totals.dropped());
    }

    @Test
    void bothLegsSrtpWithDifferentKeysAndProfiles() throws IOException {
        SrtpKeyMaterial fromA = key(SrtpProfile.AEAD_AES_256_GCM);
        SrtpKeyMaterial toA = key(SrtpProfile.AEAD_AES_256_GCM);
        SrtpKeyMaterial fromB = key(SrtpProfile.AES_CM_128_HMAC_SHA1_32);
        SrtpKeyMaterial toB = key(SrtpProfile.AES_CM_128_HMAC_SHA1_32);
        stream.setKeys(Side.A, new LegKeys(fromA, toA));
        stream.setKeys(Side.B, new LegKeys(fromB, toB));
        SrtpContext aSends = SrtpContext.sender(fromA, 0xa);
        SrtpContext bReceives = SrtpContext.receiver(toB, 0xa);
        SrtpContext bSends = SrtpContext.sender(fromB, 0xb);
        SrtpContext aReceives = SrtpContext.receiver(toA, 0xb);

        for (int seq = 1; seq <= 5; seq++) {
            byte[] plain = RtpPackets.rtp(seq, seq * 160, 0xa, 1200);
            TestParty.send(a.rtp, protect(aSends, plain), stream.localRtp(Side.A));
            byte[] atB = TestParty.receive(b.rtp);
            assertEquals(plain.length + 4, atB.length, "B gets its own profile's 32-bit tag");
            assertArrayEquals(plain, unprotect(bReceives, atB));
            assertArrayEquals(plain, tapped(2 * (seq - 1)));

            byte[] back = RtpPackets.rtp(seq, seq * 160, 0xb, 160);
            TestParty.send(b.rtp, protect(bSends, back), stream.localRtp(Side.B));
            byte[] atA = TestParty.receive(a.rtp);
            assertEquals(back.length + 16, atA.length, "A gets a GCM tag");
            assertArrayEquals(back, unprotect(aReceives, atA));
            assertArrayEquals(back, tapped(2 * (seq - 1) + 1));
        }
    }

    @Test
    void srtcpBothWaysOnRtcpPortsAndMuxed() throws IOException {
        SrtpKeyMaterial fromA = key(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        SrtpKeyMaterial toA = key(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        SrtpKeyMaterial toB = key(SrtpProfile.AEAD_AES_128_GCM);
        SrtpKeyMaterial fromB = key(SrtpProfile.AEAD_AES_128_GCM);
        stream.setKeys(Side.A, new LegKeys(fromA, toA));
        stream.setKeys(Side.B, new LegKeys(fromB, toB));
        stream.setRemote(Side.B, b.rtpAddress(), null, true); // B muxes RTCP on its RTP port

        byte[] report = RtpPackets.rtcpSenderReport(0xa, 0x1234_5678_9abc_def0L, 160);
        TestParty.send(a.rtcp, protect(SrtcpContext.sender(fromA, 0xa), report), stream.localRtcp(Side.A));
        byte[] atB = TestParty.receive(b.rtp);
        assertArrayEquals(report, unprotect(SrtcpContext.receiver(toB, 0xa), atB), "muxed SRTCP to B");
        assertArrayEquals(report, tapped(0), "the tap sees plain RTCP");

        byte[] receiverReport = RtpPackets.rtcpReceiverReport(0xb);
        TestParty.send(b.rtp, protect(SrtcpContext.sender(fromB, 0xb), receiverReport), stream.localRtp(Side.B));
        byte[] atA = TestParty.receive(a.rtcp);
        assertArrayEquals(receiverReport, unprotect(SrtcpContext.receiver(toA, 0xb), atA), "SRTCP to A's RTCP port");
    }

    @Test
    void forgedReplayedAndUnkeyedPacketsAreDroppedAndCounted() throws IOException {
        SrtpKeyMaterial fromA = key(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        stream.setKeys(Side.A, new LegKeys(fromA, null));
        SrtpContext aSends = SrtpContext.sender(fromA, 0xa);
        byte[] first = protect(aSends, RtpPackets.rtp(1, 160, 0xa, 160));
        TestParty.send(a.rtp, first, stream.localRtp(Side.A));
        TestParty.receive(b.rtp);

        byte[] forged = protect(aSends, RtpPackets.rtp(2, 320, 0xa, 160));
        forged[20] ^= 1;
        TestParty.send(a.rtp, forged, stream.localRtp(Side.A));
        TestParty.send(a.rtp, first, stream.localRtp(Side.A)); // replayed
        TestParty.send(a.rtp, RtpPackets.rtp(3, 480, 0xa, 160), stream.localRtp(Side.A)); // plain: tag fails
        SrtpContext otherKey = SrtpContext.sender(key(SrtpProfile.AES_CM_128_HMAC_SHA1_80), 0xa);
        TestParty.send(a.rtp, protect(otherKey, RtpPackets.rtp(4, 640, 0xa, 160)), stream.localRtp(Side.A));
        Await.until("drops counted", 2000, () -> relay.totals().srtp().dropped() == 4);
        SrtpTotals srtp = relay.totals().srtp();
        assertEquals(3, srtp.authFailed());
        assertEquals(1, srtp.replayed());
        assertNull(TestParty.receiveFrom(b.rtp, 200), "nothing of it reached B");
        assertEquals(1, tap.seen.size(), "nor the tap");
        assertEquals(1, stream.counters(Side.A).rtpPackets(), "only authentic packets count as received");

        byte[] next = RtpPackets.rtp(5, 800, 0xa, 160);
        TestParty.send(a.rtp, protect(aSends, next), stream.localRtp(Side.A));
        assertArrayEquals(next, TestParty.receive(b.rtp), "the stream goes on");
    }

    @ParameterizedTest(name = "a plain spell in between: {0}")
    @ValueSource(booleans = {false, true})
    void equalKeysKeepTheContextsAndANewKeyStartsOver(boolean plainSpell) throws IOException {
        SrtpKeyMaterial fromA = key(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        stream.setKeys(Side.A, new LegKeys(fromA, null));
        SrtpContext aSends = SrtpContext.sender(fromA, 0xa);
        byte[] beforeWrap = protect(aSends, RtpPackets.rtp(65535, 0, 0xa, 160));
        TestParty.send(a.rtp, beforeWrap, stream.localRtp(Side.A));
        TestParty.receive(b.rtp);

        if (plainSpell) {
            // hold on plain RTP/AVP, then resume with the same a=crypto: the context outlives the spell
            stream.setKeys(Side.A, LegKeys.PLAIN);
            byte[] plain = RtpPackets.rtp(9, 160, 0xc, 160);
            TestParty.send(a.rtp, plain, stream.localRtp(Side.A));
            assertArrayEquals(plain, TestParty.receive(b.rtp), "plain in between");
        }
        // A re-INVITE with the same a=crypto: same key material, a new LegKeys object.
        stream.setKeys(Side.A, new LegKeys(SrtpKeyMaterial.of(fromA.profile(), fromA.keyThenSalt()), null));
        byte[] afterWrap = RtpPackets.rtp(0, 160, 0xa, 160); // ROC 1: only a kept context decrypts it
        TestParty.send(a.rtp, protect(aSends, afterWrap), stream.localRtp(Side.A));
        assertArrayEquals(afterWrap, TestParty.receive(b.rtp), "the kept context's ROC followed the wrap");
        TestParty.send(a.rtp, beforeWrap, stream.localRtp(Side.A));
        Await.until("replay refused by the kept window", 2000, () -> relay.totals().srtp().replayed() == 1);

        SrtpKeyMaterial rekeyed = key(SrtpProfile.AEAD_AES_128_GCM);
        stream.setKeys(Side.A, new LegKeys(rekeyed, null));
        byte[] fresh = RtpPackets.rtp(7, 320, 0xa, 160);
        TestParty.send(a.rtp, protect(SrtpContext.sender(rekeyed, 0xa), fresh), stream.localRtp(Side.A));
        assertArrayEquals(fresh, TestParty.receive(b.rtp), "a new key gets a new context");
    }

    @Test
    void aLegTakesAtMostEightSsrcsPerDirection() throws IOException {
        SrtpKeyMaterial toB = key(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        stream.setKeys(Side.B, new LegKeys(null, toB));
        for (int ssrc = 1; ssrc <= LegCrypto.MAX_SSRCS + 1; ssrc++) {
            TestParty.send(a.rtp, RtpPackets.rtp(1, 160, ssrc, 20), stream.localRtp(Side.A));
        }
        for (int ssrc = 1; ssrc <= LegCrypto.MAX_SSRCS; ssrc++) {
            byte[] atB = TestParty.receive(b.rtp);
            int got = ByteBuffer.wrap(atB).getInt(8);
            assertTrue(got >= 1 && got <= LegCrypto.MAX_SSRCS, "SSRC " + got);
        }
        Await.until("ninth SSRC counted", 2000, () -> relay.totals().srtp().tooManySsrcs() == 1);
        assertNull(TestParty.receiveFrom(b.rtp, 200));
        assertEquals(LegCrypto.MAX_SSRCS + 1, tap.seen.size(), "the tap saw the plain packet anyway");
    }

    @Test
    void aDuplicateFromThePlainLegIsNotEncryptedTwice() throws IOException {
        SrtpKeyMaterial toB = key(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        stream.setKeys(Side.B, new LegKeys(null, toB));
        byte[] packet = RtpPackets.rtp(9, 160, 0xa, 160);
        TestParty.send(a.rtp, packet, stream.localRtp(Side.A));
        TestParty.receive(b.rtp);
        TestParty.send(a.rtp, packet, stream.localRtp(Side.A));
        Await.until("refused", 2000, () -> relay.totals().srtp().sendRefused() == 1);
        assertNull(TestParty.receiveFrom(b.rtp, 200), "keystream is never reused");
    }

    @Test
    void whileKeysAreAwaitedNothingPassesEitherWay() throws IOException {
        stream.setKeys(Side.A, new LegKeys(null, key(SrtpProfile.AES_CM_128_HMAC_SHA1_80)));
        stream.setKeys(Side.B, LegKeys.AWAITING);
        TestParty.send(b.rtp, RtpPackets.rtp(1, 160, 0xb, 160), stream.localRtp(Side.B));
        TestParty.send(a.rtp, RtpPackets.rtp(1, 160, 0xa, 160), stream.localRtp(Side.A));
        assertFalse(stream.sendRtcp(Side.B, ByteBuffer.wrap(RtpPackets.rtcpReceiverReport(0x77))));
        Await.until("both counted", 2000, () -> relay.totals().srtp().awaitingKeys() == 2);
        assertNull(TestParty.receiveFrom(a.rtp, 100));
        assertNull(TestParty.receiveFrom(b.rtp, 100));
        assertNull(TestParty.receiveFrom(b.rtcp, 100));

        stream.setKeys(Side.B, LegKeys.PLAIN); // the answer came: B is plain
        byte[] fromB = RtpPackets.rtp(2, 320, 0xb, 160);
        TestParty.send(b.rtp, fromB, stream.localRtp(Side.B));
        assertEquals(fromB.length + 10, TestParty.receive(a.rtp).length, "now encrypted to A");
    }

    @Test
    void theRelaysOwnRtcpToAnSrtpPartyIsProtected() throws IOException {
        SrtpKeyMaterial toA = key(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        stream.setKeys(Side.A, new LegKeys(null, toA));
        byte[] pli = RtpPackets.rtcpReceiverReport(0x77);
        assertTrue(stream.sendRtcp(Side.A, ByteBuffer.wrap(pli)));
        byte[] atA = TestParty.receive(a.rtcp);
        assertArrayEquals(pli, unprotect(SrtcpContext.receiver(toA, 0x77), atA));
    }

    /**
     * What baresip 1.0 (libre) sent first in SrtpBaresipIT: its RTCP APP "PINGPONG" in the clear, then protected (the
     * packets and key from that capture). The clear one is dropped, the protected one goes on.
     */
    @Test
    void libresOpeningPingPong() throws Exception {
        SrtpKeyMaterial fromA = io.callrec.media.srtp.SdesCrypto.parse(
                "1 AES_CM_128_HMAC_SHA1_80 inline:ibKvG0mV8lWx6dk95EOE0g3CyMYANRuTgZ/ckwDR").key();
        stream.setKeys(Side.A, new LegKeys(fromA, key(SrtpProfile.AES_CM_128_HMAC_SHA1_80)));
        java.util.HexFormat hex = java.util.HexFormat.of();
        TestParty.send(a.rtcp, hex.parseHex("80cc00036fba238550494e47504f4e47"), stream.localRtcp(Side.A));
        TestParty.send(a.rtcp, hex.parseHex("80cc00036fba2385c87952f3e522dafe80000001719c371214c9e3390dfd"),
                stream.localRtcp(Side.A));
        assertArrayEquals(hex.parseHex("80cc00036fba238550494e47504f4e47"), TestParty.receive(b.rtcp));
        assertEquals(1, relay.totals().srtp().malformed(), "the clear one is too short for SRTCP");
        assertEquals(0, relay.totals().srtp().authFailed());
    }

    /**
     * The packet path skips a leg's crypto state while its keys are plain (a flag on the endpoint): turning SRTP on
     * and off again by re-INVITE must be followed from the very next packet, in both directions of the flag.
     */
    @Test
    void aLegThatTurnsSrtpOnAndOffIsFollowedFromTheNextPacket() throws IOException {
        byte[] first = RtpPackets.rtp(1, 160, 0xa, 160);
        TestParty.send(a.rtp, first, stream.localRtp(Side.A));
        assertArrayEquals(first, TestParty.receive(b.rtp));

        SrtpKeyMaterial toB = key(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        stream.setKeys(Side.B, new LegKeys(null, toB));
        byte[] second = RtpPackets.rtp(2, 320, 0xa, 160);
        TestParty.send(a.rtp, second, stream.localRtp(Side.A));
        assertArrayEquals(second, unprotect(SrtpContext.receiver(toB, 0xa), TestParty.receive(b.rtp)));

        stream.setKeys(Side.B, LegKeys.PLAIN);
        byte[] third = RtpPackets.rtp(3, 480, 0xa, 160);
        TestParty.send(a.rtp, third, stream.localRtp(Side.A));
        assertArrayEquals(third, TestParty.receive(b.rtp), "plain again");
        assertEquals(1, relay.totals().srtp().encrypted());
    }

    @Test
    void plainLegsStayByteForByte() throws IOException {
        byte[] packet = RtpPackets.rtp(1, 160, 0xa, 160);
        TestParty.send(a.rtp, packet, stream.localRtp(Side.A));
        assertArrayEquals(packet, TestParty.receive(b.rtp));
        assertEquals(LegKeys.PLAIN, stream.keys(Side.A));
        assertEquals(0, relay.totals().srtp().decrypted() + relay.totals().srtp().encrypted());
    }

    @Test
    void theReceiveBufferLeavesRoomForTheTagOfTheLargestDatagram() throws IOException {
        SrtpKeyMaterial toB = key(SrtpProfile.AEAD_AES_256_GCM);
        stream.setKeys(Side.B, new LegKeys(null, toB));
        // The largest datagram the relay takes; it leaves with the tag on top.
        byte[] big = RtpPackets.rtp(1, 160, 0xa, PacketForwarder.MAX_PACKET_BYTES - 12);
        TestParty.send(a.rtp, big, stream.localRtp(Side.A));
        byte[] atB = TestParty.receive(b.rtp);
        assertArrayEquals(big, unprotect(SrtpContext.receiver(toB, 0xa), atB));
    }

}
