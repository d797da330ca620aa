package io.callrec.sip.routing;

import io.callrec.sip.registrar.Binding;
import java.util.List;
import java.util.Objects;

/** Where an INVITE goes (spec section 1, "Routing of an INVITE"). */
public sealed interface RouteDecision {

    /** The dialled user is registered here: call its contacts, best first. */
    record ToRegistered(List<Binding> bindings) implements RouteDecision {
        public ToRegistered {
            bindings = List.copyOf(bindings);
            if (bindings.isEmpty()) {
                throw new IllegalArgumentException("no bindings to route to");
            }
        }
    }

    /**
     * Send leg B to {@code uri}.
     *
     * @param via which rule chose it, for logs: {@code route N} (1-based, in configuration order),
     *            {@code upstream} or {@code direct}
     */
    record ToUri(String uri, String via) implements RouteDecision {
        public ToUri {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(via, "via");
        }
    }

    /** The target is this server itself: answer 482 Loop Detected. */
    record Loop() implements RouteDecision {
    }

    /** No rule matches: answer 404 Not Found. The server never relays to arbitrary hosts. */
    record NotFound() implements RouteDecision {
    }
}
