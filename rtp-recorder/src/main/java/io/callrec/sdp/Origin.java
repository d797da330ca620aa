package io.callrec.sdp;

import java.util.List;
import java.util.Objects;

/** Origin ({@code o=} line, RFC 8866 §5.2): identifies the session and the revision of its description. */
public record Origin(String username, String sessionId, String version, String netType, String addrType,
                     String address) {
    public Origin {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(netType, "netType");
        Objects.requireNonNull(addrType, "addrType");
        Objects.requireNonNull(address, "address");
    }

    static Origin parse(String value, int lineNumber) throws SdpParseException {
        List<String> f = SdpText.fields(value);
        if (f.size() != 6) {
            throw new SdpParseException(lineNumber, "o= needs 6 fields (<username> <sess-id> <sess-version> "
                    + "<nettype> <addrtype> <address>), found " + f.size());
        }
        return new Origin(f.get(0), f.get(1), f.get(2), f.get(3), f.get(4), f.get(5));
    }

    /** This origin with another connection (same username, session id and version). */
    public Origin withConnection(Connection c) {
        return new Origin(username, sessionId, version, c.netType(), c.addrType(), c.address());
    }

    /** The value of an {@code o=} line. */
    public String value() {
        return String.join(" ", username, sessionId, version, netType, addrType, address);
    }
}
