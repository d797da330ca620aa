package io.callrec.sip;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;

import javax.sip.InvalidArgumentException;
import javax.sip.header.MaxForwardsHeader;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What JAIN-SIP's lenient parser lets through or loses, checked on the bytes of a request it has just parsed
 * (RFC 4475 and RFC 5118 torture messages found each of these):
 * <ul>
 * <li>it reads any SIP-Version as {@code SIP/2.0}; the real one is put back so that the stack answers 505;</li>
 * <li>of repeated single-valued headers (two To, two Content-Length…) it silently keeps one; they are refused;</li>
 * <li>it accepts an IPv6 host without brackets in the Request-URI ({@code sip:2001:db8::10}); refused;</li>
 * <li>a branch that is the bare magic cookie {@code z9hG4bK} keys every such request to one transaction, so the
 *     sender's next requests would be taken for retransmissions and dropped; refused, statelessly as RFC 4475
 *     3.2.1 prefers;</li>
 * <li>a request without Max-Forwards (RFC 2543 peers) gets no server transaction; it is taken as 70;</li>
 * <li>a datagram without Content-Length loses its body, which RFC 3261 18.3 says runs to the datagram's end;</li>
 * <li>a {@code received} parameter the sender wrote into its own top Via (RFC 5118 4.5) is kept when the sent-by
 *     host equals the source address, and the response then goes to whatever address it names: a reflector for
 *     anyone. It is removed, so that the stack adds the real one when it should (RFC 3261 18.2.1).</li>
 * </ul>
 * A refusal is a {@link ParseException}, which the stack turns into its 400 (UDP) or a closed connection (TCP).
 */
final class RequestWireChecks {
    private static final int DEFAULT_MAX_FORWARDS = 70;
    private static final String MAGIC_COOKIE = "z9hG4bK";
    private static final Pattern VERSION = Pattern.compile("SIP/\\d{1,3}\\.\\d{1,3}");
    /** Single-valued headers (RFC 3261 7.3.1: only comma-list headers may repeat), with their compact forms. */
    private static final Map<String, String> SINGLE_VALUED = Map.of(
            "from", "From", "f", "From", "to", "To", "t", "To", "call-id", "Call-ID", "i", "Call-ID",
            "cseq", "CSeq", "max-forwards", "Max-Forwards", "content-length", "Content-Length",
            "l", "Content-Length");

    private RequestWireChecks() {
    }

    /**
     * @param bytes    what the parser was given: a whole datagram, or a stream message's header section
     * @param datagram true when {@code bytes} is a whole datagram (the parser was asked to read the body)
     * @param request  the parser's result, repaired in place
     * @throws ParseException when the request must be refused as malformed
     */
    static void check(byte[] bytes, boolean datagram, SIPRequest request) throws ParseException {
        Head head = Head.of(bytes);
        String version = versionOf(head.startLine());
        if (!version.equals("SIP/2.0")) {
            if (!VERSION.matcher(version).matches()) {
                throw new ParseException("SIP-Version is not SIP/x.y", 0);
            }
            // UDPMessageChannel and the TCP channel answer 505 for any request whose line says another version.
            request.getRequestLine().setSipVersion(version);
            return;
        }
        Via top = request.getTopmostVia();
        if (top != null && MAGIC_COOKIE.equalsIgnoreCase(top.getBranch())) {
            throw new ParseException("branch " + MAGIC_COOKIE + " without a transaction id", 0);
        }
        if (top != null && top.hasParameter(Via.RECEIVED)) {
            top.removeParameter(Via.RECEIVED);
        }
        rejectRepeatedSingleValued(head.names());
        rejectUnbracketedIpv6(head.startLine());
        if (request.getHeader(MaxForwardsHeader.NAME) == null) {
            request.setHeader(maxForwards());
        }
        if (datagram && !head.has("content-length", "l") && head.bodyOffset() < bytes.length
                && (request.getRawContent() == null || request.getRawContent().length == 0)) {
            request.setMessageContent(Arrays.copyOfRange(bytes, head.bodyOffset(), bytes.length));
        }
    }

    /** The last word of the request line; spaces after it (RFC 4475 3.1.2.10) are tolerated, as the parser does. */
    private static String versionOf(String startLine) {
        String line = startLine.strip();
        return line.substring(line.lastIndexOf(' ') + 1);
    }

    private static void rejectRepeatedSingleValued(List<String> names) throws ParseException {
        Map<String, Integer> seen = new HashMap<>();
        for (String name : names) {
            String canonical = SINGLE_VALUED.get(name);
            if (canonical != null && seen.merge(canonical, 1, Integer::sum) > 1) {
                throw new ParseException("more than one " + canonical + " header", 0);
            }
        }
    }

    /** RFC 3261 25.1: an IPv6 host is an IPv6reference, always in brackets (RFC 5118 4.2). */
    private static void rejectUnbracketedIpv6(String requestLine) throws ParseException {
        String startLine = requestLine.strip();
        int first = startLine.indexOf(' ');
        int last = startLine.lastIndexOf(' ');
        if (first < 0 || last <= first) {
            return;
        }
        String uri = startLine.substring(first + 1, last).trim();
        String lower = uri.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("sip:") && !lower.startsWith("sips:")) {
            return;
        }
        String rest = uri.substring(uri.indexOf(':') + 1);
        int end = indexOfAny(rest, ";?");
        String userHostPort = end < 0 ? rest : rest.substring(0, end);
        String hostPort = userHostPort.substring(userHostPort.lastIndexOf('@') + 1);
        if (!hostPort.startsWith("[") && hostPort.indexOf(':') != hostPort.lastIndexOf(':')) {
            throw new ParseException("IPv6 host without [ ] in the Request-URI", 0);
        }
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static MaxForwardsHeader maxForwards() {
        try {
            return SipFactories.headers().createMaxForwardsHeader(DEFAULT_MAX_FORWARDS);
        } catch (InvalidArgumentException e) {
            throw new IllegalStateException("70 is a valid Max-Forwards", e);
        }
    }

    /**
     * The start line, the header names (lower case, as written: compact forms stay compact) and where the body
     * begins, read the way RFC 3261 7.3.1 frames them: a line starting with SP or HTAB continues the previous
     * header, and the first empty line ends the section.
     */
    record Head(String startLine, List<String> names, int bodyOffset) {

        static Head of(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int pos = 0;
            while (text.startsWith("\r\n", pos)) {
                pos += 2; // RFC 5626 keep-alives before the message
            }
            int lineEnd = lineEnd(text, pos);
            String startLine = text.substring(pos, lineEnd);
            List<String> names = new ArrayList<>();
            pos = next(text, lineEnd);
            while (pos < text.length()) {
                lineEnd = lineEnd(text, pos);
                if (lineEnd == pos) {
                    return new Head(startLine, names, next(text, lineEnd));
                }
                char c = text.charAt(pos);
                int colon = text.indexOf(':', pos);
                if (c != ' ' && c != '\t' && colon > pos && colon < lineEnd) {
                    names.add(text.substring(pos, colon).trim().toLowerCase(Locale.ROOT));
                }
                pos = next(text, lineEnd);
            }
            return new Head(startLine, names, bytes.length);
        }

        boolean has(String... anyOf) {
            return names.stream().anyMatch(n -> Arrays.asList(anyOf).contains(n));
        }

        private static int lineEnd(String text, int from) {
            int cr = text.indexOf('\n', from);
            if (cr < 0) {
                return text.length();
            }
            return cr > from && text.charAt(cr - 1) == '\r' ? cr - 1 : cr;
        }

        private static int next(String text, int lineEnd) {
            if (text.startsWith("\r\n", lineEnd)) {
                return lineEnd + 2;
            }
            return Math.min(text.length(), lineEnd + 1);
        }
    }
}
