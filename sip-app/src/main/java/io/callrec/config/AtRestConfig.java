package io.callrec.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Encryption at rest ({@code --encrypt-at-rest}, {@code --decrypt-at-rest}). Only paths are kept here: the keys are
 * read when the server starts, so that a config never holds key material.
 *
 * @param encryptKey  the key file new recordings are encrypted with; empty: recordings are written in plain
 * @param generate    create {@code encryptKey} with a new random key (mode 0600) if it does not exist yet
 * @param decryptKeys key files that only decrypt: earlier keys, after a rotation
 */
public record AtRestConfig(Optional<Path> encryptKey, boolean generate, List<Path> decryptKeys) {
    public static final AtRestConfig OFF = new AtRestConfig(Optional.empty(), false, List.of());

    public AtRestConfig {
        Objects.requireNonNull(encryptKey, "encryptKey");
        decryptKeys = List.copyOf(decryptKeys);
        if (generate && encryptKey.isEmpty()) {
            throw new IllegalArgumentException("generate needs the key file's path");
        }
    }

    /** Whether new recordings are encrypted. */
    public boolean encrypts() {
        return encryptKey.isPresent();
    }
}
