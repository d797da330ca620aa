package io.callrec.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.callrec.control.PeerAnswerParser.Answer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * During a consent window every MESSAGE from the peer is read by {@link PeerAnswerParser}. It must never throw
 * (whatever the content type and charset), must answer yes or no only for a short text holding that word, and
 * must read a text the same plain or wrapped in CPIM.
 */
class PeerAnswerParserFuzz {
    private static final PeerAnswerParser PARSER = PeerAnswerParser.defaults();
    private static final String[] TYPES = {"text/plain", "text/plain;charset=UTF-16", "message/cpim",
            "text/plain; charset=\"x-unknown\"", "application/im-iscomposing+xml", "message/imdn+xml"};

    @FuzzTest(maxDuration = "20s", maxExecutions = 25000)
    void answersComeOnlyFromShortTextsAndReadTheSameInCpim(FuzzedDataProvider data) {
        String type = data.consumeBoolean() ? data.pickValue(TYPES) : data.consumeString(60);
        byte[] body = data.consumeRemainingAsBytes();
        Answer answer = PARSER.parse(type, body);
        if (answer == Answer.YES || answer == Answer.NO) {
            String word = answer == Answer.YES ? "yes" : "no";
            assertTrue(decodedSomehow(body).contains(word), answer + " from " + Arrays.toString(body));
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (Arrays.equals(text.getBytes(StandardCharsets.UTF_8), body)) {
            String cpim = "From: <sip:bob@example.com>\r\nNS: x <urn:x>\r\n\r\nContent-Type: text/plain\r\n\r\n" + text;
            assertEquals(PARSER.parse("text/plain", body),
                    PARSER.parse("message/cpim", cpim.getBytes(StandardCharsets.UTF_8)), "CPIM around " + text);
        }
    }

    /** The body in every charset a MESSAGE may name, lower case: where the answer word must appear. */
    private static String decodedSomehow(byte[] body) {
        StringBuilder all = new StringBuilder();
        for (Charset c : Charset.availableCharsets().values()) {
            if (c.canEncode()) {
                all.append(new String(body, c).toLowerCase(Locale.ROOT)).append('\n');
            }
        }
        return all.toString();
    }
}
