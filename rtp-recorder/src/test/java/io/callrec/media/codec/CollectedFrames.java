package io.callrec.media.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A {@link FrameSink} for tests: copies every frame it gets. */
final class CollectedFrames implements FrameSink {
    record Frame(long timestamp, boolean keyframe, byte[] data) {
    }

    final List<Frame> frames = new ArrayList<>();

    @Override
    public void frame(long timestamp, boolean keyframe, ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        frames.add(new Frame(timestamp, keyframe, copy));
    }

    Frame only() {
        if (frames.size() != 1) {
            throw new AssertionError("expected one frame, got " + frames.size());
        }
        return frames.get(0);
    }

    Frame last() {
        return frames.get(frames.size() - 1);
    }

    int size() {
        return frames.size();
    }

    /** A payload buffer from byte values (ints for readability of hex literals). */
    static ByteBuffer bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return ByteBuffer.wrap(b);
    }

    /** {@code prefix} followed by {@code body}. */
    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }
}
