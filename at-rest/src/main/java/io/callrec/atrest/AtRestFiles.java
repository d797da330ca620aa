package io.callrec.atrest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Files written and read with or without encryption at rest: the one place that decides which, so that writers
 * and readers do not. A file is written encrypted when the keys have a current key; it is read as encrypted when it
 * starts with the format's magic, whatever the current configuration says.
 */
public final class AtRestFiles {
    /** The format's name as manifests give it in {@code files[].stored.encryption} (docs/security.md). */
    public static final String FORMAT = "callrec-aes-256-gcm-v1";
    /** Plaintext bytes per chunk of recordings and their manifests: a Range request decrypts at most 64 KiB more. */
    public static final int DEFAULT_CHUNK = 64 * 1024;
    /**
     * For {@link #store} and {@link #digest}: finished files go through them one after another on a few long-lived
     * threads, and a buffer per file was most of what they allocated. Neither calls the other while it holds one.
     */
    private static final ThreadLocal<byte[]> READ_BUFFERS = ThreadLocal.withInitial(() -> new byte[DEFAULT_CHUNK]);

    private AtRestFiles() {
    }

    /**
     * Creates (or truncates) {@code file} for writing: encrypted under {@code keys}' current key in chunks of
     * {@code chunkSize} plaintext bytes, or in plain when there is none. The caller closes it.
     */
    public static WritableFile create(Path file, AtRestKeys keys, int chunkSize) throws IOException {
        if (keys.current().isEmpty()) {
            return new PlainFile(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING));
        }
        SealedHeader.checkChunkSize(chunkSize);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            return new SealedWriter(channel, keys.current().get(), chunkSize);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Forces {@code path} to the disk: a file's content, or on Linux a directory's entries (a rename into it or out
     * of it, a deletion), which is what makes a rename survive a power loss.
     */
    public static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Writes {@code content} as the whole of {@code file}, encrypted or not as {@link #create} decides. */
    public static void write(Path file, byte[] content, AtRestKeys keys) throws IOException {
        try (WritableFile out = create(file, keys, DEFAULT_CHUNK)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                out.write(b);
            }
        }
    }

    /** Whether {@code file} starts like an encrypted file. */
    public static boolean isSealed(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] start = in.readNBytes(SealedHeader.MAGIC.length);
            return SealedHeader.isSealed(start, start.length);
        }
    }

    /** Whether {@code bytes} (a whole file, or its start) is encrypted. */
    public static boolean isSealed(byte[] bytes) {
        return SealedHeader.isSealed(bytes, bytes.length);
    }

    /**
     * The plaintext of {@code file}, decrypted (strictly: every chunk must authenticate and the file be complete) if
     * it is encrypted. The caller closes the stream.
     */
    public static InputStream openPlaintext(Path file, AtRestKeys keys) throws IOException {
        return plaintext(Files.newInputStream(file), Files.size(file), keys);
    }

    /**
     * The plaintext of a stored object read from its start ({@code storedLength} bytes in all), decrypted strictly if
     * it is encrypted. Takes over {@code stored}: the caller closes the returned stream, never {@code stored}.
     */
    public static InputStream plaintext(InputStream stored, long storedLength, AtRestKeys keys) throws IOException {
        PushbackInputStream in = new PushbackInputStream(stored, SealedHeader.MAGIC.length);
        try {
            byte[] start = in.readNBytes(SealedHeader.MAGIC.length);
            in.unread(start);
            return SealedHeader.isSealed(start, start.length) ? SealedInputStream.open(in, storedLength, keys) : in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Writes the plaintext file {@code plain} to {@code stored}, encrypted under the current key (in plain when there
     * is none), and returns what a manifest says of it ({@link #digest}: the result is read back whole).
     */
    public static FileDigest store(Path plain, Path stored, AtRestKeys keys) throws IOException {
        try (InputStream in = Files.newInputStream(plain); WritableFile out = create(stored, keys, DEFAULT_CHUNK)) {
            byte[] buf = READ_BUFFERS.get();
            for (int n; (n = in.read(buf)) >= 0; ) {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
        }
        return digest(stored, keys);
    }

    /** {@code bytes} (a whole small file, a manifest) decrypted if it is encrypted, else itself. */
    public static byte[] plaintext(byte[] bytes, AtRestKeys keys) throws IOException {
        if (!isSealed(bytes)) {
            return bytes;
        }
        try (InputStream in = SealedInputStream.open(new ByteArrayInputStream(bytes), bytes.length, keys)) {
            return in.readAllBytes();
        }
    }

    /**
     * What a manifest says of a file: its plaintext length and SHA-256 and, when it is stored encrypted, the stored
     * length and SHA-256 too (what the uploader and storage verify). One pass; an encrypted file is decrypted whole,
     * which also proves it readable.
     */
    public static FileDigest digest(Path file, AtRestKeys keys) throws IOException {
        MessageDigest storedDigest = sha256();
        MessageDigest plainDigest = sha256();
        long storedBytes = Files.size(file);
        boolean sealed = isSealed(file);
        long plainBytes = 0;
        String keyId = null;
        try (DigestInputStream stored = new DigestInputStream(Files.newInputStream(file), storedDigest)) {
            InputStream plain = stored;
            if (sealed) {
                SealedInputStream s = SealedInputStream.open(stored, storedBytes, keys);
                keyId = s.header().keyId();
                plain = s;
            }
            byte[] buf = READ_BUFFERS.get();
            for (int n; (n = plain.read(buf)) >= 0; ) {
                plainDigest.update(buf, 0, n);
                plainBytes += n;
            }
        }
        String plainHex = HexFormat.of().formatHex(plainDigest.digest());
        if (!sealed) {
            return new FileDigest(plainBytes, plainHex, null);
        }
        return new FileDigest(plainBytes, plainHex,
                new FileDigest.Stored(keyId, storedBytes, HexFormat.of().formatHex(storedDigest.digest())));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
