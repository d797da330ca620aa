package io.callrec.record;

import io.callrec.media.relay.Side;
import io.callrec.sdp.MediaDescription;
import io.callrec.sdp.RtpMap;
import io.callrec.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The payload formats of every stream of a call, per sending side: what the recorder needs to turn packets into
 * tracks. Taken from the two parties' SDPs; replaced as a whole after a re-INVITE.
 *
 * @param streams by SDP m-line index
 */
public record MediaFormats(Map<Integer, StreamFormats> streams) {
    public MediaFormats {
        streams = Map.copyOf(streams);
    }

    /**
     * @param index       m-line index
     * @param mediaType   "audio", "video"...
     * @param sentByA     payload types the party on side A sends, by number
     * @param sentByB     likewise for side B
     * @param firAcceptedByA side A accepts RTCP FIR (a=rtcp-fb ... ccm fir), so a keyframe request may use it
     * @param firAcceptedByB likewise for side B
     */
    public record StreamFormats(int index, String mediaType, Map<Integer, PayloadFormat> sentByA,
                                Map<Integer, PayloadFormat> sentByB, boolean firAcceptedByA,
                                boolean firAcceptedByB) {
        public StreamFormats {
            sentByA = Map.copyOf(sentByA);
            sentByB = Map.copyOf(sentByB);
        }

        public Map<Integer, PayloadFormat> sentBy(Side side) {
            return side == Side.A ? sentByA : sentByB;
        }

        public boolean firAcceptedBy(Side side) {
            return side == Side.A ? firAcceptedByA : firAcceptedByB;
        }
    }

    public static MediaFormats empty() {
        return new MediaFormats(Map.of());
    }

    public Optional<PayloadFormat> format(int streamIndex, Side sender, int payloadType) {
        StreamFormats s = streams.get(streamIndex);
        return s == null ? Optional.empty() : Optional.ofNullable(s.sentBy(sender).get(payloadType));
    }

    /**
     * From the SDPs of both parties (either may be null while unknown). What a party sends is described by the
     * receiver's SDP (RFC 3264 §5.1: payload type numbers are those of the receiving side's description); the sender's
     * own SDP fills in payload types the receiver did not list, since many UAs send with their own numbering.
     */
    public static MediaFormats of(SessionDescription sdpA, SessionDescription sdpB) {
        Map<Integer, StreamFormats> out = new LinkedHashMap<>();
        int count = Math.max(sdpA == null ? 0 : sdpA.media().size(), sdpB == null ? 0 : sdpB.media().size());
        for (int i = 0; i < count; i++) {
            MediaDescription a = mline(sdpA, i);
            MediaDescription b = mline(sdpB, i);
            String type = a != null ? a.type() : b.type();
            Map<Integer, PayloadFormat> byA = merge(payloads(b), payloads(a));
            Map<Integer, PayloadFormat> byB = merge(payloads(a), payloads(b));
            out.put(i, new StreamFormats(i, type, byA, byB, acceptsFir(a), acceptsFir(b)));
        }
        return new MediaFormats(out);
    }

    private static MediaDescription mline(SessionDescription sdp, int index) {
        return sdp == null || index >= sdp.media().size() ? null : sdp.media().get(index);
    }

    private static Map<Integer, PayloadFormat> merge(Map<Integer, PayloadFormat> primary,
                                                     Map<Integer, PayloadFormat> fallback) {
        Map<Integer, PayloadFormat> merged = new HashMap<>(fallback);
        merged.putAll(primary);
        return merged;
    }

    static Map<Integer, PayloadFormat> payloads(MediaDescription m) {
        Map<Integer, PayloadFormat> out = new HashMap<>();
        if (m == null || m.rejected()) {
            return out;
        }
        Map<Integer, Map<String, String>> fmtps = fmtps(m);
        for (String f : m.formats()) {
            int pt;
            try {
                pt = Integer.parseInt(f);
            } catch (NumberFormatException e) {
                continue;
            }
            Optional<RtpMap> map = m.codec(pt);
            if (map.isPresent()) {
                RtpMap r = map.get();
                out.put(pt, new PayloadFormat(pt, r.encoding(), r.clockRate(), Math.max(1, r.channels()),
                        fmtps.getOrDefault(pt, Map.of())));
            }
        }
        return out;
    }

    /** a=fmtp:PT k=v;k=v — values may hold '=' (base64), so split at the first one only. */
    static Map<Integer, Map<String, String>> fmtps(MediaDescription m) {
        Map<Integer, Map<String, String>> out = new HashMap<>();
        for (String value : m.attributeValues("fmtp")) {
            int sp = value.indexOf(' ');
            if (sp <= 0) {
                continue;
            }
            int pt;
            try {
                pt = Integer.parseInt(value.substring(0, sp));
            } catch (NumberFormatException e) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (String part : value.substring(sp + 1).split(";")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                if (eq < 0) {
                    params.put(p.toLowerCase(Locale.ROOT), "");
                } else {
                    params.put(p.substring(0, eq).trim().toLowerCase(Locale.ROOT), p.substring(eq + 1).trim());
                }
            }
            out.put(pt, params);
        }
        return out;
    }

    private static boolean acceptsFir(MediaDescription m) {
        if (m == null) {
            return false;
        }
        List<String> fbs = new ArrayList<>(m.attributeValues("rtcp-fb"));
        for (String fb : fbs) {
            String v = fb.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
            if (v.endsWith(" ccm fir")) {
                return true;
            }
        }
        return false;
    }
}
