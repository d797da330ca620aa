package io.callrec.it.support;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One line of {@code src/test/resources/torture/index.txt}: a torture message, how it is sent and what answers it.
 *
 * @param name       the fixture, e.g. {@code rfc4475/wsinv}
 * @param section    the RFC section describing it
 * @param transports {@code udp} and/or {@code tcp}, in sending order
 * @param rewrites   what the sender changes: {@link #SENT_BY}, {@link #BRANCH}; empty for a response
 * @param rfc        what the RFC expects
 * @param callrec    what callrec answers
 * @param note       why, where callrec's answer needs explaining
 */
public record TortureCase(String name, String section, List<String> transports, Set<String> rewrites,
                          Expectation rfc, Expectation callrec, String note) {

    public static final String SENT_BY = "sent-by";
    public static final String BRANCH = "branch";

    public TortureCase {
        transports = List.copyOf(transports);
        rewrites = Set.copyOf(rewrites);
    }

    /** Whether the message is a REGISTER (its start line begins so). */
    public boolean isRegister() {
        byte[] message = TortureIndex.message(name);
        return new String(message, 0, Math.min(9, message.length), StandardCharsets.ISO_8859_1).equals("REGISTER ");
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * What may answer a message, per transport: each alternative is a status code ({@code 404}), a class
     * ({@code 4xx}), {@code answer} (any final answer but 400 and 5xx: the message was taken as well formed),
     * {@code drop} (no SIP answer) or {@code closed} (the server closed the TCP connection without one).
     */
    public record Expectation(Map<String, List<String>> byTransport) {
        private static final Pattern OUTCOME = Pattern.compile("\\d{3}|[1-6]xx|answer|drop|closed");
        private static final String ANY = "*";

        public Expectation {
            byTransport = Collections.unmodifiableMap(new LinkedHashMap<>(byTransport));
        }

        /** {@code 400|answer}, or per transport {@code udp:400 tcp:closed}. */
        public static Expectation parse(String text) {
            Map<String, List<String>> map = new LinkedHashMap<>();
            for (String part : text.trim().split("\\s+")) {
                int colon = part.indexOf(':');
                String transport = colon < 0 ? ANY : part.substring(0, colon);
                List<String> alternatives = List.of(part.substring(colon + 1).split("\\|"));
                for (String a : alternatives) {
                    if (!OUTCOME.matcher(a).matches()) {
                        throw new IllegalArgumentException("'" + a + "' in '" + text + "' is not an outcome");
                    }
                }
                if (map.put(transport, alternatives) != null) {
                    throw new IllegalArgumentException("'" + transport + "' twice in '" + text + "'");
                }
            }
            return new Expectation(map);
        }

        /** The alternatives for {@code transport}. */
        public List<String> alternatives(String transport) {
            List<String> a = byTransport.getOrDefault(transport, byTransport.get(ANY));
            if (a == null) {
                throw new IllegalArgumentException("no expectation for " + transport + " in " + this);
            }
            return a;
        }

        /** Whether {@code outcome} (a status code, {@code drop} or {@code closed}) is one this allows. */
        public boolean allows(String transport, String outcome) {
            for (String a : alternatives(transport)) {
                if (a.equals(outcome) || matchesCode(a, outcome)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean matchesCode(String alternative, String outcome) {
            if (!outcome.matches("\\d{3}")) {
                return false;
            }
            int code = Integer.parseInt(outcome);
            if (alternative.equals("answer")) {
                return code >= 200 && code < 500 && code != 400;
            }
            return alternative.endsWith("xx") && alternative.charAt(0) == outcome.charAt(0);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            byTransport.forEach((t, a) -> b.append(b.length() == 0 ? "" : " ")
                    .append(t.equals(ANY) ? "" : t + ":").append(String.join("|", a)));
            return b.toString();
        }
    }
}
