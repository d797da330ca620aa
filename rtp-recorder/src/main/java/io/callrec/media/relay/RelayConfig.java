package io.callrec.media.relay;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link RtpRelay}.
 *
 * @param bindAddress       local address every relay socket binds to (a wildcard address binds all interfaces)
 * @param portMin           lowest port handed out; even, because RTP takes even ports and RTCP the next odd one
 * @param portMax           highest port handed out (inclusive)
 * @param threads           number of selector threads; streams are spread over them round-robin
 * @param learningWindow    how long after {@link RelayStream#setRemote} a source other than the declared one may be latched
 * @param inactivityTimeout default idle time after which {@link SessionListener#onInactive} fires; {@link Duration#ZERO} = never
 */
public record RelayConfig(InetAddress bindAddress, int portMin, int portMax, int threads,
                          Duration learningWindow, Duration inactivityTimeout) {

    /** Above this a thread count is surely a mistake: a handful of selector threads saturate a NIC. */
    static final int MAX_THREADS = 256;

    public RelayConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(learningWindow, "learningWindow");
        Objects.requireNonNull(inactivityTimeout, "inactivityTimeout");
        if (portMin < 1024 || portMax > 65535) {
            throw new IllegalArgumentException("port range " + portMin + "-" + portMax + " must lie within 1024-65535");
        }
        if (portMin % 2 != 0) {
            throw new IllegalArgumentException("portMin " + portMin + " must be even (RTP uses even ports)");
        }
        if (portMin >= portMax) {
            throw new IllegalArgumentException("portMin " + portMin + " must be below portMax " + portMax);
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads " + threads + " must be within 1-" + MAX_THREADS);
        }
        if (learningWindow.isNegative()) {
            throw new IllegalArgumentException("learningWindow " + learningWindow + " must not be negative");
        }
        if (inactivityTimeout.isNegative()) {
            throw new IllegalArgumentException("inactivityTimeout " + inactivityTimeout + " must not be negative");
        }
    }

    /** Ports 20000-29999, {@code min(2, cores)} threads, 3 s learning window, 60 s inactivity timeout. */
    public static RelayConfig defaults(InetAddress bind) {
        int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
        return new RelayConfig(bind, 20000, 29999, threads, Duration.ofSeconds(3), Duration.ofSeconds(60));
    }

    /** This config with another port range. */
    public RelayConfig withPorts(int min, int max) {
        return new RelayConfig(bindAddress, min, max, threads, learningWindow, inactivityTimeout);
    }

    /** This config with another number of selector threads. */
    public RelayConfig withThreads(int count) {
        return new RelayConfig(bindAddress, portMin, portMax, count, learningWindow, inactivityTimeout);
    }

    /** This config with other learning and inactivity durations. */
    public RelayConfig withTimeouts(Duration learning, Duration inactivity) {
        return new RelayConfig(bindAddress, portMin, portMax, threads, learning, inactivity);
    }

    /** How many RTP/RTCP port pairs the range holds. */
    public int pairCapacity() {
        return (portMax - portMin + 1) / 2;
    }
}
