package io.callrec.it.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SIP response as received on the wire by {@link SipProbe}, kept as raw text and read leniently:
 * a malformed response (what a test may want to catch) still parses as far as it goes, and
 * {@link #formatProblems()} says what is wrong with it.
 *
 * @param status  the status code of the status line
 * @param reason  the reason phrase, as sent
 * @param headers header lines in order, {@code Name: value} (folded lines are not joined)
 * @param raw     the whole message as received (ISO-8859-1, so every byte survives)
 */
public record SipResponse(int status, String reason, List<String> headers, String raw) {

    private static final Pattern STATUS_LINE = Pattern.compile("SIP/2\\.0 (\\d{3}) (.*)", Pattern.DOTALL);
    /** RFC 3261 25.1: token ":" value; the value may be empty. */
    private static final Pattern HEADER_LINE = Pattern.compile("[A-Za-z0-9!%*_+`'~.-]+[ \\t]*:.*");

    public SipResponse {
        headers = List.copyOf(headers);
    }

    /** The response in {@code raw}, or empty when it does not start with a SIP/2.0 status line. */
    public static Optional<SipResponse> parse(String raw) {
        int lineEnd = raw.indexOf("\r\n");
        String statusLine = lineEnd < 0 ? raw : raw.substring(0, lineEnd);
        Matcher m = STATUS_LINE.matcher(statusLine);
        if (!m.lookingAt()) {
            return Optional.empty();
        }
        List<String> headers = new ArrayList<>();
        if (lineEnd >= 0) {
            int headEnd = raw.indexOf("\r\n\r\n", lineEnd);
            String head = raw.substring(lineEnd + 2, headEnd < 0 ? raw.length() : headEnd);
            for (String line : head.split("\r\n", -1)) {
                if (!line.isEmpty()) {
                    headers.add(line);
                }
            }
        }
        return Optional.of(new SipResponse(Integer.parseInt(m.group(1)), m.group(2), headers, raw));
    }

    /** The same, from bytes (read as ISO-8859-1). */
    public static Optional<SipResponse> parse(byte[] bytes, int length) {
        return parse(new String(bytes, 0, length, StandardCharsets.ISO_8859_1));
    }

    /** Values of every header called {@code name} (case-insensitive), in order. */
    public List<String> headerValues(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        List<String> values = new ArrayList<>();
        for (String line : headers) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(wanted)) {
                values.add(line.substring(colon + 1).trim());
            }
        }
        return values;
    }

    /** The first value of header {@code name}, if present. */
    public Optional<String> header(String name) {
        List<String> values = headerValues(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The Call-ID, or an empty string. */
    public String callId() {
        return header("Call-ID").orElse("");
    }

    /** The method named by the CSeq header ({@code 1 INVITE} gives {@code INVITE}), or an empty string. */
    public String cseqMethod() {
        String cseq = header("CSeq").orElse("");
        int space = cseq.lastIndexOf(' ');
        return space < 0 ? "" : cseq.substring(space + 1);
    }

    /**
     * What makes this response malformed per RFC 3261 section 7 and 25: control characters in the
     * reason phrase, header lines that are not {@code name: value}, no blank line ending the
     * headers. Empty when it is well formed as far as these go.
     */
    public List<String> formatProblems() {
        List<String> problems = new ArrayList<>();
        if (reason.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
            problems.add("control character in the reason phrase: " + printable(reason));
        }
        int headEnd = raw.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            problems.add("no blank line after the headers");
        }
        for (String line : headers) {
            if (!HEADER_LINE.matcher(line).matches() && !line.startsWith(" ") && !line.startsWith("\t")) {
                problems.add("not a header line: " + printable(line));
            }
        }
        return problems;
    }

    /** {@code text} with control characters shown as {@code \xNN}, for messages. */
    public static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return status + " " + printable(reason);
    }
}
