package io.callrec.server;

import io.callrec.link.LinkKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * A random secret generated once and kept in the data directory (mode 0600), so that what was signed with it
 * (digest nonces, later download links) stays valid across restarts. Written like the link keys
 * ({@link LinkKeys#writePrivate}).
 */
final class SecretFile {
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
            Files.createDirectories(file.getParent());
            byte[] secret = new byte[bytes];
            new SecureRandom().nextBytes(secret);
            LinkKeys.writePrivate(file, secret);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create secret " + file, e);
        }
    }
}
