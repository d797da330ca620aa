package io.callrec.media.codec;

import java.nio.ByteBuffer;

/** Receives whole frames (access units, audio frames) from a {@link Depacketizer}. */
@FunctionalInterface
public interface FrameSink {
    /**
     * @param timestamp the frame's extended (64-bit, unwrapped) RTP timestamp
     * @param keyframe  true if a decoder can start here (always true for audio)
     * @param data      the frame as the container stores it, {@code position()..limit()}; valid only during this call
     *                  (the depacketizer reuses the buffer): copy what must be kept
     */
    void frame(long timestamp, boolean keyframe, ByteBuffer data);
}
