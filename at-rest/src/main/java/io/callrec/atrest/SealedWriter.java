package io.callrec.atrest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.util.Objects;

/**
 * Writes an encrypted file ({@link SealedHeader} describes the format) through the {@link WritableFile} view of
 * its plaintext: appends, and also writes over bytes already written.
 *
 * <p>The last chunk (the tail) is kept in memory and reaches the file when the next byte belongs to the following
 * chunk (sealed as a middle chunk), at {@link #flush()} (sealed as a
 * middle chunk that is not full yet: a crash keeps it, a reader finishing the file would not) and at
 * {@link #close()} (sealed as the last chunk). A write over an earlier chunk reads that chunk back, opens it,
 * patches it and seals it again under its next generation: a nonce is never used twice. Memory: two chunk
 * buffers.
 *
 * <p>The underlying channel must be readable and writable and is owned (closed) by this writer. Not thread-safe.
 */
final class SealedWriter implements WritableFile {
    private final FileChannel file;
    private final SealedHeader header;
    private final ChunkCipher cipher;
    private final int chunkSize;
    /** Plaintext of chunk {@link #tailIndex}, bytes {@code [0, tailLength)} valid. */
    private final ByteBuffer tail;
    /** A sealed chunk as stored: generation, ciphertext, tag. */
    private final ByteBuffer frame;
    private long tailIndex;
    private int tailLength;
    /** The generation the tail is sealed under next. */
    private int tailGeneration;
    /** Whether the tail differs from what the file holds for it. */
    private boolean tailDirty = true;
    private long position;
    private long storedEnd;
    private boolean closed;

    /** Writes the header at the start of {@code file}, which must be empty. */
    SealedWriter(FileChannel file, AtRestKey key, int chunkSize) throws IOException {
        this.file = Objects.requireNonNull(file, "file");
        this.header = SealedHeader.create(key, chunkSize);
        this.cipher = new ChunkCipher(key, header);
        this.chunkSize = chunkSize;
        this.tail = ByteBuffer.allocate(chunkSize);
        this.frame = ByteBuffer.allocate(header.slotLength());
        writeAt(ByteBuffer.wrap(header.encoded()), 0);
        storedEnd = SealedHeader.LENGTH;
    }

    SealedHeader header() {
        return header;
    }

    @Override
    public int read(ByteBuffer dst) {
        throw new NonReadableChannelException();
    }

    /** Writes all of {@code src} at the position (bytes between the end and the position read as zeros). */
    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        int total = src.remaining();
        if (position > size()) {
            fillGap();
        }
        while (src.hasRemaining()) {
            long index = position / chunkSize;
            int offset = (int) (position % chunkSize);
            if (index == tailIndex + 1 && offset == 0 && tailLength == chunkSize) {
                nextTail();
            }
            int count = Math.min(chunkSize - offset, src.remaining());
            if (index == tailIndex) {
                tail.put(offset, src, src.position(), count);
                tailLength = Math.max(tailLength, offset + count);
                tailDirty = true;
            } else {
                rewrite(index, offset, src, count);
            }
            src.position(src.position() + count);
            position += count;
        }
        return total;
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SealedWriter position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    /** The plaintext length. */
    @Override
    public long size() throws IOException {
        ensureOpen();
        return tailIndex * chunkSize + tailLength;
    }

    /** Cuts the plaintext to {@code size} bytes: the chunk that then ends the file becomes the tail again. */
    @Override
    public SealedWriter truncate(long size) throws IOException {
        ensureOpen();
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        if (size < size()) {
            long index = size == 0 ? 0 : (size - 1) / chunkSize;
            int length = (int) (size - index * chunkSize);
            if (index < tailIndex) {
                int generation = readChunk(index, tail);
                tailIndex = index;
                tailGeneration = nextGeneration(index, generation);
            }
            tailLength = length;
            tailDirty = true;
            file.truncate(header.slotOffset(index));
            storedEnd = header.slotOffset(index);
        }
        position = Math.min(position, size);
        return this;
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        if (tailDirty && (tailLength > 0 || tailIndex == 0)) {
            sealTail(false);
        }
    }

    @Override
    public void force() throws IOException {
        flush();
        file.force(false);
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    /** Seals the tail as the last chunk and closes the file; idempotent. The file is closed even if sealing fails. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            sealTail(true);
        } finally {
            file.close();
        }
    }

    private void nextTail() throws IOException {
        if (tailDirty) {
            sealTail(false);
        }
        tailIndex++;
        tailLength = 0;
        tailGeneration = 0;
        tailDirty = true;
    }

    private void sealTail(boolean last) throws IOException {
        frame.clear();
        frame.putInt(tailGeneration);
        cipher.seal(tailIndex, tailGeneration, last, tail.duplicate().position(0).limit(tailLength), frame);
        frame.flip();
        long offset = header.slotOffset(tailIndex);
        long end = offset + frame.remaining();
        writeAt(frame, offset);
        if (storedEnd > end) {
            file.truncate(end); // an earlier, longer seal of this chunk (before a truncate) must not linger
        }
        storedEnd = end;
        tailGeneration = nextGeneration(tailIndex, tailGeneration);
        tailDirty = false;
    }

    /** Patches {@code count} bytes of the sealed middle chunk {@code index} from {@code src} (not moved). */
    private void rewrite(long index, int offset, ByteBuffer src, int count) throws IOException {
        ByteBuffer plain = ByteBuffer.allocate(chunkSize);
        int generation = nextGeneration(index, readChunk(index, plain));
        plain.put(offset, src, src.position(), count);
        frame.clear();
        frame.putInt(generation);
        cipher.seal(index, generation, false, plain.position(0).limit(chunkSize), frame);
        frame.flip();
        writeAt(frame, header.slotOffset(index));
    }

    /** Reads and opens the full middle chunk {@code index} into {@code plain}; returns its generation. */
    private int readChunk(long index, ByteBuffer plain) throws IOException {
        frame.clear();
        long offset = header.slotOffset(index);
        while (frame.hasRemaining()) {
            if (file.read(frame, offset + frame.position()) < 0) {
                throw new SealedFileException("encrypted file ends inside chunk " + index + ", which was written"
                        + " whole: changed by someone else?");
            }
        }
        frame.flip();
        int generation = frame.getInt();
        plain.clear();
        if (!cipher.open(index, generation, false, frame, plain)) {
            throw new SealedFileException("chunk " + index + " of the encrypted file being written does not"
                    + " authenticate: changed on disk?");
        }
        return generation;
    }

    private static int nextGeneration(long index, int generation) throws SealedFileException {
        if (generation == -1) {
            throw new SealedFileException("chunk " + index + " was sealed 2^32 times; no fresh nonce is left");
        }
        return generation + 1;
    }

    private void fillGap() throws IOException {
        long target = position;
        position = size();
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(chunkSize, target - position));
        while (position < target) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), target - position));
            write(zeros);
        }
    }

    private void writeAt(ByteBuffer bytes, long offset) throws IOException {
        long at = offset;
        while (bytes.hasRemaining()) {
            at += file.write(bytes, at);
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }
}
