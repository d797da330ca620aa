package io.callrec.sip.registrar;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A REGISTER reduced to what the registrar decides on, free of JAIN-SIP types.
 *
 * @param contacts      empty for a query (no Contact header)
 * @param wildcard      the request carried {@code Contact: *}
 * @param contactCount  how many Contact values the request carried in all, the wildcard included
 * @param expiresHeader the Expires header, if any
 */
public record RegistrationRequest(
        AddressOfRecord aor,
        String callId,
        long cseq,
        List<ContactRequest> contacts,
        boolean wildcard,
        int contactCount,
        OptionalInt expiresHeader,
        InetSocketAddress source,
        String transport) {

    public RegistrationRequest {
        Objects.requireNonNull(aor, "aor");
        Objects.requireNonNull(callId, "callId");
        contacts = List.copyOf(contacts);
        Objects.requireNonNull(expiresHeader, "expiresHeader");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(transport, "transport");
    }
}
