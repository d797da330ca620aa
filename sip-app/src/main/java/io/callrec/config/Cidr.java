package io.callrec.config;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}); a bare address
 * stands for a single host (/32 or /128).
 *
 * <p>Hand-written on purpose: no small, maintained library on Maven Central covers IPv4 and IPv6
 * CIDR matching without pulling in a large dependency (commons-net's {@code SubnetUtils} is IPv4
 * only; Guava and seancfoley/IPAddress are far larger than these few lines). IPv4-mapped IPv6
 * addresses ({@code ::ffff:127.0.0.1}) come out of {@link InetAddress} as IPv4, so a dual-stack
 * socket's peers match IPv4 networks.
 */
public record Cidr(InetAddress network, int prefixLength) {

    public Cidr {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not in 0-" + bits);
        }
    }

    /**
     * Parses {@code ADDRESS[/PREFIX]}. Host bits must be zero ({@code 10.0.0.1/8} is refused) so a
     * typo cannot silently widen or narrow a trusted network.
     *
     * @throws IllegalArgumentException with a message naming the problem
     */
    public static Cidr parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String addressPart = slash < 0 ? trimmed : trimmed.substring(0, slash);
        InetAddress address = IpLiteral.parse(addressPart).orElseThrow(
                () -> new IllegalArgumentException("'" + trimmed + "' is not a CIDR network (e.g. 10.0.0.0/8 or fd00::/8)"));
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String prefixPart = trimmed.substring(slash + 1);
            if (!prefixPart.matches("\\d{1,3}") || Integer.parseInt(prefixPart) > bits) {
                throw new IllegalArgumentException("'" + trimmed + "' has a bad prefix length (0-" + bits + ")");
            }
            prefix = Integer.parseInt(prefixPart);
        }
        byte[] masked = maskedCopy(address.getAddress(), prefix);
        if (!Arrays.equals(masked, address.getAddress())) {
            InetAddress suggested = toAddress(masked);
            throw new IllegalArgumentException("'" + trimmed + "' has host bits set (did you mean "
                    + IpLiteral.format(suggested) + "/" + prefix + "?)");
        }
        return new Cidr(address, prefix);
    }

    /** True when {@code address} is of the same family and its first {@code prefixLength} bits match. */
    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        byte[] net = network.getAddress();
        if (candidate.length != net.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (candidate[i] != net[i]) {
                return false;
            }
        }
        int restBits = prefixLength % 8;
        if (restBits == 0) {
            return true;
        }
        int mask = (0xff << (8 - restBits)) & 0xff;
        return (candidate[fullBytes] & mask) == (net[fullBytes] & mask);
    }

    @Override
    public String toString() {
        return IpLiteral.format(network) + "/" + prefixLength;
    }

    private static byte[] maskedCopy(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) ((0xff << (8 - keep)) & 0xff);
        }
        return masked;
    }

    private static InetAddress toAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("address of valid length", e);
        }
    }
}
