package io.callrec.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The line-level rewrite behind {@link SessionDescription#withMediaAttributes}. */
final class MediaAttributeRewrite {
    private MediaAttributeRewrite() {
    }

    static List<String> apply(SessionDescription sd, int mediaIndex, String proto, String name, List<String> values) {
        Objects.requireNonNull(proto, "proto");
        Objects.requireNonNull(name, "name");
        int[] starts = sd.mediaStarts();
        if (mediaIndex < 0 || mediaIndex >= starts.length) {
            throw new IllegalArgumentException("no m-line " + mediaIndex + " among " + starts.length);
        }
        if (proto.isEmpty() || proto.indexOf(' ') >= 0 || name.isEmpty() || name.indexOf(':') >= 0) {
            throw new IllegalArgumentException("proto '" + proto + "' or attribute name '" + name + "' is not a token");
        }
        List<String> in = sd.lines();
        int s = starts[mediaIndex];
        int e = mediaIndex + 1 < starts.length ? starts[mediaIndex + 1] : in.size();
        List<String> out = new ArrayList<>(in.size() + values.size());
        out.addAll(in.subList(0, s));
        String value = in.get(s).substring(2);
        int[] b = SdpText.fieldBounds(value, 2);
        out.add("m=" + value.substring(0, b[0]) + proto + value.substring(b[1]));
        boolean placed = false;
        for (int j = s + 1; j < e; j++) {
            String line = in.get(j);
            if (line.charAt(0) == 'a' && name.equals(SdpText.attributeName(line.substring(2)))) {
                if (!placed) {
                    addAll(out, name, values);
                    placed = true;
                }
                continue;
            }
            out.add(line);
        }
        if (!placed) {
            addAll(out, name, values);
        }
        out.addAll(in.subList(e, in.size()));
        return out;
    }

    private static void addAll(List<String> out, String name, List<String> values) {
        for (String v : values) {
            if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("attribute value of a=" + name + " spans lines");
            }
            out.add(v.isEmpty() ? "a=" + name : "a=" + name + ":" + v); // "" = a flag, e.g. a=rtcp-mux
        }
    }
}
