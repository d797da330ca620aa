package io.callrec.atrest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * One AES-256 key for encryption at rest, and its id: the first 8 bytes of the SHA-256 of the key, in hex. The id
 * is written into every file the key encrypts, so that a file finds its key again after the current key changed.
 *
 * <p>A key file holds the 32 bytes themselves, or their base64 (standard or URL-safe alphabet, padding and a
 * trailing newline optional). It must be readable by its owner only: a key file that its group or others may read
 * or write is refused, never used (whoever can write it could slip in a key of their own for new recordings).
 */
public final class AtRestKey {
    public static final int LENGTH = 32;
    /** Bytes of the SHA-256 of the key that make its id. */
    static final int ID_BYTES = 8;
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final Set<PosixFilePermission> OWNER_RW = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    /** A key file is a few dozen bytes; anything much larger is not one (and is not read whole). */
    private static final int MAX_FILE_BYTES = 256;

    private final byte[] material;
    private final byte[] id;
    private final String idHex;

    private AtRestKey(byte[] material) {
        this.material = material;
        this.id = Arrays.copyOf(sha256(material), ID_BYTES);
        this.idHex = HexFormat.of().formatHex(id);
    }

    /** A key from its 32 bytes (copied). */
    public static AtRestKey of(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != LENGTH) {
            throw new IllegalArgumentException("an at-rest key has " + LENGTH + " bytes, not " + key.length);
        }
        return new AtRestKey(key.clone());
    }

    /** A new random key, not written anywhere. */
    public static AtRestKey random() {
        byte[] key = new byte[LENGTH];
        new SecureRandom().nextBytes(key);
        return new AtRestKey(key);
    }

    /**
     * Reads a key file.
     *
     * @throws KeyFileException when the file is missing, open to its group or others, or holds no 32-byte key
     */
    public static AtRestKey read(Path file) throws KeyFileException {
        if (!Files.isRegularFile(file)) {
            throw new KeyFileException(file + ": no such file");
        }
        try {
            PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (posix != null) {
                Set<PosixFilePermission> perms = posix.readAttributes().permissions();
                if (perms.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                    throw new KeyFileException(file + " is open to its group or others (mode "
                            + PosixFilePermissions.toString(perms) + "); an at-rest key must be readable by its owner"
                            + " only: chmod 600 " + file);
                }
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new KeyFileException(file + " has " + size + " bytes: " + expected());
            }
            return new AtRestKey(parse(file, Files.readAllBytes(file)));
        } catch (IOException e) {
            if (e instanceof KeyFileException k) {
                throw k;
            }
            throw new KeyFileException(file + " cannot be read: " + e, e);
        }
    }

    /**
     * The key in {@code file}, which is first created with a new random key (in base64, mode 0600 from the start,
     * written whole or not at all) when it does not exist yet.
     *
     * @return the key and whether it was generated just now
     */
    public static Loaded readOrGenerate(Path file) throws KeyFileException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return new Loaded(read(file), false);
        }
        AtRestKey key = random();
        byte[] text = (Base64.getEncoder().encodeToString(key.material) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = dir.resolve("." + file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            try (FileChannel ch = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(OWNER_RW))) {
                ByteBuffer buf = ByteBuffer.wrap(text);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            // Without REPLACE_EXISTING: a key that appeared meanwhile is never overwritten.
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            throw new KeyFileException(file + " appeared while a new key was being written; start again", e);
        } catch (IOException | UnsupportedOperationException e) {
            throw new KeyFileException("cannot create the key file " + file + ": " + e, e);
        }
        return new Loaded(key, true);
    }

    /** @param generated whether {@link #readOrGenerate} created the file */
    public record Loaded(AtRestKey key, boolean generated) {
    }

    /** 16 lower-case hex digits. */
    public String id() {
        return idHex;
    }

    byte[] idBytes() {
        return id.clone();
    }

    /** The key itself; package-private so that it never leaves this package. */
    byte[] material() {
        return material;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AtRestKey k && MessageDigest.isEqual(material, k.material);
    }

    @Override
    public int hashCode() {
        return idHex.hashCode();
    }

    /** The id only: keys end up in log lines through their holders. */
    @Override
    public String toString() {
        return "AtRestKey[" + idHex + "]";
    }

    private static byte[] parse(Path file, byte[] content) throws KeyFileException {
        if (content.length == LENGTH) {
            return content;
        }
        String text = new String(content, StandardCharsets.US_ASCII).strip();
        byte[] decoded;
        try {
            decoded = text.indexOf('-') >= 0 || text.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(text) : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(file + " holds " + content.length + " bytes that are not base64: "
                    + expected());
        }
        if (decoded.length != LENGTH) {
            throw new KeyFileException(file + " holds a base64 text of " + decoded.length + " bytes: "
                    + expected());
        }
        return decoded;
    }

    private static String expected() {
        return "expected " + LENGTH + " raw bytes or their base64 (44 characters), e.g. from"
                + " 'head -c 32 /dev/urandom | base64'";
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
