package io.callrec.sdp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** Text to {@link SessionDescription}: line splitting with bounds, then the structure of the lines. */
final class SdpParser {
    static final int MAX_BYTES = 64 * 1024;
    static final int MAX_LINE_BYTES = 4 * 1024;
    static final int MAX_MEDIA = 64;

    private SdpParser() {
    }

    static SessionDescription parse(String text) throws SdpParseException {
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_BYTES) {
            throw new SdpParseException(0, "body larger than " + MAX_BYTES + " bytes");
        }
        List<String> lines = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        int n = text.length();
        int lineNo = 1;
        int start = 0;
        int total = 0;
        int lineBytes = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                int end = i > start && text.charAt(i - 1) == '\r' ? i - 1 : i;
                addLine(text.substring(start, end), lineNo, lines, numbers);
                lineNo++;
                start = i + 1;
                lineBytes = 0;
                total++;
                continue;
            }
            if (c == '\r') {
                // CR only as part of CRLF, or as the very last character; a bare CR would be a line break
                // for some stacks and not for others.
                if (i + 1 < n && text.charAt(i + 1) != '\n') {
                    throw new SdpParseException(lineNo, "carriage return not followed by line feed");
                }
                total++;
                continue;
            }
            if (c == 0) {
                throw new SdpParseException(lineNo, "NUL character");
            }
            int bytes = c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
            total += bytes;
            lineBytes += bytes;
            if (total > MAX_BYTES) {
                throw new SdpParseException(0, "body larger than " + MAX_BYTES + " bytes");
            }
            if (lineBytes > MAX_LINE_BYTES) {
                throw new SdpParseException(lineNo, "line longer than " + MAX_LINE_BYTES + " bytes");
            }
        }
        if (start < n) {
            int end = text.charAt(n - 1) == '\r' ? n - 1 : n;
            addLine(text.substring(start, end), lineNo, lines, numbers);
        }
        return build(lines, numbers, true);
    }

    private static void addLine(String line, int lineNo, List<String> lines, List<Integer> numbers) {
        // Empty lines are dropped: some stacks end the body with an extra CRLF.
        if (!line.isEmpty()) {
            lines.add(line);
            numbers.add(lineNo);
        }
    }

    /**
     * Interprets already split lines.
     *
     * @param numbers source line number of each line, or null to use positions (for our own rewrites)
     * @param limits  whether to apply the m-line bound meant for input from the network
     */
    static SessionDescription build(List<String> lines, List<Integer> numbers, boolean limits)
            throws SdpParseException {
        if (lines.isEmpty()) {
            throw new SdpParseException(1, "empty body: missing v= line");
        }
        List<Integer> mediaStarts = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.length() < 2 || line.charAt(1) != '=' || !isAsciiLetter(line.charAt(0))) {
                throw new SdpParseException(num(numbers, i), "expected <type>=<value>, found \"" + excerpt(line) + "\"");
            }
            if (line.charAt(0) == 'm') {
                if (limits && mediaStarts.size() == MAX_MEDIA) {
                    throw new SdpParseException(num(numbers, i), "more than " + MAX_MEDIA + " m-lines");
                }
                mediaStarts.add(i);
            }
        }
        if (lines.get(0).charAt(0) != 'v') {
            throw new SdpParseException(num(numbers, 0), "first line must be v=, found \"" + excerpt(lines.get(0)) + "\"");
        }
        if (!"0".equals(lines.get(0).substring(2))) {
            throw new SdpParseException(num(numbers, 0), "unsupported SDP version \"" + excerpt(lines.get(0)) + "\"");
        }
        int sessionEnd = mediaStarts.isEmpty() ? lines.size() : mediaStarts.get(0);

        Origin origin = null;
        Connection connection = null;
        Direction direction = null;
        List<String> sessionAttributes = new ArrayList<>();
        for (int i = 1; i < sessionEnd; i++) {
            String line = lines.get(i);
            String value = line.substring(2);
            switch (line.charAt(0)) {
                case 'v' -> throw new SdpParseException(num(numbers, i), "v= allowed only as the first line");
                case 'o' -> {
                    if (origin != null) {
                        throw new SdpParseException(num(numbers, i), "second o= line");
                    }
                    origin = Origin.parse(value, num(numbers, i));
                }
                case 'c' -> {
                    Connection c = Connection.parse(value, num(numbers, i), "c=");
                    if (connection == null) {
                        connection = c;
                    }
                }
                case 'a' -> {
                    sessionAttributes.add(value);
                    if (direction == null) {
                        direction = Direction.fromAttribute(value).orElse(null);
                    }
                }
                default -> {
                    // s=, t=, b=, unknown types...: kept as they are (RFC 8866 §5: ignore unknown types)
                }
            }
        }
        if (origin == null) {
            int at = sessionEnd < lines.size() ? num(numbers, sessionEnd) : num(numbers, lines.size() - 1) + 1;
            throw new SdpParseException(at, "missing o= line in the session section");
        }
        if (direction == null) {
            direction = Direction.SENDRECV;
        }

        List<MediaDescription> media = new ArrayList<>();
        for (int k = 0; k < mediaStarts.size(); k++) {
            int s = mediaStarts.get(k);
            int e = k + 1 < mediaStarts.size() ? mediaStarts.get(k + 1) : lines.size();
            media.add(parseMedia(k, lines, numbers, s, e, direction));
        }
        int[] starts = mediaStarts.stream().mapToInt(Integer::intValue).toArray();
        return new SessionDescription(lines, starts, origin, connection, direction, sessionAttributes, media);
    }

    private static MediaDescription parseMedia(int index, List<String> lines, List<Integer> numbers, int s, int e,
                                               Direction sessionDirection) throws SdpParseException {
        int mLineNo = num(numbers, s);
        List<String> f = SdpText.fields(lines.get(s).substring(2));
        if (f.size() < 3) {
            throw new SdpParseException(mLineNo, "m= needs <media> <port> <proto> <fmt>..., found " + f.size() + " fields");
        }
        String portField = f.get(1);
        int slash = portField.indexOf('/');
        String portText = slash < 0 ? portField : portField.substring(0, slash);
        int port = SdpText.parseUnsigned(portText, 65535);
        if (port < 0) {
            throw new SdpParseException(mLineNo, "m= port \"" + excerpt(portText) + "\" is not a number in 0-65535");
        }
        int portCount = 1;
        if (slash >= 0) {
            portCount = SdpText.parseUnsigned(portField.substring(slash + 1), 65535);
            if (portCount < 1) {
                throw new SdpParseException(mLineNo, "m= port count \"" + excerpt(portField) + "\" is not a number in 1-65535");
            }
        }

        Connection connection = null;
        Direction direction = null;
        boolean rtcpMux = false;
        OptionalInt rtcpPort = OptionalInt.empty();
        Map<Integer, RtpMap> rtpMaps = new LinkedHashMap<>();
        Map<Integer, String> fmtps = new LinkedHashMap<>();
        List<String> attributes = new ArrayList<>();
        for (int i = s + 1; i < e; i++) {
            String line = lines.get(i);
            String value = line.substring(2);
            int lineNo = num(numbers, i);
            switch (line.charAt(0)) {
                case 'v' -> throw new SdpParseException(lineNo, "v= allowed only as the first line");
                case 'o' -> throw new SdpParseException(lineNo, "o= allowed only in the session section");
                case 'c' -> {
                    Connection c = Connection.parse(value, lineNo, "c=");
                    if (connection == null) {
                        connection = c;
                    }
                }
                case 'a' -> {
                    attributes.add(value);
                    String name = SdpText.attributeName(value);
                    String attrValue = SdpText.attributeValue(value);
                    switch (name) {
                        case "rtcp-mux" -> rtcpMux = true;
                        case "rtcp" -> {
                            int p = parseRtcp(attrValue, lineNo);
                            if (rtcpPort.isEmpty()) {
                                rtcpPort = OptionalInt.of(p);
                            }
                        }
                        // A malformed rtpmap or fmtp leaves that payload type unknown to the recorder, but the
                        // call itself can go on, so it is kept and ignored rather than refused.
                        case "rtpmap" -> RtpMap.parse(attrValue).ifPresent(m -> rtpMaps.putIfAbsent(m.payloadType(), m));
                        case "fmtp" -> putFmtp(attrValue, fmtps);
                        default -> {
                            if (direction == null) {
                                direction = Direction.fromAttribute(name).orElse(null);
                            }
                        }
                    }
                }
                default -> {
                    // i=, b=, k=, unknown types: kept as they are
                }
            }
        }
        return new MediaDescription(index, f.get(0), port, portCount, f.get(2), f.subList(3, f.size()),
                Optional.ofNullable(connection), direction != null ? direction : sessionDirection,
                rtcpMux, rtcpPort, rtpMaps, fmtps, attributes);
    }

    private static int parseRtcp(String value, int lineNo) throws SdpParseException {
        List<String> f = SdpText.fields(value);
        if (f.size() != 1 && f.size() != 4) {
            throw new SdpParseException(lineNo, "a=rtcp needs <port> [<nettype> <addrtype> <address>]");
        }
        int p = SdpText.parseUnsigned(f.get(0), 65535);
        if (p < 0) {
            throw new SdpParseException(lineNo, "a=rtcp port \"" + excerpt(f.get(0)) + "\" is not a number in 0-65535");
        }
        return p;
    }

    private static void putFmtp(String value, Map<Integer, String> fmtps) {
        int sp = value.indexOf(' ');
        int pt = SdpText.parseUnsigned(sp < 0 ? value : value.substring(0, sp), 127);
        if (pt >= 0) {
            fmtps.putIfAbsent(pt, sp < 0 ? "" : value.substring(sp + 1).strip());
        }
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static int num(List<Integer> numbers, int index) {
        return numbers == null ? index + 1 : numbers.get(index);
    }

    private static String excerpt(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 40; i++) {
            char c = s.charAt(i);
            // the reason may end up in a SIP Warning header: no control characters, quotes or backslashes
            b.append(c < 0x20 || c == 0x7f || c == '"' || c == '\\' ? '?' : c);
        }
        if (b.length() < s.length()) {
            b.append("...");
        }
        return b.toString();
    }
}
