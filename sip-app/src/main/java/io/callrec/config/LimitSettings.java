package io.callrec.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What the server refuses to do for anyone, so that one flooding or guessing source cannot take it down or in.
 * docs/security.md ("Limits and floods") explains each limit and what happens beyond it.
 *
 * @param invite            initial INVITEs per source address
 * @param register          REGISTERs per source address
 * @param options           OPTIONS and every other out-of-dialog request (MESSAGE, SUBSCRIBE...) per source
 * @param authFailures      failed digest authentications within {@code authWindow} that lock a user or source out;
 *                          0 turns the lockout off
 * @param authLockout       how long a lockout lasts
 * @param maxRecordings     concurrent recordings; beyond, a start is answered {@code recording-error limit-reached}
 * @param maxTcpConnections accepted SIP TCP connections at once; further ones wait in the kernel's backlog
 * @param tcpIdleTimeout    a TCP or TLS connection a client opened is closed after this long without a byte
 */
public record LimitSettings(RateLimit invite, RateLimit register, RateLimit options,
                            int authFailures, Duration authWindow, Duration authLockout,
                            int maxRecordings, int maxTcpConnections, Duration tcpIdleTimeout) {
    /** Shortest and longest {@code --tcp-idle-timeout}: a socket read timeout is an int of milliseconds. */
    public static final Duration MIN_TCP_IDLE = Duration.ofSeconds(1);
    public static final Duration MAX_TCP_IDLE = Duration.ofHours(24);


    /**
     * Above what one busy PBX trunk sends from one address (a few hundred call attempts a minute, re-registrations
     * of its phones, keep-alive OPTIONS), far below what a scanner or flood sends.
     */
    public static final LimitSettings DEFAULTS = new LimitSettings(new RateLimit(50, 100), new RateLimit(20, 40),
            new RateLimit(20, 40), 5, Duration.ofSeconds(60), Duration.ofMinutes(5), 200, 1000, Duration.ofSeconds(120));

    public LimitSettings {
        Objects.requireNonNull(invite, "invite");
        Objects.requireNonNull(register, "register");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(authWindow, "authWindow");
        Objects.requireNonNull(authLockout, "authLockout");
        Objects.requireNonNull(tcpIdleTimeout, "tcpIdleTimeout");
        if (tcpIdleTimeout.compareTo(MIN_TCP_IDLE) < 0 || tcpIdleTimeout.compareTo(MAX_TCP_IDLE) > 0) {
            throw new IllegalArgumentException("TCP idle timeout " + tcpIdleTimeout + " is not within 1 s..24 h");
        }
        if (authFailures < 0 || maxRecordings < 1 || maxTcpConnections < 1) {
            throw new IllegalArgumentException("auth failures " + authFailures + ", max recordings " + maxRecordings
                    + ", max TCP connections " + maxTcpConnections + " out of range");
        }
    }

    public boolean authLockoutEnabled() {
        return authFailures > 0;
    }
}
