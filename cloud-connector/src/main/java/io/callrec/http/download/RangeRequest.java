package io.callrec.http.download;

import java.util.List;
import java.util.Locale;

/**
 * What a {@code Range} request header (RFC 9110 §14.2) asks of a file of known length. One byte range is served as
 * asked; a header that is not a single valid byte range (other units, garbage, several ranges, several header
 * lines) is ignored, so the whole file is sent with {@code 200}, as RFC 9110 permits. Numbers of any size are
 * accepted and saturate: a client cannot overflow anything.
 */
sealed interface RangeRequest {

    /** No usable range: send the whole file. */
    record Whole() implements RangeRequest {
    }

    /** Send bytes {@code first..last} (inclusive) with {@code 206}. */
    record Part(long first, long last) implements RangeRequest {
        public Part {
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("bad range " + first + "-" + last);
            }
        }

        long length() {
            return last - first + 1;
        }

        String contentRange(long total) {
            return "bytes " + first + "-" + last + "/" + total;
        }
    }

    /** A valid range that selects nothing of this file: {@code 416} with {@code Content-Range: bytes *}{@code /len}. */
    record Unsatisfiable() implements RangeRequest {
    }

    RangeRequest WHOLE = new Whole();
    RangeRequest UNSATISFIABLE = new Unsatisfiable();

    static RangeRequest parse(List<String> headerValues, long length) {
        if (headerValues == null || headerValues.size() != 1) {
            return WHOLE;
        }
        String value = headerValues.get(0).strip();
        int eq = value.indexOf('=');
        if (eq < 0 || !value.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
            return WHOLE;
        }
        String spec = value.substring(eq + 1).strip();
        if (spec.indexOf(',') >= 0) {
            return WHOLE;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return WHOLE;
        }
        if (dash == 0) {
            long suffix = digits(spec.substring(1));
            if (suffix < 0) {
                return WHOLE;
            }
            if (suffix == 0 || length == 0) {
                return UNSATISFIABLE;
            }
            return new Part(Math.max(0, length - suffix), length - 1);
        }
        long first = digits(spec.substring(0, dash));
        String lastText = spec.substring(dash + 1);
        long last = lastText.isEmpty() ? Long.MAX_VALUE : digits(lastText);
        if (first < 0 || last < 0 || last < first) {
            return WHOLE;
        }
        if (first >= length) {
            return UNSATISFIABLE;
        }
        return new Part(first, Math.min(last, length - 1));
    }

    /** The decimal value of {@code s} (digits only), saturating at Long.MAX_VALUE; -1 if it is not all digits. */
    private static long digits(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            int d = c - '0';
            value = value > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : value * 10 + d;
        }
        return value;
    }
}
