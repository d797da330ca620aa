package io.callrec.http.download;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads an {@code Accept} request header (RFC 9110 §12.5.1) far enough to choose between the recording's manifest
 * (JSON) and its player page (HTML). Elements that do not parse are skipped, never fatal: a browser or a hostile
 * client can send anything.
 */
final class AcceptHeader {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern PARAMETER = Pattern.compile(
            "[!#$%&'*+.^_`|~0-9A-Za-z-]+=([!#$%&'*+.^_`|~0-9A-Za-z-]+|\"[^\"]*\")");
    private static final Pattern QVALUE = Pattern.compile("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?");
    /** Jetty bounds the header's size; this bounds the work on a header of thousands of tiny elements. */
    private static final int MAX_ELEMENTS = 64;

    private AcceptHeader() {
    }

    /**
     * Whether the client prefers {@code text/html} to {@code application/json}: strictly higher quality. A missing
     * header, {@code *}{@code /*} or a tie means JSON, the documented default.
     */
    static boolean prefersHtml(String accept) {
        return quality(accept, "text/html") > quality(accept, "application/json");
    }

    /**
     * The quality (0..1) the header gives {@code mediaType} ({@code type/subtype}, lower case): that of the most
     * specific matching range, 0 when none matches, 1 when there is no header at all.
     */
    static double quality(String accept, String mediaType) {
        if (accept == null || accept.isBlank()) {
            return 1.0;
        }
        int slash = mediaType.indexOf('/');
        String type = mediaType.substring(0, slash);
        int bestSpecificity = 0;
        double quality = 0.0;
        String[] elements = accept.split(",", MAX_ELEMENTS + 1);
        for (int i = 0; i < Math.min(elements.length, MAX_ELEMENTS); i++) {
            String[] parts = elements[i].split(";");
            if (parts.length == 0) {
                continue;
            }
            String range = parts[0].strip().toLowerCase(Locale.ROOT);
            int rs = range.indexOf('/');
            if (rs <= 0 || !TOKEN.matcher(range.substring(0, rs)).matches()
                    || !TOKEN.matcher(range.substring(rs + 1)).matches()) {
                continue;
            }
            int specificity;
            if (range.equals(mediaType)) {
                specificity = 3;
            } else if (range.equals(type + "/*")) {
                specificity = 2;
            } else if (range.equals("*/*")) {
                specificity = 1;
            } else {
                continue;
            }
            double q = 1.0;
            boolean valid = true;
            for (int p = 1; p < parts.length; p++) {
                String param = parts[p].strip();
                if (!PARAMETER.matcher(param).matches()) {
                    valid = false; // "q = 0.5" and the like: RFC 9110 allows no spaces around "="
                    break;
                }
                if (param.regionMatches(true, 0, "q=", 0, 2)) {
                    String value = param.substring(2).strip();
                    if (!QVALUE.matcher(value).matches()) {
                        valid = false;
                        break;
                    }
                    q = Double.parseDouble(value);
                }
            }
            if (valid && specificity > bestSpecificity) {
                bestSpecificity = specificity;
                quality = q;
            }
        }
        return quality;
    }
}
