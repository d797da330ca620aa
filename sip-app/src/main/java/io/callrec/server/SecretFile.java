package io.callrec.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * A random secret generated once and kept in the data directory (mode 0600), so that what was signed with it
 * (digest nonces, later download links) stays valid across restarts; and the one way sip-app writes a private file
 * (the self-signed TLS key uses it too).
 */
public final class SecretFile {
    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

    private SecretFile() { }

    static byte[] load(Path file, int bytes) {
        try {
            if (Files.exists(file)) {
                byte[] secret = Files.readAllBytes(file);
                if (secret.length < bytes) {
                    throw new IOException(file + " holds " + secret.length + " bytes, expected " + bytes);
                }
                return secret;
            }
            byte[] secret = new byte[bytes];
            new SecureRandom().nextBytes(secret);
            writeOwnerOnly(file, secret);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create secret " + file, e);
        }
    }

    /**
     * Writes {@code content} to {@code file} (creating its directory) through a temporary file that is 0600 from
     * its creation on, renamed over {@code file} in one step: the secret is never readable by others, not even for
     * a moment, and a crash never leaves half of it. On a file system without POSIX permissions it is written
     * without them.
     */
    public static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        try (FileChannel ch = posix
                ? FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(OWNER_RW))
                : FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot write " + file + ": " + temp + " appeared meanwhile", e);
        }
        if (posix) {
            // The umask may only remove bits; set them explicitly in case the file system ignored the attribute.
            Files.setPosixFilePermissions(temp, OWNER_RW);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
