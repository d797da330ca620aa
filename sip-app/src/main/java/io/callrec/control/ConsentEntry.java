package io.callrec.control;

import io.callrec.media.relay.Side;
import io.callrec.record.RecordingMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One consent decision (spec §5): appended to the audit log and copied into the manifest of every recording it
 * concerns.
 *
 * @param requesterSide the leg of the party that asked for the recording
 * @param channel       how the decision reached the server
 * @param prompt        what the peer was shown: the prompt MESSAGE text or the consent-request INFO body; null if
 *                      nobody was asked (policy, header, SDP)
 * @param source        the address the decision came from (signalling or latched media source); null for policy
 *                      decisions and time-outs
 * @param requestId     the requester's id, or null
 * @param consentId     the server's id for the question, or null if none was asked
 */
public record ConsentEntry(Instant time, Side requesterSide, Party requester, Party peer, ConsentChannel channel,
                           String prompt, String source, String requestId, String consentId, RecordingMode mode,
                           ConsentDecision result) {
    public ConsentEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(requesterSide, "requesterSide");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(result, "result");
    }

    /** The entry as the log line and the manifest hold it; absent values are left out. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", time.toString());
        m.put("result", result.logName());
        m.put("mode", mode.wireName());
        m.put("channel", channel.logName());
        m.put("requester", party(requester, requesterSide));
        m.put("peer", party(peer, requesterSide.other()));
        putIfPresent(m, "requestId", requestId);
        putIfPresent(m, "consentId", consentId);
        putIfPresent(m, "prompt", prompt);
        putIfPresent(m, "source", source);
        return m;
    }

    private static Map<String, Object> party(Party p, Side side) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("leg", side.name());
        m.put("callId", p.callId());
        m.put("identity", p.identity());
        m.put("identitySource", p.identitySource().logName());
        return m;
    }

    private static void putIfPresent(Map<String, Object> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
