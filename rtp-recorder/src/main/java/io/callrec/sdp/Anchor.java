package io.callrec.sdp;

import java.util.Optional;

/** What the relay offers for each m-line of the rewritten SDP. */
public interface Anchor {
    /** Our media address to put in {@code c=}: an IPv4 or IPv6 literal ({@code IP4}/{@code IP6} is picked from it). */
    String address();

    /**
     * Our ports for this m-line, or empty to reject it (port 0 in the output). Not called for m-lines that
     * are already rejected.
     */
    Optional<PortPair> ports(MediaDescription m);
}
