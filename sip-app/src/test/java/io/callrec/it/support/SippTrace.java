package io.callrec.it.support;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SIPp's message trace ({@code -trace_msg}, {@link Sipp#messages()}) read back as the messages it
 * sent and received, in order, with their time stamps:
 *
 * <pre>{@code
 * SippTrace trace = SippTrace.parse(uas.messages());
 * assertTrue(trace.received("INVITE").isEmpty(), "the callee got no INVITE");
 * }</pre>
 */
public record SippTrace(List<Message> messages) {

    /** "----- 2026-11-25 15:54:50.168127" then "UDP message received [612] bytes :" or "TCP message sent (298 bytes):". */
    private static final Pattern HEADER = Pattern.compile(
            "^-+ (\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d+)\\R(\\w+) message (received|sent) (?:\\[\\d+] bytes :|\\(\\d+ bytes\\):)\\R",
            Pattern.MULTILINE);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);

    public SippTrace {
        messages = List.copyOf(messages);
    }

    /**
     * One message of the trace.
     *
     * @param time      SIPp's local wall-clock time stamp
     * @param transport {@code UDP} or {@code TCP}
     * @param received  true for a message SIPp received, false for one it sent
     * @param text      the message, lines ending in {@code \n}
     */
    public record Message(LocalDateTime time, String transport, boolean received, String text) {

        public String firstLine() {
            int nl = text.indexOf('\n');
            return nl < 0 ? text : text.substring(0, nl);
        }

        /** A request with this method, e.g. {@code INVITE}. */
        public boolean isRequest(String method) {
            return firstLine().startsWith(method + " ");
        }

        /** A response with this status code. */
        public boolean isResponse(int status) {
            return firstLine().startsWith("SIP/2.0 " + status + " ");
        }

        /** The Request-URI of a request. */
        public String requestUri() {
            String[] parts = firstLine().split(" ");
            return parts.length == 3 ? parts[1] : "";
        }

        /** Values of every header line called {@code name} (case-insensitive), in order. */
        public List<String> headerValues(String name) {
            List<String> values = new ArrayList<>();
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (String line : text.split("\n")) {
                if (line.isEmpty()) {
                    break;
                }
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    values.add(line.substring(prefix.length()).trim());
                }
            }
            return values;
        }

        public Optional<String> header(String name) {
            List<String> values = headerValues(name);
            return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }
    }

    public static SippTrace parse(String log) {
        record Head(int start, int end, LocalDateTime time, String transport, boolean received) { }
        List<Head> heads = new ArrayList<>();
        Matcher m = HEADER.matcher(log);
        while (m.find()) {
            heads.add(new Head(m.start(), m.end(), LocalDateTime.parse(padMicros(m.group(1)), STAMP), m.group(2),
                    "received".equals(m.group(3))));
        }
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < heads.size(); i++) {
            Head h = heads.get(i);
            int to = i + 1 < heads.size() ? heads.get(i + 1).start() : log.length();
            String text = log.substring(h.end(), to).replace("\r", "").strip() + "\n";
            messages.add(new Message(h.time(), h.transport(), h.received(), text));
        }
        return new SippTrace(messages);
    }

    /** Received messages whose first line starts with {@code startOfFirstLine} ({@code "INVITE"}, {@code "SIP/2.0 200"}). */
    public List<Message> received(String startOfFirstLine) {
        return select(msg -> msg.received() && msg.firstLine().startsWith(startOfFirstLine));
    }

    /** Sent messages whose first line starts with {@code startOfFirstLine}. */
    public List<Message> sent(String startOfFirstLine) {
        return select(msg -> !msg.received() && msg.firstLine().startsWith(startOfFirstLine));
    }

    public List<Message> select(Predicate<Message> filter) {
        return messages.stream().filter(filter).toList();
    }

    /** The first lines with direction, for assertion messages. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        for (Message msg : messages) {
            b.append(msg.time()).append(msg.received() ? " <- " : " -> ").append(msg.transport()).append(' ')
                    .append(msg.firstLine()).append('\n');
        }
        return b.toString();
    }

    private static String padMicros(String stamp) {
        int dot = stamp.indexOf('.');
        String fraction = stamp.substring(dot + 1);
        return stamp.substring(0, dot + 1) + (fraction + "000000").substring(0, 6);
    }
}
