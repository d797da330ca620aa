package io.callrec.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * DTMF INFO bodies come in informal formats from any UA. {@link DtmfInfoBody} must never throw, find a digit only
 * in a DTMF content type and only one of {@code 0-9 * # A-D}, and read the digit of a well-formed body in any of
 * the spellings UAs use, with any extra lines around it.
 */
class DtmfInfoBodyFuzz {
    private static final String[] TYPES = {"application/dtmf-relay", "Application/DTMF", "application/dtmf-relay;x=y"};
    private static final char[] DIGITS = "0123456789*#ABCDabcd".toCharArray();

    @FuzzTest(maxDuration = "20s", maxExecutions = 15000)
    void onlyDtmfDigitsComeOutAndWellFormedBodiesAreRead(FuzzedDataProvider data) {
        String type = data.consumeBoolean() ? data.pickValue(TYPES) : data.consumeString(40);
        if (data.consumeBoolean()) {
            char digit = data.pickValue(DIGITS);
            String eol = data.pickValue(new String[] {"\r\n", "\n", "\r"});
            String before = data.consumeString(20).replace("=", "").replace("\r", "").replace("\n", "");
            String body = before + eol + (data.consumeBoolean() ? "signal" : "Signal") + " = " + digit + eol
                    + "Duration=" + data.consumeInt(0, 10000) + eol;
            Optional<Character> read = DtmfInfoBody.parse(TYPES[0], body.getBytes(StandardCharsets.UTF_8));
            assertEquals(Optional.of(Character.toUpperCase(digit)), read, body);
            return;
        }
        byte[] body = data.consumeRemainingAsBytes();
        Optional<Character> digit = DtmfInfoBody.parse(type, body);
        if (digit.isPresent()) {
            assertTrue(DtmfInfoBody.isDtmf(type), "a digit from " + type);
            assertTrue(DtmfInfoBody.isDtmfDigit(digit.get()), "digit " + digit.get());
            assertTrue(body.length <= DtmfInfoBody.MAX_BODY_BYTES);
        }
    }
}
