package io.callrec.atrest;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The header of an encrypted file, and where everything after it lies (docs/security.md, "Encryption at rest").
 *
 * <pre>
 * offset size
 *      0    8  magic 89 'c' 'r' 'a' 'r' 0D 0A 1A
 *      8    1  version (1)
 *      9    1  algorithm (1: AES-256-GCM, per-file key = HKDF-SHA256(key, salt))
 *     10    2  zero
 *     12    4  chunk size N: plaintext bytes per chunk, big-endian
 *     16    8  key id: first 8 bytes of the SHA-256 of the key
 *     24   32  salt, random per file
 *     56       chunk 0, chunk 1, ...
 * </pre>
 *
 * Chunk {@code i} starts at {@code 56 + i * (N + 20)}: a 4-byte generation, the ciphertext (N bytes; the last chunk
 * 0..N), the 16-byte tag. Every chunk but the last holds exactly N plaintext bytes, so a plaintext offset maps to
 * its chunk by division, and the plaintext length follows from the file's length alone.
 */
public final class SealedHeader {
    public static final int LENGTH = 56;
    static final byte[] MAGIC = {(byte) 0x89, 'c', 'r', 'a', 'r', 0x0d, 0x0a, 0x1a};
    static final int VERSION = 1;
    static final int ALGORITHM_AES256_GCM_HKDF = 1;
    static final int SALT_BYTES = 32;
    /** Generation before the ciphertext, tag after it. */
    public static final int CHUNK_OVERHEAD = 4 + 16;
    public static final int MIN_CHUNK = 1024;
    public static final int MAX_CHUNK = 16 << 20;

    private final int chunkSize;
    private final String keyId;
    private final byte[] salt;
    private final byte[] encoded;

    private SealedHeader(int chunkSize, byte[] keyId, byte[] salt) {
        this.chunkSize = chunkSize;
        this.keyId = HexFormat.of().formatHex(keyId);
        this.salt = salt;
        this.encoded = ByteBuffer.allocate(LENGTH).put(MAGIC).put((byte) VERSION).put((byte) ALGORITHM_AES256_GCM_HKDF)
                .putShort((short) 0).putInt(chunkSize).put(keyId).put(salt).array();
    }

    /** A header for a new file under {@code key}, with a fresh random salt. */
    public static SealedHeader create(AtRestKey key, int chunkSize) {
        checkChunkSize(chunkSize);
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        return new SealedHeader(chunkSize, key.idBytes(), salt);
    }

    /** Whether {@code start} (at least the first 8 bytes of a file) begins like an encrypted file. */
    public static boolean isSealed(byte[] start, int length) {
        return length >= MAGIC.length && Arrays.equals(start, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * Reads a header from {@code bytes[offset..offset+LENGTH)}.
     *
     * @throws SealedFileException when it is not one this version writes
     */
    public static SealedHeader parse(byte[] bytes, int offset, int length) throws SealedFileException {
        if (length < LENGTH) {
            throw new SealedFileException("encrypted file header cut short: " + length + " of " + LENGTH + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, LENGTH);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new SealedFileException("not an encrypted callrec file (magic " + HexFormat.of().formatHex(magic)
                    + ")");
        }
        int version = b.get() & 0xff;
        int algorithm = b.get() & 0xff;
        int zero = b.getShort();
        if (version != VERSION || algorithm != ALGORITHM_AES256_GCM_HKDF || zero != 0) {
            throw new SealedFileException("encrypted file of version " + version + ", algorithm " + algorithm
                    + ": this server reads version " + VERSION + ", algorithm " + ALGORITHM_AES256_GCM_HKDF);
        }
        int chunkSize = b.getInt();
        if (chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK) {
            throw new SealedFileException("encrypted file with chunks of " + (chunkSize & 0xffffffffL)
                    + " bytes, outside " + MIN_CHUNK + ".." + MAX_CHUNK);
        }
        byte[] keyId = new byte[AtRestKey.ID_BYTES];
        b.get(keyId);
        byte[] salt = new byte[SALT_BYTES];
        b.get(salt);
        return new SealedHeader(chunkSize, keyId, salt);
    }

    static void checkChunkSize(int chunkSize) {
        if (chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " outside " + MIN_CHUNK + ".."
                    + MAX_CHUNK);
        }
    }

    /** Plaintext bytes per chunk (the last chunk may hold fewer). */
    public int chunkSize() {
        return chunkSize;
    }

    /** The id of the key that encrypted the file (16 hex digits). */
    public String keyId() {
        return keyId;
    }

    byte[] salt() {
        return salt.clone();
    }

    /** The header's 56 bytes (a copy). */
    public byte[] encoded() {
        return encoded.clone();
    }

    byte[] sha256() {
        return AtRestKey.sha256(encoded);
    }

    /** Stored bytes of a whole chunk slot. */
    public int slotLength() {
        return chunkSize + CHUNK_OVERHEAD;
    }

    /** Where chunk {@code index} starts in the stored file. */
    public long slotOffset(long index) {
        return LENGTH + index * slotLength();
    }

    /** The stored length of a file holding {@code plainLength} bytes (its last chunk as short as it can be). */
    public long storedLength(long plainLength) {
        long full = plainLength / chunkSize;
        long rest = plainLength % chunkSize;
        if (rest == 0 && full > 0) {
            return LENGTH + full * slotLength();
        }
        return LENGTH + full * slotLength() + rest + CHUNK_OVERHEAD;
    }

    /**
     * The plaintext length of a stored file of {@code storedLength} bytes.
     *
     * @throws SealedFileException when no complete file can have that length (cut inside a chunk's overhead)
     */
    public long plainLength(long storedLength) throws SealedFileException {
        long body = storedLength - LENGTH;
        long slots = body / slotLength();
        long rest = body % slotLength();
        if (body < CHUNK_OVERHEAD || (rest > 0 && rest < CHUNK_OVERHEAD)) {
            throw new SealedFileException("encrypted file of " + storedLength + " bytes is cut short: it ends "
                    + rest + " bytes into a chunk of at least " + CHUNK_OVERHEAD);
        }
        return slots * chunkSize + (rest == 0 ? 0 : rest - CHUNK_OVERHEAD);
    }

    /** Index of the last chunk of a stored file of this length (one that {@link #plainLength} accepts). */
    public long lastChunk(long storedLength) {
        long body = storedLength - LENGTH;
        long slots = body / slotLength();
        return body % slotLength() == 0 ? slots - 1 : slots;
    }

    /**
     * The stored bytes that hold plaintext {@code [from, from + length)}: the whole chunks it touches.
     *
     * @param storedLength the file's stored length
     */
    public StoredRange storedRange(long from, long length, long storedLength) {
        if (from < 0 || length <= 0) {
            throw new IllegalArgumentException("plaintext range from " + from + " of " + length + " bytes");
        }
        long first = from / chunkSize;
        long last = (from + length - 1) / chunkSize;
        long start = slotOffset(first);
        long end = Math.min(slotOffset(last + 1), storedLength);
        return new StoredRange(start, end - start, first, from - first * chunkSize);
    }

    /**
     * @param offset     where to start reading the stored file (a chunk's start)
     * @param length     stored bytes to read
     * @param firstChunk index of the chunk at {@code offset}
     * @param skip       plaintext bytes of that chunk before the range
     */
    public record StoredRange(long offset, long length, long firstChunk, long skip) {
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedHeader h && MessageDigest.isEqual(encoded, h.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "SealedHeader[v" + VERSION + ", key " + keyId + ", chunks of " + chunkSize + "]";
    }
}
