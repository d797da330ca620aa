package io.callrec.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.relay.LegKeys;
import io.callrec.media.relay.RelayConfig;
import io.callrec.media.relay.RelaySession;
import io.callrec.media.relay.RelayStream;
import io.callrec.media.relay.RtpRelay;
import io.callrec.media.relay.Side;
import io.callrec.media.srtp.SdesCrypto;
import io.callrec.media.srtp.SrtpProfile;
import io.callrec.sdp.MediaDescription;
import io.callrec.sdp.SdpNotAcceptableException;
import io.callrec.sdp.SdpParseException;
import io.callrec.sdp.SessionDescription;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SDES offer/answer per leg through {@link MediaAnchor}, down to the keys the relay stream gets. */
class SdesNegotiationTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RtpRelay relay;
    private RelaySession session;
    private MediaAnchor anchor;

    @BeforeEach
    void start() throws Exception {
        relay = RtpRelay.start(RelayConfig.defaults(InetAddress.getLoopbackAddress()).withPorts(27300, 27399));
        session = relay.openSession("sdes", (s, idle) -> { });
        anchor = new MediaAnchor(session, "127.0.0.1", Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private static String sdp(String user, int version, int port, String proto, List<SdesCrypto> crypto) {
        StringBuilder b = new StringBuilder("v=0\r\no=" + user + " 42 " + version + " IN IP4 127.0.0.1\r\ns=-\r\n"
                + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " + port + " " + proto + " 0 101\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n");
        for (SdesCrypto c : crypto) {
            b.append("a=crypto:").append(c.format()).append("\r\n");
        }
        return b.append("a=sendrecv\r\n").toString();
    }

    private static SdesCrypto line(int tag, SrtpProfile profile) {
        return SdesCrypto.generate(tag, profile, RANDOM);
    }

    private static List<SdesCrypto> crypto(String sdpText) throws Exception {
        List<SdesCrypto> out = new ArrayList<>();
        for (String value : SessionDescription.parse(sdpText).media().get(0).attributeValues("crypto")) {
            out.add(SdesCrypto.parse(value));
        }
        return out;
    }

    private static MediaDescription audio(String sdpText) throws SdpParseException {
        return SessionDescription.parse(sdpText).media().get(0);
    }

    private RelayStream stream() {
        return session.existing(0).orElseThrow();
    }

    /** One SRTP call set up: A offers CM_80 and CM_32, B picks our CM_80 line. */
    private final class Call {
        final SdesCrypto aOffers80 = line(1, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        final SdesCrypto aOffers32 = line(2, SrtpProfile.AES_CM_128_HMAC_SHA1_32);
        final String toB;
        final SdesCrypto bAnswers;
        final String toA;

        Call() throws Exception {
            toB = anchor.relay(Side.A, sdp("alice", 1, 16000, "RTP/SAVP", List.of(aOffers80, aOffers32)),
                    SdpRole.OFFER);
            SdesCrypto ourOffer80 = crypto(toB).stream()
                    .filter(c -> c.profile() == SrtpProfile.AES_CM_128_HMAC_SHA1_80).findFirst().orElseThrow();
            bAnswers = line(ourOffer80.tag(), SrtpProfile.AES_CM_128_HMAC_SHA1_80);
            toA = anchor.relay(Side.B, sdp("bob", 7, 17000, "RTP/SAVP", List.of(bAnswers)), SdpRole.ANSWER);
        }

        SdesCrypto ourOfferTo(SdesCrypto answer) throws Exception {
            return crypto(toB).stream().filter(c -> c.tag() == answer.tag()).findFirst().orElseThrow();
        }
    }

    @Test
    void eachLegGetsItsOwnKeysAndNeverSeesTheOtherPartys() throws Exception {
        Call call = new Call();
        List<SdesCrypto> offerToB = crypto(call.toB);
        assertEquals("RTP/SAVP", audio(call.toB).proto());
        assertEquals(SdesCrypto.DEFAULT_PREFERENCE, offerToB.stream().map(SdesCrypto::profile).toList(),
                "every suite we support, in our preference order");
        assertEquals(List.of(1, 2, 3, 4), offerToB.stream().map(SdesCrypto::tag).toList());
        for (SdesCrypto c : offerToB) {
            assertNotEquals(call.aOffers80.key(), c.key(), "A's key is not passed on");
        }
        assertFalse(call.toB.contains(call.aOffers80.format().split("inline:")[1]));

        List<SdesCrypto> answerToA = crypto(call.toA);
        assertEquals(1, answerToA.size());
        SdesCrypto ours = answerToA.get(0);
        assertEquals(1, ours.tag(), "A's CM_80 line is answered (we prefer it to CM_32)");
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, ours.profile());
        assertNotEquals(call.bAnswers.key(), ours.key(), "B's key is not passed on");
        assertEquals("RTP/SAVP", audio(call.toA).proto());

        assertEquals(new LegKeys(call.aOffers80.key(), ours.key()), stream().keys(Side.A));
        assertEquals(new LegKeys(call.bAnswers.key(), call.ourOfferTo(call.bAnswers).key()), stream().keys(Side.B));
    }

    @Test
    void aNewSrtpStreamIsClosedUntilItsAnswer() throws Exception {
        SdesCrypto aOffers = line(1, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        anchor.relay(Side.A, sdp("alice", 1, 16000, "RTP/SAVP", List.of(aOffers)), SdpRole.OFFER);
        assertEquals(aOffers.key(), stream().keys(Side.A).fromParty(), "the offerer's leg is keyed at once");
        assertEquals(LegKeys.AWAITING, stream().keys(Side.B), "B's packets would race ahead of its answer");
        anchor.relay(Side.B, sdp("bob", 1, 17000, "RTP/AVP", List.of()), SdpRole.ANSWER);
        assertEquals(LegKeys.PLAIN, stream().keys(Side.B));
    }

    @Test
    void gcmIsPreferredWhenAnswering() throws Exception {
        SdesCrypto cm = line(1, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        SdesCrypto gcm = line(2, SrtpProfile.AEAD_AES_128_GCM);
        String toB = anchor.relay(Side.A, sdp("alice", 1, 16000, "RTP/SAVPF", List.of(cm, gcm)), SdpRole.OFFER);
        assertEquals("RTP/SAVPF", audio(toB).proto(), "the offer's profile is mirrored");
        String toA = anchor.relay(Side.B, sdp("bob", 1, 17000, "RTP/SAVPF", List.of(line(1,
                SrtpProfile.AEAD_AES_256_GCM))), SdpRole.ANSWER);
        SdesCrypto ours = crypto(toA).get(0);
        assertEquals(2, ours.tag());
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, ours.profile());
        assertEquals(gcm.key(), stream().keys(Side.A).fromParty());
        assertEquals(SrtpProfile.AEAD_AES_256_GCM, stream().keys(Side.B).toParty().profile());
    }

    @Test
    void plainStaysPlainAndUntouched() throws Exception {
        String offer = sdp("alice", 1, 16000, "RTP/AVP", List.of());
        String toB = anchor.relay(Side.A, offer, SdpRole.OFFER);
        assertFalse(toB.contains("crypto"));
        assertEquals("RTP/AVP", audio(toB).proto());
        anchor.relay(Side.B, sdp("bob", 1, 17000, "RTP/AVP", List.of()), SdpRole.ANSWER);
        assertEquals(LegKeys.PLAIN, stream().keys(Side.A));
        assertEquals(LegKeys.PLAIN, stream().keys(Side.B));
    }

    @Test
    void unusableCryptoOnSavpIsNotAcceptable() {
        String mki = "1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^31|1:4";
        String offer = sdp("alice", 1, 16000, "RTP/SAVP", List.of()).replace("a=sendrecv",
                "a=crypto:" + mki + "\r\na=crypto:2 F8_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj"
                        + "\r\na=sendrecv");
        SdpNotAcceptableException e = assertThrows(SdpNotAcceptableException.class,
                () -> anchor.relay(Side.A, offer, SdpRole.OFFER));
        assertTrue(e.reason().contains("MKI") && e.reason().contains("F8_128_HMAC_SHA1_80 is not supported"),
                e.reason());
        assertFalse(e.getMessage().contains("d0Rmdm"), "no key in the message");
        assertEquals(0, relay.portsInUse(), "refused before any port was taken");

        SdpNotAcceptableException none = assertThrows(SdpNotAcceptableException.class,
                () -> anchor.relay(Side.A, sdp("alice", 2, 16000, "RTP/SAVP", List.of()), SdpRole.OFFER));
        assertTrue(none.reason().contains("without a=crypto"), none.reason());
    }

    @Test
    void bestEffortSrtpWeCannotDoFallsBackToPlain() throws Exception {
        String offer = sdp("alice", 1, 16000, "RTP/AVP", List.of()).replace("a=sendrecv",
                "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:" + "A".repeat(62) + "==\r\na=sendrecv");
        String toB = anchor.relay(Side.A, offer, SdpRole.OFFER);
        assertFalse(toB.contains("a=crypto"), toB);
        String toA = anchor.relay(Side.B, sdp("bob", 1, 17000, "RTP/AVP", List.of()), SdpRole.ANSWER);
        assertFalse(toA.contains("a=crypto"), toA);
        assertEquals(LegKeys.PLAIN, stream().keys(Side.A));
    }

    @Test
    void bestEffortSrtpOnOneLegPlainOnTheOther() throws Exception {
        SdesCrypto aOffers = line(1, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        String toB = anchor.relay(Side.A, sdp("alice", 1, 16000, "RTP/AVP", List.of(aOffers)), SdpRole.OFFER);
        assertEquals("RTP/AVP", audio(toB).proto());
        assertEquals(4, crypto(toB).size(), "best effort is offered on as it came");
        String toA = anchor.relay(Side.B, sdp("bob", 1, 17000, "RTP/AVP", List.of()), SdpRole.ANSWER);
        assertEquals(1, crypto(toA).size(), "A still gets SRTP");
        assertEquals(new LegKeys(aOffers.key(), crypto(toA).get(0).key()), stream().keys(Side.A));
        assertEquals(LegKeys.PLAIN, stream().keys(Side.B), "B answered without a=crypto: plain");
    }

    @Test
    void aSavpAnswerWithoutCryptoLeavesThatLegPlain() throws Exception {
        anchor.relay(Side.A, sdp("alice", 1, 16000, "RTP/SAVP", List.of(line(1, SrtpProfile.AEAD_AES_256_GCM))),
                SdpRole.OFFER);
        String toA = anchor.relay(Side.B, sdp("bob", 1, 17000, "RTP/AVP", List.of()), SdpRole.ANSWER);
        assertEquals("RTP/SAVP", audio(toA).proto(), "the answer to A keeps A's transport");
        assertEquals(1, crypto(toA).size());
        assertEquals(LegKeys.PLAIN, stream().keys(Side.B));
    }

    @Test
    void anAnswerWithATagWeDidNotOfferIsUnusable() throws Exception {
        anchor.relay(Side.A, sdp("alice", 1, 16000, "RTP/SAVP", List.of(line(1, SrtpProfile.AEAD_AES_256_GCM))),
                SdpRole.OFFER);
        SdpParseException e = assertThrows(SdpParseException.class, () -> anchor.relay(Side.B,
                sdp("bob", 1, 17000, "RTP/SAVP", List.of(line(9, SrtpProfile.AEAD_AES_256_GCM))), SdpRole.ANSWER));
        assertFalse(e instanceof SdpNotAcceptableException);
        assertTrue(e.getMessage().contains("tag 9 is not one we offered"), e.getMessage());
    }

    @Test
    void aReInviteWithTheSameKeysReKeysNothing() throws Exception {
        Call call = new Call();
        LegKeys aBefore = stream().keys(Side.A);
        LegKeys bBefore = stream().keys(Side.B);
        // New o= version (say, a codec change), same a=crypto lines.
        String toB = anchor.relay(Side.A, sdp("alice", 2, 16000, "RTP/SAVP", List.of(call.aOffers80,
                call.aOffers32)), SdpRole.OFFER);
        List<SdesCrypto> reOffer = crypto(toB);
        assertEquals(1, reOffer.size(), "only what is in use on B's leg");
        assertEquals(call.bAnswers.tag(), reOffer.get(0).tag());
        assertEquals(bBefore.toParty(), reOffer.get(0).key());
        String toA = anchor.relay(Side.B, sdp("bob", 8, 17000, "RTP/SAVP", List.of(call.bAnswers)),
                SdpRole.ANSWER);
        assertEquals(crypto(call.toA), crypto(toA), "A is answered with the key in use");
        assertEquals(aBefore, stream().keys(Side.A));
        assertEquals(bBefore, stream().keys(Side.B));

        // The answerer re-offers with its key in use, under a new tag: answered with our key in use, new tag.
        SdesCrypto bSameKey = new SdesCrypto(5, call.bAnswers.key(), List.of());
        anchor.relay(Side.B, sdp("bob", 9, 17000, "RTP/SAVP", List.of(bSameKey)), SdpRole.OFFER);
        String toBAnswer = anchor.relay(Side.A, sdp("alice", 3, 16000, "RTP/SAVP", List.of(
                new SdesCrypto(1, call.aOffers80.key(), List.of()))), SdpRole.ANSWER);
        SdesCrypto ourAnswerToB = crypto(toBAnswer).get(0);
        assertEquals(5, ourAnswerToB.tag());
        assertEquals(bBefore.toParty(), ourAnswerToB.key());
        assertEquals(aBefore, stream().keys(Side.A));
        assertEquals(bBefore, stream().keys(Side.B));
    }

    @Test
    void theAnswerToOurOwnSessionRefreshKeysThatLegOnly() throws Exception {
        Call call = new Call();
        LegKeys aBefore = stream().keys(Side.A);
        LegKeys bBefore = stream().keys(Side.B);
        String refresh = anchor.lastSentTo(Side.B).orElseThrow(); // what a re-INVITE toward B repeats
        assertEquals(call.toB, refresh);
        anchor.refreshAnswered(Side.B, sdp("bob", 7, 17000, "RTP/SAVP", List.of(call.bAnswers)));
        assertEquals(bBefore, stream().keys(Side.B), "an unchanged answer changes nothing");

        SdesCrypto newKey = line(call.bAnswers.tag(), SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        anchor.refreshAnswered(Side.B, sdp("bob", 8, 17000, "RTP/SAVP", List.of(newKey)));
        assertEquals(new LegKeys(newKey.key(), bBefore.toParty()), stream().keys(Side.B));
        assertEquals(aBefore, stream().keys(Side.A));
        assertThrows(SdpParseException.class, () -> anchor.refreshAnswered(Side.B, sdp("bob", 9, 17000,
                "RTP/SAVP", List.of(line(9, SrtpProfile.AES_CM_128_HMAC_SHA1_80)))));
    }

    @Test
    void aNewKeyFromTheOffererReKeysBothLegs() throws Exception {
        Call call = new Call();
        LegKeys aBefore = stream().keys(Side.A);
        LegKeys bBefore = stream().keys(Side.B);
        SdesCrypto newKey = line(1, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        String toB = anchor.relay(Side.A, sdp("alice", 2, 16000, "RTP/SAVP", List.of(newKey)), SdpRole.OFFER);
        assertEquals(4, crypto(toB).size(), "a fresh offer");
        assertEquals(aBefore, stream().keys(Side.A), "nothing changes before the answer");
        SdesCrypto bAnswers = line(3, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        String toA = anchor.relay(Side.B, sdp("bob", 8, 17000, "RTP/SAVP", List.of(bAnswers)), SdpRole.ANSWER);
        assertEquals(newKey.key(), stream().keys(Side.A).fromParty());
        assertNotEquals(aBefore.toParty(), stream().keys(Side.A).toParty());
        assertEquals(crypto(toA).get(0).key(), stream().keys(Side.A).toParty());
        assertNotEquals(bBefore, stream().keys(Side.B));
    }

    @Test
    void anUnchangedOfferIsRepeatedAndItsAnswerStillKeys() throws Exception {
        SdesCrypto aOffers = line(1, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        String offer = sdp("alice", 1, 16000, "RTP/SAVP", List.of(aOffers));
        String toB = anchor.relay(Side.A, offer, SdpRole.OFFER);
        assertSame(toB, anchor.relay(Side.A, offer, SdpRole.OFFER), "a retransmitted offer changes nothing");
        String toA = anchor.relay(Side.B, sdp("bob", 1, 17000, "RTP/SAVP", List.of(line(3,
                SrtpProfile.AES_CM_128_HMAC_SHA1_80))), SdpRole.ANSWER);
        assertEquals(new LegKeys(aOffers.key(), crypto(toA).get(0).key()), stream().keys(Side.A));
    }

    @Test
    void earlyMediaThenTheFinalAnswerBothKey() throws Exception {
        anchor.relay(Side.A, sdp("alice", 1, 16000, "RTP/SAVP", List.of(line(1, SrtpProfile.AEAD_AES_128_GCM))),
                SdpRole.OFFER);
        SdesCrypto early = line(2, SrtpProfile.AEAD_AES_128_GCM);
        String toA183 = anchor.relay(Side.B, sdp("bob", 1, 17000, "RTP/SAVP", List.of(early)), SdpRole.ANSWER);
        assertEquals(early.key(), stream().keys(Side.B).fromParty());
        SdesCrypto fin = line(2, SrtpProfile.AEAD_AES_128_GCM);
        String toA200 = anchor.relay(Side.B, sdp("bob", 2, 17000, "RTP/SAVP", List.of(fin)), SdpRole.ANSWER);
        assertEquals(fin.key(), stream().keys(Side.B).fromParty());
        assertEquals(crypto(toA183), crypto(toA200), "A gets one answer key");
    }

    @Test
    void theRoleIsGuessedWhenNotGiven() throws Exception {
        SdesCrypto aOffers = line(1, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        anchor.relay(Side.A, sdp("alice", 1, 16000, "RTP/SAVP", List.of(aOffers)));
        String toA = anchor.relay(Side.B, sdp("bob", 1, 17000, "RTP/SAVP", List.of(line(3,
                SrtpProfile.AES_CM_128_HMAC_SHA1_80))));
        assertEquals(1, crypto(toA).size());
        assertEquals(aOffers.key(), stream().keys(Side.A).fromParty());
    }

}
