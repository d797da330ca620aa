package io.callrec.sip.limits;

import java.net.InetAddress;

/**
 * Whom a per-source limit counts against: an IPv4 address, or the /64 an IPv6 address lies in (one subscriber's
 * usual allocation, so hopping through its addresses does not escape a limit).
 */
record SourceKey(long high, long low) {

    /** Set in {@link #low} for IPv4 so that no IPv4 key equals the key of an IPv6 /64. */
    private static final long IPV4 = 1L << 32;

    static SourceKey of(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return new SourceKey(0, IPV4 | (((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8)
                    | (b[3] & 0xffL)));
        }
        long prefix = 0;
        for (int i = 0; i < 8; i++) {
            prefix = (prefix << 8) | (b[i] & 0xffL);
        }
        return new SourceKey(prefix, 0);
    }

    /** For logs: {@code 192.0.2.7} or {@code 2001:db8:0:1::/64}. */
    @Override
    public String toString() {
        if ((low & IPV4) != 0) {
            return ((low >>> 24) & 0xff) + "." + ((low >>> 16) & 0xff) + "." + ((low >>> 8) & 0xff) + "." + (low & 0xff);
        }
        return Long.toHexString(high >>> 48) + ":" + Long.toHexString((high >>> 32) & 0xffff) + ":"
                + Long.toHexString((high >>> 16) & 0xffff) + ":" + Long.toHexString(high & 0xffff) + "::/64";
    }
}
