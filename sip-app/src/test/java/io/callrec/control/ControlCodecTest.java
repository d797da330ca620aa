package io.callrec.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.control.ControlMessage.Allocate;
import io.callrec.control.ControlMessage.ConsentAsk;
import io.callrec.control.ControlMessage.ConsentOutcome;
import io.callrec.control.ControlMessage.ConsentRequest;
import io.callrec.control.ControlMessage.ConsentResponse;
import io.callrec.control.ControlMessage.ConsentWithdraw;
import io.callrec.control.ControlMessage.Pause;
import io.callrec.control.ControlMessage.RecordingError;
import io.callrec.control.ControlMessage.RecordingReady;
import io.callrec.control.ControlMessage.RecordingStarted;
import io.callrec.control.ControlMessage.RecordingState;
import io.callrec.control.ControlMessage.Resume;
import io.callrec.control.ControlMessage.StorageStatus;
import io.callrec.control.ControlMessage.Stop;
import io.callrec.control.ParseResult.Parsed;
import io.callrec.control.ParseResult.Rejection;
import io.callrec.record.RecordingMode;
import io.callrec.record.RecordingSession;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlCodecTest {
    private static final String CT = ControlCodec.CONTENT_TYPE;

    private static ParseResult parse(String json) {
        return ControlCodec.parse(json.getBytes(StandardCharsets.UTF_8), CT);
    }

    private static ControlMessage parsed(String json) {
        ParseResult r = parse(json);
        return assertInstanceOf(Parsed.class, r, () -> json + " -> " + r).message();
    }

    private static Rejection rejected(String json) {
        ParseResult r = parse(json);
        return assertInstanceOf(Rejection.class, r, () -> json + " -> " + r);
    }

    private static void assertBad(String json, String warningPart) {
        Rejection r = rejected(json);
        assertEquals(400, r.status(), json);
        assertTrue(r.warning().contains(warningPart), () -> json + ": warning '" + r.warning() + "' lacks '"
                + warningPart + "'");
    }

    @Test
    void everyMessageToTheServerRoundTrips() {
        List<ControlMessage.ToServer> all = List.of(
                new ConsentRequest(RecordingMode.BOTH, "q.1_A-b", true),
                new ConsentRequest(RecordingMode.PEER, null, false),
                new ConsentResponse("c-AAAAAAAAAAAAAAAAAAAAAA", false),
                new ConsentWithdraw(),
                new Allocate(RecordingMode.PEER, "req-9"),
                new Allocate(RecordingMode.BOTH, null),
                new Stop("r-1"), new Stop(null), new Pause("r-1"), new Pause(null), new Resume("r-2"),
                new Resume(null));
        for (ControlMessage.ToServer m : all) {
            byte[] body = ControlCodec.serialize(m);
            assertEquals(m, ((Parsed) ControlCodec.parse(body, CT)).message(), new String(body, StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyMessageToAUaRoundTrips() {
        List<ControlMessage.ToUa> all = List.of(
                new StorageStatus(true, null), new StorageStatus(false, "bucket unreachable"),
                new ConsentAsk("c-x", "sip:alice@example.com", RecordingMode.BOTH),
                ConsentOutcome.granted("q1"), ConsentOutcome.refused(null, ConsentReason.TIMEOUT),
                new RecordingStarted("r-1", RecordingMode.BOTH, "q1"), new RecordingStarted("r-2", RecordingMode.PEER, null),
                new RecordingState("r-1", RecordingSession.State.PAUSED, RecordingMode.PEER),
                new RecordingError(ErrorCode.STORAGE_UNAVAILABLE, "storage is unavailable", null, 30),
                new RecordingError(ErrorCode.DISK_FULL, "disk full", "r-1", null),
                new RecordingReady("r-1", "https://h:8443/recordings/r-1?exp=1&kid=k&sig=s",
                        Instant.parse("2026-12-01T10:00:00Z")));
        for (ControlMessage.ToUa m : all) {
            byte[] body = ControlCodec.serialize(m);
            ParseResult r = ControlCodec.parseFromServer(body, CT);
            assertEquals(new Parsed(m), r, new String(body, StandardCharsets.UTF_8));
        }
    }

    @Test
    void serializedBodiesLookLikeTheSpec() {
        assertEquals("{\"type\":\"recording-started\",\"recordingId\":\"r-1\",\"mode\":\"both\",\"requestId\":\"q1\","
                        + "\"spaces\":[\"requester\",\"peer\"]}",
                new String(ControlCodec.serialize(new RecordingStarted("r-1", RecordingMode.BOTH, "q1")),
                        StandardCharsets.UTF_8));
        assertEquals("{\"type\":\"recording-started\",\"recordingId\":\"r-1\",\"mode\":\"peer\",\"spaces\":[\"peer\"]}",
                new String(ControlCodec.serialize(new RecordingStarted("r-1", RecordingMode.PEER, null)),
                        StandardCharsets.UTF_8));
        assertEquals("{\"type\":\"consent-response\",\"requestId\":\"q1\",\"granted\":false,\"reason\":\"declined\"}",
                new String(ControlCodec.serialize(ConsentOutcome.refused("q1", ConsentReason.DECLINED)),
                        StandardCharsets.UTF_8));
        assertEquals("{\"type\":\"recording-state\",\"recordingId\":\"r-1\",\"state\":\"stopped\",\"mode\":\"both\"}",
                new String(ControlCodec.serialize(new RecordingState("r-1", RecordingSession.State.STOPPED,
                        RecordingMode.BOTH)), StandardCharsets.UTF_8));
        assertEquals("{\"type\":\"recording-ready\",\"recordingId\":\"r-1\",\"url\":\"https://x/r-1\","
                        + "\"expires\":\"2026-12-01T10:00:00Z\"}",
                new String(ControlCodec.serialize(new RecordingReady("r-1", "https://x/r-1",
                        Instant.parse("2026-12-01T10:00:00Z"))), StandardCharsets.UTF_8));
    }

    @Test
    void defaultsAndIgnoredFields() {
        assertEquals(new ConsentRequest(RecordingMode.BOTH, null, false), parsed("{\"type\":\"consent-request\","
                + "\"mode\":\"both\",\"x-vendor\":{\"a\":[1,2,{\"b\":null}]},\"note\":\"hi\"}"));
        // JSON null counts as absent for optional fields.
        assertEquals(new Stop(null), parsed("{\"type\":\"stop\",\"recordingId\":null}"));
        assertEquals(new ConsentWithdraw(), parsed("{\"mode\":7,\"type\":\"consent-withdraw\"}"));
        // Whitespace, a byte order mark and a charset parameter are fine.
        assertEquals(new Allocate(RecordingMode.PEER, null), ((Parsed) ControlCodec.parse(
                ("\uFEFF \r\n{ \"type\" : \"allocate\" , \"mode\" : \"peer\" }\n").getBytes(StandardCharsets.UTF_8),
                "Application/VND.callrec+JSON; charset=\"UTF-8\"")).message());
    }

    @Test
    void missingAndInvalidFieldsAre400sNamingTheField() {
        assertBad("{\"type\":\"allocate\"}", "missing field 'mode'");
        assertBad("{\"type\":\"allocate\",\"mode\":\"all\"}", "field 'mode' must be \"both\" or \"peer\"");
        assertBad("{\"type\":\"allocate\",\"mode\":\"BOTH\"}", "field 'mode'");
        assertBad("{\"type\":\"allocate\",\"mode\":null}", "missing field 'mode'");
        assertBad("{\"type\":\"allocate\",\"mode\":[\"both\"]}", "field 'mode' must be a string");
        assertBad("{\"type\":\"consent-request\",\"mode\":\"both\",\"start\":\"true\"}",
                "field 'start' must be true or false");
        assertBad("{\"type\":\"consent-request\",\"mode\":\"both\",\"start\":1}", "field 'start'");
        assertBad("{\"type\":\"consent-response\",\"consentId\":\"c-1\"}", "missing field 'granted'");
        assertBad("{\"type\":\"consent-response\",\"granted\":true}", "missing field 'consentId'");
        assertBad("{\"type\":\"consent-response\",\"consentId\":\"c 1\",\"granted\":true}",
                "field 'consentId' must match");
        assertBad("{\"type\":\"consent-response\",\"consentId\":\"" + "c".repeat(65) + "\",\"granted\":true}",
                "field 'consentId'");
        assertBad("{\"type\":\"allocate\",\"mode\":\"both\",\"requestId\":\"\"}", "field 'requestId'");
        assertBad("{\"type\":\"allocate\",\"mode\":\"both\",\"requestId\":42}", "field 'requestId' must be a string");
        assertBad("{\"type\":\"stop\",\"recordingId\":\"../etc/passwd\"}", "field 'recordingId'");
        assertBad("{\"type\":\"stop\",\"recordingId\":\"r-\u00e9\"}", "field 'recordingId'");
    }

    @Test
    void typeProblemsAre400s() {
        assertBad("{\"mode\":\"both\"}", "missing field 'type'");
        assertBad("{\"type\":5}", "field 'type' must be a string");
        assertBad("{\"type\":\"record-everything\"}", "unknown type 'record-everything'");
        assertBad("{\"type\":\"Allocate\",\"mode\":\"both\"}", "unknown type");
        assertBad("{\"type\":\"storage-status\",\"available\":true}", "sent by the server only");
        assertBad("{\"type\":\"recording-started\",\"recordingId\":\"r\",\"mode\":\"both\"}", "server only");
    }

    @Test
    void notJsonIs400() {
        assertBad("mode=both", "not JSON");
        assertBad("{\"type\":\"stop\"", "not JSON");
        assertBad("{'type':'stop'}", "not JSON");
        assertBad("{\"type\":\"stop\"} {\"type\":\"stop\"}", "not JSON");
        assertBad("{\"type\":\"stop\"} x", "not JSON");
        assertBad("[{\"type\":\"stop\"}]", "not a JSON object");
        assertBad("\"stop\"", "not a JSON object");
        assertBad("null", "not a JSON object");
        assertBad("   ", "not a JSON object");
        assertEquals(400, ((Rejection) ControlCodec.parse(new byte[0], CT)).status());
        assertEquals(400, ((Rejection) ControlCodec.parse(null, CT)).status());
    }

    @Test
    void duplicateFieldsAreRefusedNotGuessed() {
        assertBad("{\"type\":\"consent-response\",\"consentId\":\"c-1\",\"granted\":false,\"granted\":true}",
                "a field appears twice");
    }

    @Test
    void hostileBodiesAreRefusedCheaply() {
        // Deep nesting, inside the size limit.
        String deep = "{\"type\":\"stop\",\"x\":" + "[".repeat(4000) + "]".repeat(4000) + "}";
        assertBad(deep, "nested deeper than 16");
        String objects = "{\"type\":\"stop\",\"x\":" + "{\"a\":".repeat(20) + "1" + "}".repeat(20) + "}";
        assertBad(objects, "nested deeper");
        // Just inside the depth limit is fine.
        String ok = "{\"type\":\"stop\",\"x\":" + "[".repeat(14) + "]".repeat(14) + "}";
        assertEquals(new Stop(null), parsed(ok));
        // A huge body is refused before parsing.
        String huge = "{\"type\":\"stop\",\"x\":\"" + "a".repeat(1_000_000) + "\"}";
        Rejection r = rejected(huge);
        assertTrue(r.warning().contains("larger than 8192"), r.warning());
        // A long ignored string within the limit does no harm.
        assertEquals(new Stop(null), parsed("{\"type\":\"stop\",\"x\":\"" + "a".repeat(8000) + "\"}"));
        // Numbers with thousands of digits.
        assertBad("{\"type\":\"stop\",\"x\":" + "9".repeat(5000) + "}", "overlong");
        // Not UTF-8.
        byte[] latin1 = "{\"type\":\"stop\",\"x\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(new Rejection(400, "body is not UTF-8"), ControlCodec.parse(latin1, CT));
        // A NUL and control characters in a type name end up harmless in the warning.
        Rejection nul = rejected("{\"type\":\"a\\u0000b\\r\\nVia: x\"}");
        assertTrue(nul.answer().warningHeader().matches("399 callrec \"[^\\r\\n\\x00]*\""), nul.answer().warningHeader());
    }

    @Test
    void otherContentTypesAre415() {
        byte[] body = "{\"type\":\"stop\"}".getBytes(StandardCharsets.UTF_8);
        for (String ct : new String[] {"application/json", "text/plain", "application/vnd.callrec+json-x", "", null}) {
            ParseResult r = ControlCodec.parse(body, ct);
            assertEquals(415, assertInstanceOf(Rejection.class, r, String.valueOf(ct)).status(), String.valueOf(ct));
        }
        assertEquals(415, ((Rejection) ControlCodec.parse(body, CT + ";charset=iso-8859-1")).status());
        assertInstanceOf(Parsed.class, ControlCodec.parse(body, CT + ";version=1"));
    }

    @Test
    void aContentTypeOfOnlySemicolonsIs415NotAnException() {
        // Found by ControlCodecFuzz: ";".split(";") is an empty array, and parts[0] threw.
        byte[] body = "{\"type\":\"stop\"}".getBytes(StandardCharsets.UTF_8);
        for (String ct : new String[] {";", ";;", " ;"}) {
            assertEquals(415, assertInstanceOf(Rejection.class, ControlCodec.parse(body, ct), ct).status(), ct);
            assertEquals(415, assertInstanceOf(Rejection.class, ControlCodec.parseFromServer(body, ct), ct).status());
        }
    }

    @Test
    void serverMessagesAreValidatedWhenClientsReadThem() {
        byte[] bad = "{\"type\":\"consent-response\",\"granted\":true,\"reason\":\"declined\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(400, ((Rejection) ControlCodec.parseFromServer(bad, CT)).status());
        byte[] code = "{\"type\":\"recording-error\",\"code\":\"oops\",\"message\":\"m\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(((Rejection) ControlCodec.parseFromServer(code, CT)).warning().contains("'code'"));
        // What the server receives is not what clients receive: allocate is no server message.
        byte[] allocate = "{\"type\":\"allocate\",\"mode\":\"both\"}".getBytes(StandardCharsets.UTF_8);
        assertInstanceOf(Rejection.class, ControlCodec.parseFromServer(allocate, CT));
    }

    @Test
    void serializationIsUtf8() {
        byte[] body = ControlCodec.serialize(new ConsentAsk("c-1", "sip:j\u00f6rg@example.com", RecordingMode.PEER));
        assertArrayEquals("{\"type\":\"consent-request\",\"consentId\":\"c-1\",\"from\":\"sip:j\u00f6rg@example.com\",\"mode\":\"peer\"}"
                .getBytes(StandardCharsets.UTF_8), body);
    }
}
