package io.callrec.media.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Any {@code a=crypto} values, as an offer or as the answer to ours: only {@link SdesException}, whose message never
 * repeats a key; a value that parses formats back to itself; an answer always echoes an offered tag and suite.
 */
class SdesCryptoFuzz {
    private static final Pattern SHOWN_KEY = Pattern.compile("inline:(?!<hidden>)[^ |;]", Pattern.CASE_INSENSITIVE);
    private static final SecureRandom RANDOM = new SecureRandom();

    @FuzzTest(maxDuration = "20s", maxExecutions = 25000)
    @DictionaryEntries({"1 ", "AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM",
        "AEAD_AES_256_GCM", "inline:", "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz", "|2^31", "|2^20", "|1:4",
        "KDR=1", "UNENCRYPTED_SRTP", "UNENCRYPTED_SRTCP", "UNAUTHENTICATED_SRTP", "FEC_ORDER=FEC_SRTP",
        "WSH=64"})
    void attributesParseOrAreRefusedWithoutShowingTheirKey(FuzzedDataProvider data) {
        List<String> values = new ArrayList<>();
        int count = data.consumeInt(1, 4);
        for (int i = 0; i < count; i++) {
            values.add(data.consumeString(200));
        }
        for (String value : values) {
            try {
                SdesCrypto parsed = SdesCrypto.parse(value);
                assertTrue(parsed.tag() >= 0, value);
                SdesCrypto again = SdesCrypto.parse(parsed.format());
                assertEquals(parsed.tag(), again.tag());
                assertEquals(parsed.key(), again.key());
                assertEquals(parsed.sessionParams(), again.sessionParams());
                assertFalse(parsed.toString().contains(java.util.Base64.getEncoder()
                        .encodeToString(parsed.key().keyThenSalt())), "toString hides the key");
            } catch (SdesException e) {
                assertKeyHidden(value, e);
            }
        }
        try {
            SdesAnswer answer = SdesCrypto.answer(values, SdesCrypto.DEFAULT_PREFERENCE, RANDOM);
            assertEquals(answer.offered().tag(), answer.answered().tag());
            assertEquals(answer.offered().profile(), answer.answered().profile());
            assertFalse(answer.offered().key().equals(answer.answered().key()), "our key is our own");
        } catch (SdesException e) {
            for (String value : values) {
                assertKeyHidden(value, e);
            }
        }
        List<SdesCrypto> ours = SdesCrypto.offer(SdesCrypto.DEFAULT_PREFERENCE, RANDOM);
        for (String value : values) {
            try {
                SdesAnswer accepted = SdesCrypto.acceptAnswer(ours, value);
                assertTrue(ours.contains(accepted.offered()), "the answer names one of our lines");
            } catch (SdesException e) {
                assertKeyHidden(value, e);
            }
        }
    }

    /** Wherever the message quotes the attribute, an {@code inline:} key parameter shows only as hidden. */
    private static void assertKeyHidden(String value, SdesException e) {
        Matcher shown = SHOWN_KEY.matcher(e.getMessage());
        assertFalse(shown.find(), "the message shows a key (" + value + "): " + e.getMessage());
    }
}
