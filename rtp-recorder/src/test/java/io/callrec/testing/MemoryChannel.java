package io.callrec.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

/**
 * A {@link SeekableByteChannel} over a growable byte array, readable after close: file writers tested in memory.
 * {@link #discarding()} keeps only the size, to measure a writer without the cost of storing what it writes.
 */
public final class MemoryChannel implements SeekableByteChannel {
    private final boolean keep;
    private byte[] bytes = new byte[1024];
    private int size;
    private long position;
    private boolean open = true;
    private int writes;
    private long room = Long.MAX_VALUE;

    public MemoryChannel() {
        this(true);
    }

    private MemoryChannel(boolean keep) {
        this.keep = keep;
    }

    /** A channel that counts what is written and keeps none of it (reads see zeros). */
    public static MemoryChannel discarding() {
        return new MemoryChannel(false);
    }

    @Override
    public int read(ByteBuffer dst) throws ClosedChannelException {
        ensureOpen();
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - position);
        if (keep) {
            dst.put(bytes, (int) position, n);
        } else {
            dst.position(dst.position() + n);
        }
        position += n;
        return n;
    }

    /**
     * From now on the channel holds at most {@code bytes} bytes, like a disk that fills up: a write beyond takes what
     * fits, the next one fails with "No space left on device".
     */
    public MemoryChannel room(long bytes) {
        room = bytes;
        return this;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        int n = (int) Math.min(src.remaining(), Math.max(0, room - position));
        if (n == 0 && src.hasRemaining()) {
            throw new IOException("No space left on device");
        }
        long end = position + n;
        if (!keep) {
            src.position(src.position() + n);
        } else {
            if (end > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.max(end, bytes.length * 2L));
            }
            src.get(bytes, (int) position, n);
        }
        position = end;
        size = (int) Math.max(size, end);
        writes++;
        return n;
    }

    @Override
    public long position() throws ClosedChannelException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws ClosedChannelException {
        ensureOpen();
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws ClosedChannelException {
        ensureOpen();
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) throws ClosedChannelException {
        ensureOpen();
        size = (int) Math.min(size, newSize);
        position = Math.min(position, newSize);
        return this;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }

    /** A copy of the content, also after close. */
    public byte[] toByteArray() {
        if (!keep) {
            throw new IllegalStateException("a discarding channel keeps no content");
        }
        return Arrays.copyOf(bytes, size);
    }

    /** How many write calls were made (writers should make few, large ones). */
    public int writeCalls() {
        return writes;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
