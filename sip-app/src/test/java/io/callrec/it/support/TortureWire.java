package io.callrec.it.support;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rewrites a torture message gets before it is sent (see {@code index.txt}), made on its bytes so that
 * nothing else changes: folding, case and spacing of the top Via stay as the RFC wrote them.
 */
public final class TortureWire {
    /** Optional and required linear white space (RFC 3261 25.1), folding included. */
    private static final String SWS = "[ \\t]*(?:\\r\\n[ \\t]+)?";
    private static final String LWS = "(?:[ \\t]*\\r\\n)?[ \\t]+";
    private static final Pattern TOP_VIA = Pattern.compile("(?i)\\r\\n(?:via|v)[ \\t]*:" + SWS + "SIP" + SWS + "/"
            + SWS + "[0-9.]+" + SWS + "/" + SWS + "([a-z]+)" + LWS + "([^;,\\s]+)");
    private static final Pattern BRANCH = Pattern.compile("(?i);" + SWS + "branch" + SWS + "=" + SWS
            + "(z9hG4bK[^;,\\s]+)");
    /** Where the top Via value ends: a comma or a line end that is not folding. */
    private static final Pattern VALUE_END = Pattern.compile(",|\\r\\n(?![ \\t])");

    private TortureWire() {
    }

    /**
     * @param transport    {@code udp} or {@code tcp}: written into the top Via with {@link TortureCase#SENT_BY}
     * @param sentBy       the probe's address as a Via writes it ({@code 127.0.0.1:40000}, {@code [::1]:40000})
     * @param branchSuffix appended to a z9hG4bK branch with {@link TortureCase#BRANCH}
     */
    public static byte[] forSending(byte[] message, Set<String> rewrites, String transport, String sentBy,
                                    String branchSuffix) {
        if (rewrites.isEmpty()) {
            return message;
        }
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        Matcher via = TOP_VIA.matcher(text);
        if (!via.find() || headEnd >= 0 && via.start() > headEnd) {
            throw new IllegalArgumentException("no Via to rewrite in " + SipResponse.printable(
                    text.substring(0, Math.min(80, text.length()))));
        }
        StringBuilder out = new StringBuilder(text.length() + 32);
        out.append(text, 0, via.start(1));
        if (rewrites.contains(TortureCase.SENT_BY)) {
            out.append(transport.toUpperCase(Locale.ROOT)).append(text, via.end(1), via.start(2)).append(sentBy);
        } else {
            out.append(text, via.start(1), via.end(2));
        }
        Matcher end = VALUE_END.matcher(text);
        int valueEnd = end.find(via.end(2)) ? end.start() : text.length();
        String params = text.substring(via.end(2), valueEnd);
        Matcher branch = BRANCH.matcher(params);
        if (rewrites.contains(TortureCase.BRANCH)) {
            if (!branch.find()) {
                throw new IllegalArgumentException("no z9hG4bK branch to make unique in the top Via: " + params);
            }
            params = params.substring(0, branch.end(1)) + branchSuffix + params.substring(branch.end(1));
        }
        out.append(params).append(text, valueEnd, text.length());
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
