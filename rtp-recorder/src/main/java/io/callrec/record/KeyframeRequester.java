package io.callrec.record;

import io.callrec.media.relay.Side;

/** Asks a video sender for a keyframe (RTCP PLI, or FIR where the sender accepts it). */
@FunctionalInterface
interface KeyframeRequester {
    KeyframeRequester NONE = (stream, sender, ssrc, fir) -> { };

    void request(int stream, Side sender, int mediaSsrc, boolean fir);
}
