package io.callrec.record.mkv;

import java.io.IOException;

/**
 * A track cannot be added: the Tracks element would outgrow the space reserved for it at the start of the file
 * (it is rewritten in place, so it cannot move). The file stays valid with the tracks it already has.
 */
public final class TracksReserveExhaustedException extends IOException {
    public TracksReserveExhaustedException(String message) {
        super(message);
    }
}
