package io.callrec.sip;

import javax.sip.header.Header;
import javax.sip.message.Message;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * Which headers cross the B2BUA. Each leg is its own dialog, so everything that identifies a dialog, a transaction
 * or a hop is rebuilt per leg; the rest (Supported, Session-Expires, Allow, Event, Refer-To, Info-Package, unknown
 * extension headers…) is end-to-end information and passes unchanged, which keeps the B2BUA transparent to features
 * it does not itself implement.
 */
final class HeaderRelay {
    private static final Set<String> PER_LEG = Set.of(
            "via", "v", "from", "f", "to", "t", "call-id", "i", "cseq", "contact", "m", "route", "record-route",
            "max-forwards", "content-length", "l", "content-type", "c", "authorization", "proxy-authorization",
            "www-authenticate", "proxy-authenticate", "rseq", "rack", "proxy-require", "path", "service-route",
            "security-client", "security-server", "security-verify");

    /** Never relayed: the server's own control headers (spec §2) and identity a caller could forge. */
    private static final String CALLREC_PREFIX = "callrec-";

    private HeaderRelay() { }

    /**
     * Copies the end-to-end headers of {@code from} into {@code to}.
     *
     * @param trustedSource whether {@code from} came from a trusted peer; only then is P-Asserted-Identity kept
     */
    static void copy(Message from, Message to, boolean trustedSource) {
        for (Iterator<?> names = from.getHeaderNames(); names.hasNext(); ) {
            String name = (String) names.next();
            String lower = name.toLowerCase(Locale.ROOT);
            // Recv-Info is per leg too: the server declares its own package there (RecvInfo).
            if (PER_LEG.contains(lower) || lower.startsWith(CALLREC_PREFIX) || lower.equals("recv-info")) {
                continue;
            }
            if (!trustedSource && (lower.equals("p-asserted-identity") || lower.equals("p-preferred-identity"))) {
                continue;
            }
            for (Iterator<?> it = from.getHeaders(name); it.hasNext(); ) {
                Header h = (Header) it.next();
                to.addHeader((Header) h.clone());
            }
        }
    }

    static boolean isPerLeg(String headerName) {
        return PER_LEG.contains(headerName.toLowerCase(Locale.ROOT));
    }
}
