package io.callrec.sdp;

import java.util.ArrayList;
import java.util.List;

/** Small lexical helpers shared by the SDP parsers; none of them throws on any input. */
final class SdpText {
    private SdpText() {
    }

    /**
     * Splits a field list on runs of spaces. The grammar says single spaces, but some UAs pad with more
     * and refusing their SDP would only fail calls.
     */
    static List<String> fields(String value) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = value.length();
        while (i < n) {
            while (i < n && value.charAt(i) == ' ') {
                i++;
            }
            int start = i;
            while (i < n && value.charAt(i) != ' ') {
                i++;
            }
            if (i > start) {
                out.add(value.substring(start, i));
            }
        }
        return out;
    }

    /** Start and end (exclusive) of the field with the given 0-based index, or null when there is none. */
    static int[] fieldBounds(String value, int index) {
        int i = 0;
        int n = value.length();
        int field = 0;
        while (i < n) {
            while (i < n && value.charAt(i) == ' ') {
                i++;
            }
            int start = i;
            while (i < n && value.charAt(i) != ' ') {
                i++;
            }
            if (i > start) {
                if (field == index) {
                    return new int[] {start, i};
                }
                field++;
            }
        }
        return null;
    }

    /** Parses a decimal number made of ASCII digits only, or returns -1 if it is not one or exceeds max. */
    static int parseUnsigned(String s, int max) {
        if (s.isEmpty() || s.length() > 10) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v > max ? -1 : (int) v;
    }

    /** Attribute name of a raw {@code name[:value]} attribute. */
    static String attributeName(String raw) {
        int colon = raw.indexOf(':');
        return colon < 0 ? raw : raw.substring(0, colon);
    }

    /** Attribute value of a raw {@code name[:value]} attribute; empty for a flag attribute. */
    static String attributeValue(String raw) {
        int colon = raw.indexOf(':');
        return colon < 0 ? "" : raw.substring(colon + 1);
    }
}
