package io.callrec.control;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads and writes the bodies of callrec INFOs: UTF-8 JSON objects with a {@code "type"} field, of content type
 * {@value #CONTENT_TYPE} (spec §2). Fields beyond those listed are ignored, so clients can be extended; a field that
 * is listed but missing or of the wrong kind is a 400 with a warning naming it.
 *
 * <p>Bodies come from anyone who can reach a dialog, so parsing is bounded: at most {@value #MAX_BODY_BYTES} bytes,
 * {@value #MAX_DEPTH} levels of nesting, no duplicate keys (an ambiguous {@code "granted"} must not be read either
 * way), nothing after the object. Methods are thread-safe; byte arrays passed in are only read.
 */
public final class ControlCodec {
    /** The private media type of the package. */
    public static final String CONTENT_TYPE = "application/vnd.callrec+json";
    /** Every message of the package fits in a few hundred bytes; a UDP request stays under 1300 anyway. */
    public static final int MAX_BODY_BYTES = 8192;
    /** Listed fields are flat; extensions get a little room for nested objects. */
    public static final int MAX_DEPTH = 16;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_BODY_BYTES)
                    .maxNumberLength(64)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ControlCodec() {
    }

    /** Parses what a UA sent to the server: the result is a {@link ControlMessage.ToServer} or a rejection. */
    public static ParseResult parse(byte[] body, String contentType) {
        return parse(body, contentType, true);
    }

    /**
     * Parses what the server sent to a UA: the result is a {@link ControlMessage.ToUa} or a rejection. For clients
     * and tests; the server itself never reads these.
     */
    public static ParseResult parseFromServer(byte[] body, String contentType) {
        return parse(body, contentType, false);
    }

    /** The message as a UTF-8 JSON body of type {@value #CONTENT_TYPE}, {@code "type"} first, absent fields left out. */
    public static byte[] serialize(ControlMessage message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", message.type());
        if (message instanceof ConsentRequest m) {
            o.put("mode", m.mode().wireName());
            putIfPresent(o, "requestId", m.requestId());
            o.put("start", m.start());
        } else if (message instanceof ConsentResponse m) {
            o.put("consentId", m.consentId());
            o.put("granted", m.granted());
        } else if (message instanceof Allocate m) {
            o.put("mode", m.mode().wireName());
            putIfPresent(o, "requestId", m.requestId());
        } else if (message instanceof Stop m) {
            putIfPresent(o, "recordingId", m.recordingId());
        } else if (message instanceof Pause m) {
            putIfPresent(o, "recordingId", m.recordingId());
        } else if (message instanceof Resume m) {
            putIfPresent(o, "recordingId", m.recordingId());
        } else if (message instanceof StorageStatus m) {
            o.put("available", m.available());
            putIfPresent(o, "reason", m.reason());
        } else if (message instanceof ConsentAsk m) {
            o.put("consentId", m.consentId());
            o.put("from", m.from());
            o.put("mode", m.mode().wireName());
        } else if (message instanceof ConsentOutcome m) {
            putIfPresent(o, "requestId", m.requestId());
            o.put("granted", m.granted());
            if (m.reason() != null) {
                o.put("reason", m.reason().wireName());
            }
        } else if (message instanceof RecordingStarted m) {
            o.put("recordingId", m.recordingId());
            o.put("mode", m.mode().wireName());
            putIfPresent(o, "requestId", m.requestId());
            m.spaces().forEach(o.putArray("spaces")::add);
        } else if (message instanceof RecordingState m) {
            o.put("recordingId", m.recordingId());
            o.put("state", m.state().name().toLowerCase(Locale.ROOT));
            o.put("mode", m.mode().wireName());
        } else if (message instanceof RecordingError m) {
            o.put("code", m.code().wireName());
            o.put("message", m.message());
            putIfPresent(o, "recordingId", m.recordingId());
            if (m.retryAfter() != null) {
                o.put("retryAfter", m.retryAfter());
            }
        } else if (message instanceof RecordingReady m) {
            o.put("recordingId", m.recordingId());
            o.put("url", m.url());
            o.put("expires", m.expires().toString());
        }
        // ConsentWithdraw has no fields.
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings, booleans and numbers always serializes", e);
        }
    }

    private static void putIfPresent(ObjectNode o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    // ------------------------------------------------------------------ parsing

    private static ParseResult parse(byte[] body, String contentType, boolean toServer) {
        String typeProblem = contentTypeProblem(contentType);
        if (typeProblem != null) {
            return new Rejection(415, typeProblem);
        }
        if (body == null || body.length == 0) {
            return bad("empty body");
        }
        if (body.length > MAX_BODY_BYTES) {
            return bad("body of " + body.length + " bytes is larger than " + MAX_BODY_BYTES);
        }
        JsonNode root;
        try {
            root = JSON.readTree(utf8(body));
        } catch (CharacterCodingException e) {
            return bad("body is not UTF-8");
        } catch (StreamConstraintsException e) {
            return bad("JSON nested deeper than " + MAX_DEPTH + " levels or with an overlong value");
        } catch (JsonParseException e) {
            String why = e.getOriginalMessage();
            return bad(why != null && why.startsWith("Duplicate field") ? "a field appears twice" : "body is not JSON");
        } catch (JsonProcessingException e) {
            return bad("body is not JSON");
        }
        if (root == null || !root.isObject()) {
            return bad("body is not a JSON object");
        }
        Fields f = new Fields(root);
        try {
            String type = f.requiredString("type");
            ControlMessage m = toServer ? toServer(type, f) : toUa(type, f);
            return new Parsed(m);
        } catch (BadField e) {
            return bad(e.getMessage());
        }
    }

    private static Rejection bad(String warning) {
        return new Rejection(400, warning);
    }

    /** Null if the type is ours (any letter case, parameters allowed, charset UTF-8 if named); else the problem. */
    private static String contentTypeProblem(String contentType) {
        if (contentType == null) {
            return "no Content-Type; callrec INFOs carry " + CONTENT_TYPE;
        }
        // Limit -1: ";" alone must split into empty parts, not into no parts at all.
        String[] parts = contentType.split(";", -1);
        if (!parts[0].trim().equalsIgnoreCase(CONTENT_TYPE)) {
            return "Content-Type must be " + CONTENT_TYPE;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String charset = p.substring(eq + 1).trim().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8")) {
                    return "charset must be UTF-8";
                }
            }
        }
        return null;
    }

    private static String utf8(byte[] body) throws CharacterCodingException {
        CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body));
        String s = chars.toString();
        // RFC 8259 §8.1: a parser may ignore a byte order mark; some UAs add one.
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static ControlMessage.ToServer toServer(String type, Fields f) {
        switch (type) {
            case "consent-request":
                return new ConsentRequest(f.mode(), f.optionalId("requestId"), f.bool("start", false));
            case "consent-response":
                return new ConsentResponse(f.requiredId("consentId"), f.bool("granted", null));
            case "consent-withdraw":
                return new ConsentWithdraw();
            case "allocate":
                return new Allocate(f.mode(), f.optionalId("requestId"));
            case "stop":
                return new Stop(f.optionalId("recordingId"));
            case "pause":
                return new Pause(f.optionalId("recordingId"));
            case "resume":
                return new Resume(f.optionalId("recordingId"));
            case "storage-status", "recording-started", "recording-state", "recording-error", "recording-ready":
                throw new BadField("type '" + type + "' is sent by the server only");
            default:
                throw new BadField("unknown type " + SipWarning.quote(type));
        }
    }

    private static ControlMessage.ToUa toUa(String type, Fields f) {
        switch (type) {
            case "storage-status":
                return new StorageStatus(f.bool("available", null), f.optionalString("reason"));
            case "consent-request":
                return new ConsentAsk(f.requiredId("consentId"), f.requiredString("from"), f.mode());
            case "consent-response": {
                boolean granted = f.bool("granted", null);
                String reason = f.optionalString("reason");
                ConsentReason why = reason == null ? null : ConsentReason.fromWireName(reason)
                        .orElseThrow(() -> new BadField("field 'reason' " + SipWarning.quote(reason) + " is unknown"));
                if (granted != (why == null)) {
                    throw new BadField("field 'reason' goes with granted false, and only then");
                }
                return new ConsentOutcome(f.optionalId("requestId"), granted, why);
            }
            case "recording-started":
                return new RecordingStarted(f.requiredId("recordingId"), f.mode(), f.optionalId("requestId"));
            case "recording-state":
                return new RecordingState(f.requiredId("recordingId"), f.state(), f.mode());
            case "recording-error": {
                String code = f.requiredString("code");
                return new RecordingError(ErrorCode.fromWireName(code)
                        .orElseThrow(() -> new BadField("field 'code' " + SipWarning.quote(code) + " is unknown")),
                        f.requiredString("message"), f.optionalId("recordingId"), f.optionalSeconds("retryAfter"));
            }
            case "recording-ready":
                return new RecordingReady(f.requiredId("recordingId"), f.requiredString("url"), f.instant("expires"));
            default:
                throw new BadField("unknown type " + SipWarning.quote(type));
        }
    }

    /** A listed field is missing or invalid; the message is the warning text. */
    private static final class BadField extends RuntimeException {
        BadField(String message) {
            super(message, null, false, false);
        }
    }

    /** Typed access to the listed fields; JSON {@code null} counts as absent. */
    private record Fields(JsonNode root) {
        private JsonNode present(String name) {
            JsonNode n = root.get(name);
            return n == null || n.isNull() ? null : n;
        }

        String requiredString(String name) {
            String s = optionalString(name);
            if (s == null) {
                throw new BadField("missing field '" + name + "'");
            }
            return s;
        }

        String optionalString(String name) {
            JsonNode n = present(name);
            if (n == null) {
                return null;
            }
            if (!n.isTextual()) {
                throw new BadField("field '" + name + "' must be a string");
            }
            return n.textValue();
        }

        String requiredId(String name) {
            String id = requiredString(name);
            return checkedId(name, id);
        }

        String optionalId(String name) {
            String id = optionalString(name);
            return id == null ? null : checkedId(name, id);
        }

        private static String checkedId(String name, String id) {
            if (!ControlIds.isValid(id)) {
                throw new BadField("field '" + name + "' must match [A-Za-z0-9._-]{1,64}");
            }
            return id;
        }

        RecordingMode mode() {
            String m = requiredString("mode");
            if (!m.equals("both") && !m.equals("peer")) {
                throw new BadField("field 'mode' must be \"both\" or \"peer\"");
            }
            return RecordingMode.fromWireName(m);
        }

        RecordingSession.State state() {
            String s = requiredString("state");
            for (RecordingSession.State st : RecordingSession.State.values()) {
                if (st.name().toLowerCase(Locale.ROOT).equals(s)) {
                    return st;
                }
            }
            throw new BadField("field 'state' must be \"recording\", \"paused\" or \"stopped\"");
        }

        /** {@code fallback} null means the field is required. */
        boolean bool(String name, Boolean fallback) {
            JsonNode n = present(name);
            if (n == null) {
                if (fallback == null) {
                    throw new BadField("missing field '" + name + "'");
                }
                return fallback;
            }
            if (!n.isBoolean()) {
                throw new BadField("field '" + name + "' must be true or false");
            }
            return n.booleanValue();
        }

        Integer optionalSeconds(String name) {
            JsonNode n = present(name);
            if (n == null) {
                return null;
            }
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
                throw new BadField("field '" + name + "' must be a whole number of seconds");
            }
            return n.intValue();
        }

        Instant instant(String name) {
            String s = requiredString(name);
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw new BadField("field '" + name + "' must be a UTC time like 2026-12-01T10:00:00Z");
            }
        }
    }
}
