package io.callrec.media.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The one output buffer of a depacketizer: the frame being assembled. It grows by doubling up to a hard cap; what
 * would go beyond the cap is not written and the buffer is marked {@linkplain #overflowed() overflowed} until
 * {@link #clear()}, so the frame is dropped whole rather than stored cut.
 */
final class FrameBuffer {
    private final int maxBytes;
    private byte[] bytes;
    private ByteBuffer view;
    private int size;
    private boolean overflowed;

    FrameBuffer(int initialBytes, int maxBytes) {
        if (initialBytes <= 0 || initialBytes > maxBytes) {
            throw new IllegalArgumentException("initial size " + initialBytes + " must be in 1.." + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.bytes = new byte[initialBytes];
        this.view = ByteBuffer.wrap(bytes);
    }

    int size() {
        return size;
    }

    int maxBytes() {
        return maxBytes;
    }

    /** True if something did not fit under the cap since the last {@link #clear()}. */
    boolean overflowed() {
        return overflowed;
    }

    void clear() {
        size = 0;
        overflowed = false;
    }

    /** Forgets everything from {@code newSize} on (a NAL unit or payload that turned out incomplete). */
    void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("cannot truncate " + size + " bytes to " + newSize);
        }
        size = newSize;
    }

    int byteAt(int index) {
        return bytes[index] & 0xff;
    }

    /** The backing array, for reading {@code [0, size())} in place; valid until the next write. */
    byte[] array() {
        return bytes;
    }

    void putByte(int b) {
        if (reserve(1)) {
            bytes[size++] = (byte) b;
        }
    }

    /** Big-endian, as H.264 length prefixes are. */
    void putInt(int value) {
        if (reserve(4)) {
            setInt(size, value);
            size += 4;
        }
    }

    void setInt(int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    void putShortLittleEndian(int value) {
        if (reserve(2)) {
            bytes[size++] = (byte) value;
            bytes[size++] = (byte) (value >>> 8);
        }
    }

    /** Copies {@code source[offset, offset + length)} (absolute indices; the source's position is not moved). */
    void put(ByteBuffer source, int offset, int length) {
        if (reserve(length)) {
            source.get(offset, bytes, size, length);
            size += length;
        }
    }

    /**
     * The frame as a buffer over the backing array, {@code position 0, limit size()}. The same object is handed
     * out again after each write: it is a view for one {@link FrameSink#frame} call, not a copy.
     */
    ByteBuffer view() {
        view.clear().limit(size);
        return view;
    }

    /**
     * Appends {@code length} bytes for the caller to fill in place in {@link #array()}: returns where they start, or
     * -1 (and overflowed) if they would pass the cap. Lets a decoder write its output with plain array stores.
     */
    int claim(int length) {
        if (!reserve(length)) {
            return -1;
        }
        int at = size;
        size += length;
        return at;
    }

    /** Makes room for {@code more} bytes; false (and overflowed) if that would pass the cap. */
    boolean reserve(int more) {
        if (overflowed) {
            return false;
        }
        long needed = (long) size + more;
        if (needed > maxBytes) {
            overflowed = true;
            return false;
        }
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(maxBytes, Math.max(needed, 2L * bytes.length)));
            view = ByteBuffer.wrap(bytes);
        }
        return true;
    }
}
