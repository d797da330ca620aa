package io.callrec.media.codec;

import java.nio.ByteBuffer;

/**
 * Bounds-checked reading of one RTP payload, front to back. It keeps its own read offset and never moves the
 * buffer's position or limit. Every read that would pass the end throws {@link MalformedPayloadException} naming
 * what was being read, so codec parsers contain no bounds arithmetic of their own.
 *
 * <p>One instance per {@link PayloadParser}, re-pointed at each payload: it holds the payload only during
 * {@link Depacketizer#push}.
 */
final class PayloadCursor {
    private ByteBuffer buffer;
    private int offset;
    private int limit;

    void reset(ByteBuffer payload) {
        buffer = payload;
        offset = payload.position();
        limit = payload.limit();
    }

    int remaining() {
        return limit - offset;
    }

    boolean hasRemaining() {
        return offset < limit;
    }

    /** Throws unless at least {@code n} bytes are left. */
    void require(int n, String what) throws MalformedPayloadException {
        if (n > limit - offset) {
            throw MalformedPayloadException.truncated(what, n, limit - offset);
        }
    }

    int u8(String what) throws MalformedPayloadException {
        require(1, what);
        return buffer.get(offset++) & 0xff;
    }

    /** The next byte without consuming it. */
    int peekU8(String what) throws MalformedPayloadException {
        require(1, what);
        return buffer.get(offset) & 0xff;
    }

    /** The byte {@code ahead} bytes on, or -1 if the payload ends before it. */
    int byteAhead(int ahead) {
        return offset + ahead < limit ? buffer.get(offset + ahead) & 0xff : -1;
    }

    int u16(String what) throws MalformedPayloadException {
        require(2, what);
        int value = buffer.getShort(offset) & 0xffff;
        offset += 2;
        return value;
    }

    void skip(int n, String what) throws MalformedPayloadException {
        require(n, what);
        offset += n;
    }

    void skipRest() {
        offset = limit;
    }

    /** Appends the next {@code n} bytes to {@code out}. */
    void copyTo(FrameBuffer out, int n, String what) throws MalformedPayloadException {
        require(n, what);
        out.put(buffer, offset, n);
        offset += n;
    }

    void copyRestTo(FrameBuffer out) {
        out.put(buffer, offset, limit - offset);
        offset = limit;
    }

    /**
     * Consumes the rest of the payload for a caller that loops over it itself: returns its absolute offset in
     * {@link #buffer()}; the bytes are {@code [returned, returned + n)} where {@code n} was {@link #remaining()}.
     */
    int takeRest() {
        int start = offset;
        offset = limit;
        return start;
    }

    ByteBuffer buffer() {
        return buffer;
    }
}
