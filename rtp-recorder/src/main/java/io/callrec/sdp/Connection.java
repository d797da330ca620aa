package io.callrec.sdp;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Connection data ({@code c=} line, RFC 8866 §5.7).
 *
 * @param address the connection address as written, possibly with a multicast {@code /ttl[/count]} suffix
 */
public record Connection(String netType, String addrType, String address) {
    public Connection {
        Objects.requireNonNull(netType, "netType");
        Objects.requireNonNull(addrType, "addrType");
        Objects.requireNonNull(address, "address");
    }

    /** {@code IN IP4 addr} or {@code IN IP6 addr} for an IP literal (IPv6 when it contains ':'). */
    public static Connection of(String ipLiteral) {
        return new Connection("IN", ipLiteral.indexOf(':') >= 0 ? "IP6" : "IP4", ipLiteral);
    }

    static Connection parse(String value, int lineNumber, String what) throws SdpParseException {
        List<String> f = SdpText.fields(value);
        if (f.size() != 3) {
            throw new SdpParseException(lineNumber,
                    what + " needs <nettype> <addrtype> <address>, found " + f.size() + " fields");
        }
        return new Connection(f.get(0), f.get(1), f.get(2));
    }

    /**
     * The address as an IP literal (without any multicast suffix), for network type {@code IN}. Empty for
     * host names (never resolved here: the parser does no DNS) and anything unparsable.
     */
    public Optional<InetAddress> inetAddress() {
        if (!"IN".equals(netType)) {
            return Optional.empty();
        }
        int slash = address.indexOf('/');
        return IpLiteral.parse(slash < 0 ? address : address.substring(0, slash));
    }

    /** True for {@code 0.0.0.0} or {@code ::}: the RFC 2543 way to put a call on hold ("send nothing to me"). */
    public boolean holdAddress() {
        return inetAddress().map(InetAddress::isAnyLocalAddress).orElse(false);
    }

    /** The value of a {@code c=} line: {@code <nettype> <addrtype> <address>}. */
    public String value() {
        return netType + " " + addrType + " " + address;
    }
}
