package io.callrec.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.callrec.control.ParseResult.Parsed;
import io.callrec.control.ParseResult.Rejection;
import java.nio.charset.StandardCharsets;

/**
 * The JSON bodies of callrec INFOs come from anyone in a dialog. {@link ControlCodec} must answer every body and
 * content type with a message or a 400/415 refusal (never an exception), its warning must make a well-formed SIP
 * Warning header, and every message it accepts must serialize back into a body that parses to the same message.
 */
class ControlCodecFuzz {
    private static final String[] TYPES = {ControlCodec.CONTENT_TYPE, "Application/VND.callrec+JSON; charset=UTF-8",
            ControlCodec.CONTENT_TYPE + ";charset=\"latin1\"", "application/json"};

    @FuzzTest(maxDuration = "30s", maxExecutions = 80000)
    @DictionaryEntries({"{\"type\":\"", "consent-request", "consent-response", "consent-withdraw", "allocate",
            "stop", "pause", "resume", "storage-status", "recording-started", "recording-state", "recording-error",
            "recording-ready", "\"mode\":\"both\"", "\"mode\":\"peer\"", "\"requestId\":\"", "\"consentId\":\"",
            "\"recordingId\":\"", "\"granted\":true", "\"start\":false", "\"reason\":\"", "\"retryAfter\":",
            "\"expires\":\"2026-12-01T10:00:00Z\"", "\"url\":\"", "\"code\":\"", "\"message\":\"", "\"state\":\"",
            "\"available\":", "\"from\":\""})
    void everyBodyIsAnsweredAndAcceptedOnesRoundTrip(FuzzedDataProvider data) {
        boolean toServer = data.consumeBoolean();
        String contentType = data.consumeBoolean() ? data.pickValue(TYPES) : data.consumeString(60);
        byte[] body = data.consumeRemainingAsBytes();
        ParseResult result = toServer ? ControlCodec.parse(body, contentType)
                : ControlCodec.parseFromServer(body, contentType);
        if (result instanceof Rejection r) {
            String header = SipWarning.headerValue(r.warning());
            assertTrue(header.length() <= SipWarning.MAX_TEXT + 20, header);
            assertTrue(header.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "control character in " + header);
            return;
        }
        ControlMessage message = ((Parsed) result).message();
        assertTrue(toServer ? message instanceof ControlMessage.ToServer : message instanceof ControlMessage.ToUa);
        byte[] again = ControlCodec.serialize(message);
        ParseResult reread = toServer ? ControlCodec.parse(again, ControlCodec.CONTENT_TYPE)
                : ControlCodec.parseFromServer(again, ControlCodec.CONTENT_TYPE);
        assertEquals(new Parsed(message), reread, "round trip of " + new String(again, StandardCharsets.UTF_8));
    }
}
