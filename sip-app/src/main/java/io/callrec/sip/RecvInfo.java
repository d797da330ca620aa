package io.callrec.sip;

import java.text.ParseException;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.sip.header.Header;
import javax.sip.message.Message;

/**
 * Info package negotiation (RFC 6086 §5.2.2) across the B2BUA. The server is the endpoint of the {@code callrec}
 * package on each leg: it declares {@code callrec} in everything it sends that may carry {@code Recv-Info}, removes
 * {@code callrec} from what it relays, and passes every other package through so the UAs can use them end to end.
 */
final class RecvInfo {
    static final String NAME = "Recv-Info";
    static final String CALLREC = "callrec";

    private RecvInfo() {
    }

    /**
     * The packages a message declares, lower-cased; empty optional if it has no {@code Recv-Info} at all (then the
     * UA's earlier declaration stays valid), an empty set for an empty header (it takes everything back).
     */
    static Optional<Set<String>> declared(Message m) {
        Iterator<?> it = m.getHeaders(NAME);
        if (!it.hasNext()) {
            return Optional.empty();
        }
        Set<String> out = new LinkedHashSet<>();
        while (it.hasNext()) {
            String value = SipFactories.headerValue((Header) it.next());
            for (String part : value.split(",")) {
                String pkg = part.trim();
                int semi = pkg.indexOf(';');
                if (semi >= 0) {
                    pkg = pkg.substring(0, semi).trim();
                }
                if (!pkg.isEmpty()) {
                    out.add(pkg.toLowerCase(Locale.ROOT));
                }
            }
        }
        return Optional.of(out);
    }

    /** Remembers what the UA on {@code leg} declared in {@code m}, if it declared anything. */
    static void learn(Leg leg, Message m) {
        declared(m).ifPresent(p -> leg.recvInfo = Set.copyOf(p));
    }

    /** Sets our {@code Recv-Info} on {@code out}: callrec plus the packages of the UA we relay for, minus callrec. */
    static void declare(Message out, Set<String> relayedPackages) {
        out.removeHeader(NAME);
        StringBuilder value = new StringBuilder(CALLREC);
        for (String p : relayedPackages) {
            if (!CALLREC.equals(p)) {
                value.append(", ").append(p);
            }
        }
        try {
            out.addHeader(SipFactories.headers().createHeader(NAME, value.toString()));
        } catch (ParseException e) {
            throw new IllegalStateException("package names came from a parsed header: " + value, e);
        }
    }
}
