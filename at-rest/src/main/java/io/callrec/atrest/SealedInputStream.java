package io.callrec.atrest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The plaintext of an encrypted file, or of a range of it, decrypted chunk by chunk from a stream of its stored
 * bytes: nothing is delivered from a chunk before the whole chunk authenticated. Memory: two chunk buffers.
 *
 * <p>Strict by default: a chunk that does not authenticate (altered, moved, from another file), a file that ends
 * early or without its last chunk, all throw {@link SealedFileException}. {@link #recovering} reads a file that a
 * crash may have left unfinished (the journal): it delivers every chunk up to the first one that does not open, takes
 * a last chunk sealed by a flush as well as one sealed at close, and says in {@link #damage()} where it stopped.
 */
public final class SealedInputStream extends InputStream {
    private final InputStream stored;
    private final SealedHeader header;
    private final ChunkCipher cipher;
    private final long lastChunk;
    private final int lastFrameLength;
    private final boolean recovering;
    /** Reading a file from its start to its end: every chunk is authenticated, even one with nothing to deliver. */
    private final boolean wholeFile;
    private final byte[] frame;
    private final ByteBuffer plain;
    private long nextChunk;
    private long skip;
    private long remaining;
    private boolean ended;
    private String damage;

    private SealedInputStream(InputStream stored, SealedHeader header, AtRestKey key, long lastChunk,
                              int lastFrameLength, boolean recovering, boolean wholeFile, long firstChunk, long skip,
                              long length) {
        this.stored = Objects.requireNonNull(stored, "stored");
        this.header = header;
        this.cipher = new ChunkCipher(key, header);
        this.lastChunk = lastChunk;
        this.lastFrameLength = lastFrameLength;
        this.recovering = recovering;
        this.wholeFile = wholeFile;
        this.frame = new byte[header.slotLength()];
        this.plain = ByteBuffer.allocate(header.chunkSize()).limit(0);
        this.nextChunk = firstChunk;
        this.skip = skip;
        this.remaining = length;
    }

    /**
     * The whole plaintext of a file.
     *
     * @param storedFromStart the stored file from its first byte (header included); owned by the returned stream
     * @param storedLength    the stored file's length
     * @throws UnknownKeyException when none of {@code keys} encrypted it
     * @throws SealedFileException when the header is not ours or the length is impossible
     */
    public static SealedInputStream open(InputStream storedFromStart, long storedLength, AtRestKeys keys)
            throws IOException {
        SealedHeader header = readHeader(storedFromStart);
        AtRestKey key = keys.find(header.keyId());
        long plainLength = header.plainLength(storedLength);
        long last = header.lastChunk(storedLength);
        return new SealedInputStream(storedFromStart, header, key, last, lastFrame(header, storedLength, last), false,
                true, 0, 0, plainLength);
    }

    /**
     * Plaintext bytes {@code [from, from + length)} of a file whose header was read already.
     *
     * @param storedAtRange the stored bytes of {@code header.storedRange(from, length, storedLength)}, from its
     *                      offset on; owned by the returned stream
     */
    public static SealedInputStream range(InputStream storedAtRange, SealedHeader header, AtRestKeys keys,
                                          long storedLength, long from, long length) throws IOException {
        AtRestKey key = keys.find(header.keyId());
        long plainLength = header.plainLength(storedLength);
        if (from < 0 || length < 0 || from + length > plainLength) {
            throw new IllegalArgumentException("range from " + from + " of " + length + " bytes outside a file of "
                    + plainLength);
        }
        long last = header.lastChunk(storedLength);
        return new SealedInputStream(storedAtRange, header, key, last, lastFrame(header, storedLength, last), false,
                false, from / header.chunkSize(), from % header.chunkSize(), length);
    }

    /**
     * The plaintext of a file that may be unfinished or torn at its end (a journal after a crash): every chunk up to
     * the first one that does not open. Its header must be whole and its key known.
     */
    public static SealedInputStream recovering(InputStream storedFromStart, long storedLength, AtRestKeys keys)
            throws IOException {
        SealedHeader header = readHeader(storedFromStart);
        AtRestKey key = keys.find(header.keyId());
        long body = storedLength - SealedHeader.LENGTH;
        long slots = body / header.slotLength();
        long rest = body % header.slotLength();
        long last = rest >= SealedHeader.CHUNK_OVERHEAD ? slots : slots - 1;
        int lastFrame = rest >= SealedHeader.CHUNK_OVERHEAD ? (int) rest : header.slotLength();
        SealedInputStream in = new SealedInputStream(storedFromStart, header, key, last, lastFrame, true, true, 0, 0,
                Long.MAX_VALUE);
        if (rest > 0 && rest < SealedHeader.CHUNK_OVERHEAD) {
            in.damage = "the file ends " + rest + " bytes into chunk " + slots + " (torn write)";
        }
        return in;
    }

    /** Reads and parses the 56-byte header at the start of {@code stored}. */
    public static SealedHeader readHeader(InputStream stored) throws IOException {
        byte[] bytes = stored.readNBytes(SealedHeader.LENGTH);
        return SealedHeader.parse(bytes, 0, bytes.length);
    }

    /** The header of the file being read. */
    public SealedHeader header() {
        return header;
    }

    /** For {@link #recovering} streams: why reading stopped before the stored end, or null. */
    public String damage() {
        return damage;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (remaining == 0) {
            if (wholeFile) {
                // An empty file is one empty last chunk: it must authenticate too, or any 76 bytes would read as ""
                while (!ended && nextChunk()) {
                    plain.limit(0);
                }
            }
            return -1;
        }
        while (!plain.hasRemaining()) {
            if (ended || !nextChunk()) {
                return -1;
            }
        }
        int n = (int) Math.min(Math.min(len, plain.remaining()), remaining);
        plain.get(b, off, n);
        remaining -= n;
        return n;
    }

    @Override
    public int available() {
        return (int) Math.min(plain.remaining(), remaining);
    }

    @Override
    public void close() throws IOException {
        stored.close();
    }

    /** Opens the next chunk into {@link #plain}; false at the end (or, recovering, at the first damage). */
    private boolean nextChunk() throws IOException {
        long index = nextChunk;
        if (index > lastChunk) {
            ended = true;
            return false;
        }
        boolean last = index == lastChunk;
        int length = last ? lastFrameLength : header.slotLength();
        int got = stored.readNBytes(frame, 0, length);
        if (got < length) {
            return stop("the stored file ends " + got + " bytes into chunk " + index + " of " + length + " bytes");
        }
        int generation = ByteBuffer.wrap(frame).getInt();
        if (!open(index, generation, last, length)) {
            if (last && open(index, generation, false, length)) {
                if (!recovering) {
                    return stop("the file ends without its last chunk: it was cut short after chunk " + index
                            + ", or never finished");
                }
            } else {
                return stop("chunk " + index + " does not authenticate: the file was altered, or this is not its"
                        + " place");
            }
        }
        nextChunk = index + 1;
        if (skip > 0) {
            int dropped = (int) Math.min(skip, plain.remaining());
            plain.position(dropped);
            skip -= dropped;
        }
        return true;
    }

    private boolean open(long index, int generation, boolean last, int length) {
        plain.clear();
        boolean ok = cipher.open(index, generation, last, ByteBuffer.wrap(frame, 4, length - 4), plain);
        plain.flip();
        if (!ok) {
            plain.limit(0);
        }
        return ok;
    }

    private boolean stop(String why) throws SealedFileException {
        ended = true;
        plain.limit(0);
        if (!recovering) {
            throw new SealedFileException(why);
        }
        if (damage == null) {
            damage = why;
        }
        return false;
    }

    private static int lastFrame(SealedHeader header, long storedLength, long lastChunk) {
        return (int) (storedLength - header.slotOffset(lastChunk));
    }
}
