package io.callrec.sdp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Parses IP address literals without ever asking DNS: SDP may carry host names, and a parser must not
 * block on (or leak queries for) names chosen by the far end.
 */
final class IpLiteral {
    private IpLiteral() {
    }

    /** The address for an IPv4 dotted-quad or IPv6 literal (no brackets, no zone), else empty. */
    static Optional<InetAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return Optional.empty();
        }
        return text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text);
    }

    private static Optional<InetAddress> parseV4(String text) {
        byte[] bytes = new byte[4];
        int part = 0;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '.') {
                if (part == 4 || i - start < 1 || i - start > 3) {
                    return Optional.empty();
                }
                int v = SdpText.parseUnsigned(text.substring(start, i), 255);
                if (v < 0) {
                    return Optional.empty();
                }
                bytes[part++] = (byte) v;
                start = i + 1;
            }
        }
        if (part != 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty(); // only for a wrong array length, which cannot happen here
        }
    }

    private static Optional<InetAddress> parseV6(String text) {
        // The JDK treats a string that starts with a hex digit or ':' and contains ':' as a literal and
        // never resolves it; the character check keeps every other string away from getByName.
        char first = text.charAt(0);
        if (first != ':' && Character.digit(first, 16) < 0) {
            return Optional.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ':' && c != '.' && Character.digit(c, 16) < 0) {
                return Optional.empty();
            }
            if (c > 0x7f) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
