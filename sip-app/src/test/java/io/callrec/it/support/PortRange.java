package io.callrec.it.support;

/**
 * An inclusive range of port numbers, written {@code low-high} as callrec's {@code --rtp-ports}
 * flag and tcpdump's {@code portrange} expect it.
 */
public record PortRange(int low, int high) {

    public PortRange {
        if (low < 1 || high > 65535 || low > high) {
            throw new IllegalArgumentException("bad port range " + low + "-" + high);
        }
    }

    public static PortRange of(int low, int count) {
        return new PortRange(low, low + count - 1);
    }

    public int size() {
        return high - low + 1;
    }

    public boolean contains(int port) {
        return port >= low && port <= high;
    }

    /** The range as {@code low-high}. */
    @Override
    public String toString() {
        return low + "-" + high;
    }
}
