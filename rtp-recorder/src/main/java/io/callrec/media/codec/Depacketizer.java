package io.callrec.media.codec;

import java.nio.ByteBuffer;

/**
 * Turns the RTP payloads of one stream (one SSRC, one payload type), already in sequence order, into frames. One
 * instance per track, used by one thread. Malformed payloads are counted and skipped, never thrown.
 */
public interface Depacketizer {
    /**
     * @param payload    the RTP payload, {@code position()..limit()} (no header, no padding); not kept after the call
     * @param timestamp  extended (64-bit, unwrapped) RTP timestamp
     * @param marker     the RTP marker bit
     * @param lossBefore true if packets are missing right before this one: a frame being assembled is incomplete
     * @param sink       where finished frames go
     */
    void push(ByteBuffer payload, long timestamp, boolean marker, boolean lossBefore, FrameSink sink);

    /** End of stream: emits a frame still being assembled if it is complete. */
    void flush(FrameSink sink);

    /** The track format, or null while it is not known yet (H.264 before SPS/PPS, VP8 before a keyframe). */
    TrackFormat format();

    /** Payloads that could not be parsed (counted, skipped). */
    long malformed();
}
