package io.callrec.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses IP address literals without ever asking DNS: {@link InetAddress#getByName} would resolve
 * anything that is not a literal, which must not happen while validating flags or routing a call.
 */
public final class IpLiteral {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpLiteral() {
    }

    /**
     * Returns the address for a dotted-quad IPv4 literal or an IPv6 literal, with or without square
     * brackets ({@code [::1]}); empty for host names and malformed literals. Zone ids are refused.
     */
    public static Optional<InetAddress> parse(String text) {
        String literal = stripBrackets(text.trim());
        var v4 = IPV4.matcher(literal);
        if (v4.matches()) {
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(v4.group(i + 1));
                if (octet > 255) {
                    return Optional.empty();
                }
                bytes[i] = (byte) octet;
            }
            return Optional.of(byAddress(bytes));
        }
        // With a colon in it, getByName treats the text as an IPv6 literal and never resolves it.
        if (literal.indexOf(':') >= 0 && IPV6_CHARS.matcher(literal).matches()) {
            try {
                return Optional.of(InetAddress.getByName(literal));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** {@code ::1} → {@code ::1}, {@code [::1]} → {@code ::1}; anything else unchanged. */
    public static String stripBrackets(String host) {
        if (host.length() >= 2 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']') {
            return host.substring(1, host.length() - 1);
        }
        return host;
    }

    /** The host as it must appear inside a URI: IPv6 literals in brackets, the rest unchanged. */
    public static String forUri(String host) {
        String bare = stripBrackets(host);
        return bare.indexOf(':') >= 0 ? "[" + bare + "]" : bare;
    }

    /** True for {@code 0.0.0.0} and {@code ::}, which can be bound but not advertised to peers. */
    public static boolean isWildcard(String host) {
        return parse(host).map(InetAddress::isAnyLocalAddress).orElse(false);
    }

    /**
     * The address as text without brackets, IPv6 in the RFC 5952 short form ({@code ::1} rather
     * than Java's {@code 0:0:0:0:0:0:0:1}) so logs and messages show what operators type.
     */
    public static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        // RFC 5952 4.2: shorten the longest run of two or more zero groups, the first one on a tie.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always a valid IPv4 address", e);
        }
    }
}
