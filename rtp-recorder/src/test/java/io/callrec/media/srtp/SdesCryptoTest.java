package io.callrec.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SdesCryptoTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** RFC 4568 §9.1's key, without its MKI: decodes to the 16-byte key and 14-byte salt it is made of. */
    @Test
    void parsesTheRfcExampleKey() throws Exception {
        SdesCrypto crypto = SdesCrypto.parse(
                "1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^31");
        assertEquals(1, crypto.tag());
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, crypto.profile());
        assertArrayEquals(Hex.bytes("774466766726542B2978473740666235"), crypto.key().masterKey());
        assertArrayEquals(Hex.bytes("6A552C5261417D5C7C7030252A23"), crypto.key().masterSalt());
        assertEquals(List.of(), crypto.sessionParams());
    }

    /** The RFC's own example line carries an MKI (|1:4): refused with the reason. */
    @Test
    void refusesAnMki() {
        SdesException e = assertThrows(SdesException.class, () -> SdesCrypto.parse(
                "1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^20|1:4"));
        assertTrue(e.getMessage().contains("lifetime 2^20") || e.getMessage().contains("MKI"), e.getMessage());
        SdesException mki = assertThrows(SdesException.class, () -> SdesCrypto.parse(
                "1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|1:4"));
        assertTrue(mki.getMessage().contains("MKI '1:4' is not supported"), mki.getMessage());
        SdesException both = assertThrows(SdesException.class, () -> SdesCrypto.parse(
                "1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^31|1:4"));
        assertTrue(both.getMessage().contains("MKI"), both.getMessage());
        assertFalse(both.getMessage().contains("d0Rmdm"), "no key in messages: " + both.getMessage());
    }

    @Test
    void lifetimes() throws Exception {
        String key = "1 AES_CM_128_HMAC_SHA1_32 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|";
        SdesCrypto.parse(key + "2^31");
        SdesCrypto.parse(key + "2^48");
        SdesCrypto.parse(key + "4294967296");
        SdesException shortOne = assertThrows(SdesException.class, () -> SdesCrypto.parse(key + "2^20"));
        assertTrue(shortOne.getMessage().contains("does not re-key"), shortOne.getMessage());
        assertThrows(SdesException.class, () -> SdesCrypto.parse(key + "1048576"));
        SdesException tooLong = assertThrows(SdesException.class, () -> SdesCrypto.parse(key + "2^49"));
        assertTrue(tooLong.getMessage().contains("maximum"), tooLong.getMessage());
        assertThrows(SdesException.class, () -> SdesCrypto.parse(key + "2^x"));
    }

    @Test
    void sessionParameters() throws Exception {
        String line = "7 AEAD_AES_128_GCM inline:" + SdesCrypto.generate(7, SrtpProfile.AEAD_AES_128_GCM, RANDOM)
                .format().split("inline:")[1];
        assertEquals(List.of("WSH=128", "-FUTURE_THING=1"), SdesCrypto.parse(line + " WSH=128 -FUTURE_THING=1")
                .sessionParams());
        for (String refused : List.of("KDR=0", "UNENCRYPTED_SRTP", "UNENCRYPTED_SRTCP", "UNAUTHENTICATED_SRTP",
                "FEC_ORDER=FEC_SRTP", "WSH=32", "NEW_MANDATORY")) {
            SdesException e = assertThrows(SdesException.class, () -> SdesCrypto.parse(line + " " + refused));
            assertTrue(e.getMessage().startsWith("a=crypto 7 AEAD_AES_128_GCM: "), e.getMessage());
        }
    }

    @Test
    void malformedAttributes() {
        for (String bad : List.of("", "1 AES_CM_128_HMAC_SHA1_80", "x AES_CM_128_HMAC_SHA1_80 inline:AAAA",
                "1234567890 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj",
                "1 AES_256_CM_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj",
                "1 AES_CM_128_HMAC_SHA1_80 uri:https://example.com/key",
                "1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAw",
                "1 AES_CM_128_HMAC_SHA1_80 inline:d0Rmdmc*VCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj",
                "1 AEAD_AES_128_GCM inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj",
                "1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj;"
                        + "inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj")) {
            assertThrows(SdesException.class, () -> SdesCrypto.parse(bad), bad);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void formatThenParseGivesTheSameAttribute(SrtpProfile profile) throws Exception {
        SdesCrypto ours = SdesCrypto.generate(3, profile, RANDOM);
        String value = ours.format();
        assertTrue(value.startsWith("3 " + profile.sdpName() + " inline:"), value);
        assertEquals(ours, SdesCrypto.parse(value));
        assertFalse(ours.toString().contains(value.split("inline:")[1]), "toString hides the key");
    }

    @Test
    void answersWithOurPreferredSuiteTheSameTagAndAFreshKey() throws Exception {
        SdesCrypto cm80 = SdesCrypto.generate(1, SrtpProfile.AES_CM_128_HMAC_SHA1_80, RANDOM);
        SdesCrypto cm32 = SdesCrypto.generate(2, SrtpProfile.AES_CM_128_HMAC_SHA1_32, RANDOM);
        SdesCrypto gcm = SdesCrypto.generate(5, SrtpProfile.AEAD_AES_128_GCM, RANDOM);
        List<String> offer = List.of(cm80.format(), cm32.format() + " UNENCRYPTED_SRTP", gcm.format());

        SdesAnswer answer = SdesCrypto.answer(offer, SdesCrypto.DEFAULT_PREFERENCE, RANDOM);
        assertEquals(gcm, answer.offered());
        assertEquals(5, answer.answered().tag());
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, answer.answered().profile());
        assertNotEquals(gcm.key(), answer.answered().key());

        SdesAnswer cmFirst = SdesCrypto.answer(offer,
                List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_32, SrtpProfile.AES_CM_128_HMAC_SHA1_80), RANDOM);
        assertEquals(cm80, cmFirst.offered(), "the _32 line asks for unencrypted SRTP, so _80 is next");
    }

    @Test
    void anOfferWithNothingUsableSaysWhyForEachLine() {
        SdesException e = assertThrows(SdesException.class, () -> SdesCrypto.answer(List.of(
                "1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^20|1:32",
                "2 F8_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj"),
                SdesCrypto.DEFAULT_PREFERENCE, RANDOM));
        assertTrue(e.getMessage().contains("a=crypto 1 AES_CM_128_HMAC_SHA1_80: "), e.getMessage());
        assertTrue(e.getMessage().contains("F8_128_HMAC_SHA1_80 is not supported"), e.getMessage());
        SdesException none = assertThrows(SdesException.class,
                () -> SdesCrypto.answer(List.of(), SdesCrypto.DEFAULT_PREFERENCE, RANDOM));
        assertEquals("the offer has no a=crypto", none.getMessage());
    }

    @Test
    void theOffererChecksTheAnswerEchoesOneOfItsTagsAndSuites() throws Exception {
        List<SdesCrypto> offer = SdesCrypto.offer(
                List.of(SrtpProfile.AEAD_AES_256_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80), RANDOM);
        assertEquals(List.of(1, 2), offer.stream().map(SdesCrypto::tag).toList());
        SdesAnswer answer = SdesCrypto.answer(offer.stream().map(SdesCrypto::format).toList(),
                List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80), RANDOM);

        SdesAnswer accepted = SdesCrypto.acceptAnswer(offer, answer.answered().format());
        assertEquals(offer.get(1), accepted.offered());
        assertEquals(answer.answered(), accepted.answered());

        String wrongSuite = SdesCrypto.generate(2, SrtpProfile.AES_CM_128_HMAC_SHA1_32, RANDOM).format();
        assertThrows(SdesException.class, () -> SdesCrypto.acceptAnswer(offer, wrongSuite));
        String unknownTag = SdesCrypto.generate(9, SrtpProfile.AES_CM_128_HMAC_SHA1_80, RANDOM).format();
        assertThrows(SdesException.class, () -> SdesCrypto.acceptAnswer(offer, unknownTag));
    }

    /** The keys of an SDES exchange key both directions: what one side protects, the other unprotects. */
    @Test
    void bothSidesOfAnExchangeUnderstandEachOther() throws Exception {
        List<SdesCrypto> offer = SdesCrypto.offer(List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80), RANDOM);
        SdesAnswer answerer = SdesCrypto.answer(offer.stream().map(SdesCrypto::format).toList(),
                SdesCrypto.DEFAULT_PREFERENCE, RANDOM);
        SdesAnswer offerer = SdesCrypto.acceptAnswer(offer, answerer.answered().format());
        int ssrc = 0x5501a0b2;
        SrtpContext offererSends = SrtpContext.sender(offerer.offered().key(), ssrc);
        SrtpContext answererReceives = SrtpContext.receiver(answerer.offered().key(), ssrc);
        byte[] plain = SrtpContextTest.rtp(1, 160, false, false);
        java.nio.ByteBuffer packet = SrtpContextTest.protect(offererSends, plain);
        assertEquals(SrtpVerdict.OK, answererReceives.unprotect(packet));
        assertArrayEquals(plain, SrtpContextTest.bytes(packet));
    }

    @Test
    void noErrorMessageQuotesAKeyWhateverPartOfTheAttributeItQuotes() {
        String key = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
        for (String value : List.of("1inline:" + key + " |2^20", "1 AES_CM_128_HMAC_SHA1_80 inline:" + key + " KDR=inline:" + key,
                "1 NO_SUCH_SUITE INLINE:" + key, "x AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^20|1:4")) {
            SdesException e = assertThrows(SdesException.class, () -> SdesCrypto.parse(value));
            assertFalse(e.getMessage().contains(key), e.getMessage());
            assertTrue(e.getMessage().contains("<hidden>") || !e.getMessage().toLowerCase().contains("inline"),
                    e.getMessage());
        }
        SdesException method = assertThrows(SdesException.class,
                () -> SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 secret:" + key));
        assertEquals("a=crypto 1 AES_CM_128_HMAC_SHA1_80: the key method must be inline (RFC 4568 section 6.1)",
                method.getMessage());
    }
}
