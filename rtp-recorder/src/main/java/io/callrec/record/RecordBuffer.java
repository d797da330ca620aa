package io.callrec.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;

/**
 * Journal records framed as {@code int bodyLength, body, int crc32c(body)}, gathered in one buffer and written out
 * in large writes: the framing both journals share ({@link Journal.Writer}, {@link WorkerJournal}).
 */
final class RecordBuffer {
    private final ByteBuffer buffer;
    /** The same memory as {@link #buffer}, positioned over each record's body for the checksum. */
    private final ByteBuffer crcView;
    private final CRC32C crc = new CRC32C();
    private int start;

    RecordBuffer(ByteBuffer buffer) {
        this.buffer = buffer;
        this.crcView = buffer.duplicate();
    }

    ByteBuffer buffer() {
        return buffer;
    }

    /** Whether a record with a body of {@code body} bytes fits in the buffer at all. */
    boolean fits(int body) {
        return 4 + body + 4 <= buffer.capacity();
    }

    /**
     * Starts a record whose body of {@code body} bytes the caller puts next, writing out what is buffered first if
     * it would not fit; returns the bytes written out.
     */
    long begin(int body, WritableByteChannel out) throws IOException {
        long written = buffer.remaining() < 4 + body + 4 ? writeTo(out) : 0;
        buffer.putInt(body);
        start = buffer.position();
        return written;
    }

    /** Ends the record begun last: its checksum. */
    void end() {
        crcView.limit(buffer.position()).position(start);
        crc.reset();
        crc.update(crcView);
        buffer.putInt((int) crc.getValue());
    }

    /** Writes out what is buffered; returns the bytes written. */
    long writeTo(WritableByteChannel out) throws IOException {
        buffer.flip();
        long n = 0;
        while (buffer.hasRemaining()) {
            n += out.write(buffer);
        }
        buffer.clear();
        return n;
    }

    /** One record of {@code type} and {@code rest} on its own, for a body too big for the buffer. */
    static ByteBuffer single(byte type, ByteBuffer rest) {
        int body = 1 + rest.remaining();
        ByteBuffer big = ByteBuffer.allocate(4 + body + 4);
        big.putInt(body).put(type).put(rest.duplicate());
        CRC32C crc = new CRC32C();
        crc.update(big.array(), 4, body);
        return big.putInt((int) crc.getValue()).flip();
    }
}
