package io.callrec.media.relay;

import java.io.IOException;

/** No free RTP/RTCP port pair could be bound in the configured range. */
public final class PortsExhaustedException extends IOException {
    public PortsExhaustedException(String message) {
        super(message);
    }

    public PortsExhaustedException(String message, Throwable cause) {
        super(message, cause);
    }
}
