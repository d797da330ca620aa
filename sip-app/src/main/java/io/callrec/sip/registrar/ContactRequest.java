package io.callrec.sip.registrar;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One Contact of a REGISTER, before the registrar applies its rules.
 *
 * @param expires the contact's own {@code expires} parameter, which wins over the Expires header
 */
public record ContactRequest(String uri, OptionalInt expires, OptionalDouble q, Optional<String> instanceId,
        OptionalInt regId) {

    public ContactRequest {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(q, "q");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(regId, "regId");
    }

    /** A contact with no parameters. */
    public static ContactRequest of(String uri) {
        return new ContactRequest(uri, OptionalInt.empty(), OptionalDouble.empty(), Optional.empty(), OptionalInt.empty());
    }
}
