package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.srtp.SrtcpContext;
import io.callrec.media.srtp.SrtpContext;
import io.callrec.media.srtp.SrtpKeyMaterial;
import io.callrec.media.srtp.SrtpProfile;
import io.callrec.media.srtp.SrtpVerdict;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The per-leg state without sockets: keys adopted on the relay thread, verdicts as counter slots, SRTCP tags. */
class LegCryptoTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static ByteBuffer packet(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length + LegCrypto.MAX_OVERHEAD).put(bytes).flip();
    }

    @Test
    void verdictsBecomeCounterSlots() {
        SrtpKeyMaterial fromParty = SrtpKeyMaterial.random(SrtpProfile.AES_CM_128_HMAC_SHA1_80, RANDOM);
        LegCrypto leg = new LegCrypto();
        leg.publish(new LegKeys(fromParty, null));
        assertTrue(leg.receivesSrtp());
        assertFalse(leg.sendsSrtp());
        ByteBuffer wire = packet(RtpPackets.rtp(1, 160, 7, 40));
        assertEquals(SrtpVerdict.OK, SrtpContext.sender(fromParty, 7).protect(wire));
        ByteBuffer copy = packet(bytes(wire));
        assertEquals(LoopCounters.SRTP_DECRYPTED, leg.unprotect(wire, false));
        assertEquals(52, wire.remaining(), "the tag is gone");
        assertEquals(LoopCounters.SRTP_REPLAYED, leg.unprotect(copy, false));
        assertEquals(LoopCounters.SRTP_MALFORMED, leg.unprotect(packet(RtpPackets.rtcpReceiverReport(7)), true));
        ByteBuffer forged = packet(RtpPackets.rtp(2, 320, 7, 40));
        assertEquals(LoopCounters.SRTP_AUTH_FAILED, leg.unprotect(forged, false));
    }

    @Test
    void aPartySending32BitSrtcpTagsGetsThemBack() {
        SrtpKeyMaterial fromParty = SrtpKeyMaterial.random(SrtpProfile.AES_CM_128_HMAC_SHA1_32, RANDOM);
        SrtpKeyMaterial toParty = SrtpKeyMaterial.random(SrtpProfile.AES_CM_128_HMAC_SHA1_32, RANDOM);
        LegCrypto leg = new LegCrypto();
        leg.publish(new LegKeys(fromParty, toParty));
        ByteBuffer report = packet(RtpPackets.rtcpReceiverReport(7));
        assertEquals(SrtpVerdict.OK, SrtcpContext.sender(fromParty, 7, 4).protect(report));
        assertTrue(leg.receivesSrtp());
        assertEquals(LoopCounters.SRTP_DECRYPTED, leg.unprotect(report, true));

        assertTrue(leg.sendsSrtp());
        ByteBuffer out = packet(RtpPackets.rtcpReceiverReport(9));
        assertEquals(LoopCounters.SRTP_ENCRYPTED, leg.protect(out, true));
        assertEquals(8 + 4 + 4, out.remaining(), "index word and a 32-bit tag, as the party sends");
        SrtcpContext party = SrtcpContext.receiver(toParty, 9);
        assertEquals(SrtpVerdict.OK, party.unprotect(out));
        assertEquals(4, party.tagLength());
    }

    @Test
    void withoutSrtcpFromThePartyThe80BitTagOfRfc5764IsSent() {
        SrtpKeyMaterial toParty = SrtpKeyMaterial.random(SrtpProfile.AES_CM_128_HMAC_SHA1_32, RANDOM);
        LegCrypto leg = new LegCrypto();
        leg.publish(new LegKeys(null, toParty));
        assertTrue(leg.sendsSrtp());
        ByteBuffer out = packet(RtpPackets.rtcpReceiverReport(9));
        assertEquals(LoopCounters.SRTP_ENCRYPTED, leg.protect(out, true));
        assertEquals(8 + 4 + 10, out.remaining());
    }

    @Test
    void equalKeysKeepTheSenderSoNoIndexIsProtectedTwice() {
        SrtpKeyMaterial toParty = SrtpKeyMaterial.random(SrtpProfile.AEAD_AES_256_GCM, RANDOM);
        LegCrypto leg = new LegCrypto();
        leg.publish(new LegKeys(null, toParty));
        assertTrue(leg.sendsSrtp());
        assertEquals(LoopCounters.SRTP_ENCRYPTED, leg.protect(packet(RtpPackets.rtp(5, 0, 3, 20)), false));
        leg.publish(new LegKeys(null, SrtpKeyMaterial.of(toParty.profile(), toParty.keyThenSalt())));
        assertTrue(leg.sendsSrtp());
        assertEquals(LoopCounters.SRTP_SEND_REFUSED, leg.protect(packet(RtpPackets.rtp(5, 0, 3, 20)), false),
                "the kept sender remembers index 5");
        leg.publish(new LegKeys(null, SrtpKeyMaterial.random(SrtpProfile.AEAD_AES_256_GCM, RANDOM)));
        assertTrue(leg.sendsSrtp());
        assertEquals(LoopCounters.SRTP_ENCRYPTED, leg.protect(packet(RtpPackets.rtp(5, 0, 3, 20)), false),
                "a new key, a new sender: index 5 is new under it");
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
