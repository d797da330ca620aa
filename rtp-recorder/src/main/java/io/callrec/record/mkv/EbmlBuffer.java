package io.callrec.record.mkv;

import io.callrec.media.buffer.ByteArrayPool;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * A growable byte array that EBML elements are encoded into (RFC 8794). Element ids are given with their length
 * marker bits, as the Matroska specification lists them ({@code 0x1A45DFA3}), and written in as many bytes as they
 * have. Reused across clusters: {@link #clear()} keeps the array, so encoding allocates only while the array grows.
 *
 * <p>The array comes from {@link ByteArrayPool#RECORDINGS} and goes back with {@link #release()}: a cluster buffer
 * lives as long as its file, so it would otherwise end as garbage in the old generation.
 *
 * <p>Master elements opened with {@link #startMaster} get an 8-byte size that {@link #endMaster} fills in, so their
 * length never depends on their content.
 */
final class EbmlBuffer {
    /** Largest size a variable-size integer of 8 bytes can carry (all ones means "unknown"). */
    static final long MAX_SIZE = (1L << 56) - 2;
    /** Bytes of a Void element's header with an 8-byte size. */
    private static final int VOID_HEADER_8 = 9;
    /** Most a growing buffer takes beyond what it needs at that moment. */
    static final int GROWTH_SLACK = 8 * 1024;
    private static final Instant MATROSKA_EPOCH = Instant.parse("2001-01-01T00:00:00Z");

    private byte[] bytes;
    private int length;

    EbmlBuffer(int initialCapacity) {
        bytes = ByteArrayPool.RECORDINGS.take(Math.max(16, initialCapacity));
    }

    /** Gives the array back to the pool; the buffer must not be used afterwards. Idempotent. */
    void release() {
        ByteArrayPool.RECORDINGS.give(bytes);
        bytes = EMPTY;
        length = 0;
    }

    private static final byte[] EMPTY = new byte[0];

    int length() {
        return length;
    }

    void clear() {
        length = 0;
    }

    /** The backing array; valid until the next write. Bytes {@code 0..length()} are the content. */
    byte[] array() {
        return bytes;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    /** Makes room for {@code count} more bytes without writing them. */
    void ensureSpace(int count) {
        int needed = length + count;
        if (needed < 0) {
            throw new IllegalStateException("EBML buffer would exceed 2 GiB: " + length + " + " + count + " bytes");
        }
        if (needed > bytes.length) {
            // Past a few KiB grow by a bounded step, not by doubling: a cluster buffer lives as long as its file,
            // and doubling would keep up to twice its largest cluster.
            long grown = Math.max(needed, Math.min(2L * bytes.length, (long) needed + GROWTH_SLACK));
            byte[] bigger = ByteArrayPool.RECORDINGS.take((int) Math.min(Integer.MAX_VALUE - 8, grown));
            System.arraycopy(bytes, 0, bigger, 0, length);
            ByteArrayPool.RECORDINGS.give(bytes);
            bytes = bigger;
        }
    }

    // ---- raw values ---------------------------------------------------------------------------------------

    void putByte(int b) {
        ensureSpace(1);
        bytes[length++] = (byte) b;
    }

    void putBytes(byte[] src, int offset, int count) {
        ensureSpace(count);
        System.arraycopy(src, offset, bytes, length, count);
        length += count;
    }

    /** Copies {@code src.position()..limit()} without moving {@code src}'s position. */
    void putBytes(ByteBuffer src) {
        int count = src.remaining();
        ensureSpace(count);
        src.get(src.position(), bytes, length, count);
        length += count;
    }

    /** {@code value} big-endian in exactly {@code width} bytes. */
    void putFixed(long value, int width) {
        ensureSpace(width);
        for (int i = width - 1; i >= 0; i--) {
            bytes[length++] = (byte) (value >>> (8 * i));
        }
    }

    void putId(int id) {
        putFixed(id, idLength(id));
    }

    /** A data size as the shortest variable-size integer. */
    void putSize(long size) {
        putSize(size, sizeLength(size));
    }

    /** The 8-byte "unknown" size (all value bits set): the Segment's while it is being written. */
    void putUnknownSize() {
        putFixed(0x01FFFFFFFFFFFFFFL, 8);
    }

    /** A data size as a variable-size integer of exactly {@code width} bytes (1..8). */
    void putSize(long size, int width) {
        ensureSpace(width);
        writeSize(bytes, length, size, width);
        length += width;
    }

    // ---- elements -----------------------------------------------------------------------------------------

    void putUnsigned(int id, long value) {
        int width = unsignedLength(value);
        putId(id);
        putSize(width);
        putFixed(value, width);
    }

    /** An 8-byte IEEE float: Matroska readers accept 4 or 8 bytes, and 8 keeps every value exact. */
    void putFloat(int id, double value) {
        putId(id);
        putSize(8);
        putFixed(Double.doubleToRawLongBits(value), 8);
    }

    /** A String or UTF-8 element; ASCII is a subset of UTF-8, so both encode the same way. */
    void putString(int id, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        putBinary(id, utf8);
    }

    void putBinary(int id, byte[] value) {
        putId(id);
        putSize(value.length);
        putBytes(value, 0, value.length);
    }

    /** A Date element: signed nanoseconds since 2001-01-01T00:00:00 UTC. */
    void putDate(int id, Instant when) {
        Duration since = Duration.between(MATROSKA_EPOCH, when);
        putId(id);
        putSize(8);
        putFixed(since.toNanos(), 8);
    }

    /** Opens a master element; returns the mark to pass to {@link #endMaster}. */
    int startMaster(int id) {
        putId(id);
        int mark = length;
        putFixed(0, 8);
        return mark;
    }

    /** Sets the size of the master element opened at {@code mark} to everything written since. */
    void endMaster(int mark) {
        writeSize(bytes, mark, length - mark - 8, 8);
    }

    /**
     * Re-encodes the 8-byte size at {@code mark} in 7 bytes, shifting the content one byte left: the only way to
     * close a 1-byte gap, which no Void element can fill.
     */
    void shrinkMasterSize(int mark) {
        long size = length - mark - 8;
        System.arraycopy(bytes, mark + 8, bytes, mark + 7, (int) size);
        length--;
        writeSize(bytes, mark, size, 7);
    }

    /** A Void element of exactly {@code totalLength} bytes (header included); zero bytes of content. */
    void putVoid(int totalLength) {
        if (totalLength < 2) {
            throw new IllegalArgumentException("a Void element takes at least 2 bytes, not " + totalLength);
        }
        putId(MatroskaIds.VOID);
        int dataLength;
        if (totalLength - 2 <= 126) {
            dataLength = totalLength - 2;
            putSize(dataLength, 1);
        } else {
            dataLength = totalLength - VOID_HEADER_8;
            putSize(dataLength, 8);
        }
        ensureSpace(dataLength);
        Arrays.fill(bytes, length, length + dataLength, (byte) 0);
        length += dataLength;
    }

    // ---- static helpers -----------------------------------------------------------------------------------

    static int idLength(int id) {
        if ((id & 0xFFFFFF00) == 0) {
            return 1;
        }
        if ((id & 0xFFFF0000) == 0) {
            return 2;
        }
        return (id & 0xFF000000) == 0 ? 3 : 4;
    }

    /** Bytes of the shortest variable-size integer holding {@code size} (a width holds 7 bits a byte, all ones reserved). */
    static int sizeLength(long size) {
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("EBML size " + size + " outside 0.." + MAX_SIZE);
        }
        int width = 1;
        while (size > (1L << (7 * width)) - 2) {
            width++;
        }
        return width;
    }

    static int unsignedLength(long value) {
        int width = 1;
        while (width < 8 && (value >>> (8 * width)) != 0) {
            width++;
        }
        return width;
    }

    /** Writes {@code size} as a variable-size integer of {@code width} bytes into {@code dst} at {@code offset}. */
    static void writeSize(byte[] dst, int offset, long size, int width) {
        if (width < 1 || width > 8) {
            throw new IllegalArgumentException("EBML size width " + width + " outside 1..8");
        }
        if (size < 0 || size > (1L << (7 * width)) - 2) {
            throw new IllegalArgumentException("EBML size " + size + " does not fit in " + width + " bytes");
        }
        long value = size | (1L << (7 * width));
        for (int i = width - 1; i >= 0; i--) {
            dst[offset + width - 1 - i] = (byte) (value >>> (8 * i));
        }
    }
}
