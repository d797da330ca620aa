package io.callrec.sip.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeliveryPolicyTest {
    private static final LinkDelivery JSON = new LinkDelivery("r1", "https://h/recordings/r1?exp=1&kid=k&sig=s\"x",
            Instant.parse("2026-12-01T10:00:00Z"), "alice", "sip:alice@example.com", null, true, 0);

    @Test
    void answersAreSortedAsTheSpecSays() {
        assertEquals(DeliveryPolicy.Verdict.DELIVERED, DeliveryPolicy.verdict(200, true));
        assertEquals(DeliveryPolicy.Verdict.DELIVERED, DeliveryPolicy.verdict(202, false));
        assertEquals(DeliveryPolicy.Verdict.SEND_AS_TEXT, DeliveryPolicy.verdict(415, true));
        assertEquals(DeliveryPolicy.Verdict.GIVE_UP, DeliveryPolicy.verdict(415, false));
        for (int code : new int[] {408, 480, 500, 503, 600, 603}) {
            assertEquals(DeliveryPolicy.Verdict.RETRY, DeliveryPolicy.verdict(code, true), "" + code);
        }
        for (int code : new int[] {400, 403, 404, 405, 486, 488, 302}) {
            assertEquals(DeliveryPolicy.Verdict.GIVE_UP, DeliveryPolicy.verdict(code, true), "" + code);
        }
    }

    @Test
    void backoffDoublesFromFiveSecondsUpToTenMinutes() {
        assertEquals(Duration.ofSeconds(5), DeliveryPolicy.backoff(1));
        assertEquals(Duration.ofSeconds(10), DeliveryPolicy.backoff(2));
        assertEquals(Duration.ofSeconds(320), DeliveryPolicy.backoff(7));
        assertEquals(Duration.ofMinutes(10), DeliveryPolicy.backoff(8));
        assertEquals(Duration.ofMinutes(10), DeliveryPolicy.backoff(1000));
    }

    @Test
    void jsonBodyIsValidAndTextBodyIsOneLine() throws Exception {
        JsonNode n = new ObjectMapper().readTree(DeliveryPolicy.body(JSON));
        assertEquals("recording-ready", n.get("type").asText());
        assertEquals(JSON.url(), n.get("url").asText(), "quotes in the URL are escaped");
        assertEquals("2026-12-01T10:00:00Z", n.get("expires").asText());
        assertEquals("application/vnd.callrec+json", DeliveryPolicy.contentType(JSON));
        String text = DeliveryPolicy.body(JSON.asText());
        assertEquals("Call recording ready: " + JSON.url() + " (expires 2026-12-01 10:00 UTC)", text);
        assertTrue(DeliveryPolicy.contentType(JSON.asText()).startsWith("text/plain"));
    }
}
