package io.callrec.sip.limits;

import java.time.Duration;
import java.util.Objects;

/**
 * What the JAIN-SIP stack itself may hold at once.
 *
 * @param udpQueue              the queue between the UDP reader and the parser threads
 * @param maxTcpConnections     accepted TCP connections at once (each costs two threads); further ones wait in the
 *                              kernel's backlog until one closes
 * @param tcpIdleTimeout        a TCP or TLS connection a client opened is closed after this long without a byte
 */
public record StackLimits(SipDatagramQueue udpQueue, int maxTcpConnections, Duration tcpIdleTimeout) {
    public StackLimits {
        Objects.requireNonNull(udpQueue, "udpQueue");
        Objects.requireNonNull(tcpIdleTimeout, "tcpIdleTimeout");
        if (maxTcpConnections < 1) {
            throw new IllegalArgumentException("max TCP connections " + maxTcpConnections + " is below 1");
        }
    }
}
