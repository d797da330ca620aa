package io.callrec.testing.media;

import java.nio.ByteBuffer;

/** One encoded frame read from a test file, as a depacketizer would hand it over. */
public record MediaFrame(long timeMicros, boolean keyframe, byte[] data) {

    /** A read-only view of the data, {@code position()..limit()}. */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
    }
}
