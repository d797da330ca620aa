package io.callrec.sip.limits;

import java.util.Objects;

/**
 * What the JAIN-SIP stack itself may hold at once.
 *
 * @param udpQueue              the queue between the UDP reader and the parser threads
 * @param maxTcpConnections     accepted TCP connections at once (each costs two threads); further ones wait in the
 *                              kernel's backlog until one closes
 * @param maxServerTransactions server transactions kept at once; from 80 % of it the stack drops a growing share of
 *                              new requests, at 100 % all of them
 */
public record StackLimits(SipDatagramQueue udpQueue, int maxTcpConnections, int maxServerTransactions) {
    public StackLimits {
        Objects.requireNonNull(udpQueue, "udpQueue");
        if (maxTcpConnections < 1 || maxServerTransactions < 10) {
            throw new IllegalArgumentException("max TCP connections " + maxTcpConnections
                    + ", max server transactions " + maxServerTransactions + " out of range");
        }
    }
}
