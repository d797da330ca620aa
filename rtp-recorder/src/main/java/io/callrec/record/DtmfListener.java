package io.callrec.record;

import io.callrec.media.relay.Side;

/**
 * Telephone-events (RFC 4733) seen on a call's media, one call per event (its repeated and end packets are not
 * reported again). Called on a relay thread: must return at once (hand the digit to another thread).
 */
@FunctionalInterface
public interface DtmfListener {
    /**
     * @param from           the side that sent it
     * @param digit          '0'-'9', '*', '#', 'A'-'D'
     * @param eventTimestamp the event's RTP timestamp: the same for every packet of one key press
     */
    void onDigit(Side from, char digit, long eventTimestamp);
}
