package io.callrec.control;

/**
 * The value of a SIP {@code Warning} header (RFC 3261 §20.43): {@code 399 callrec "text"}. 399 is "miscellaneous
 * warning"; {@code callrec} is the warn-agent pseudonym. The text often quotes what a client sent, so it is made safe
 * for a quoted-string here: no control characters (a CR/LF would split the header), {@code "} and {@code \} escaped,
 * and at most {@value #MAX_TEXT} characters.
 */
public final class SipWarning {
    /** Long enough for any message of ours; short enough that a quoted hostile value cannot bloat the response. */
    public static final int MAX_TEXT = 200;

    private SipWarning() {
    }

    /** The full header value for {@code text}. */
    public static String headerValue(String text) {
        return "399 callrec \"" + quotedText(text) + "\"";
    }

    /** {@code text} as the inside of a quoted-string. */
    static String quotedText(String text) {
        String t = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT - 3) + "..." : text;
        StringBuilder out = new StringBuilder(t.length() + 8);
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(' ');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** A value from a client, shortened and quoted for use inside a warning text. */
    static String quote(String value) {
        String v = value.length() > 32 ? value.substring(0, 32) + "..." : value;
        return "'" + v + "'";
    }
}
