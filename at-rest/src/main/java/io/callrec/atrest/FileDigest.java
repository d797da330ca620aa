package io.callrec.atrest;

import java.util.Objects;

/**
 * A file's length and SHA-256 (lower-case hex) as a reader sees it, and, for an encrypted file, as it is stored.
 *
 * @param bytes  plaintext length
 * @param sha256 SHA-256 of the plaintext
 * @param stored the stored (encrypted) form, or null when the file is stored in plain
 */
public record FileDigest(long bytes, String sha256, Stored stored) {
    public FileDigest {
        Objects.requireNonNull(sha256, "sha256");
    }

    /**
     * @param keyId  the at-rest key that encrypted it
     * @param bytes  stored length
     * @param sha256 SHA-256 of the stored bytes
     */
    public record Stored(String keyId, long bytes, String sha256) {
        public Stored {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(sha256, "sha256");
        }
    }
}
