package io.callrec.sip.registrar;

import java.util.Locale;
import java.util.Objects;

/**
 * An address-of-record in canonical form (RFC 3261 10.3 step 5): user and domain only, no port,
 * no parameters, the domain in lower case. The port is dropped because callers dial
 * {@code sip:bob@server-ip} whatever port bob's To header named.
 */
public record AddressOfRecord(String user, String domain) {

    public AddressOfRecord {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(domain, "domain");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("an address-of-record needs a user");
        }
        domain = domain.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "sip:" + user + "@" + domain;
    }
}
