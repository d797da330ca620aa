package io.callrec.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Where finished recordings are kept: one space per recording, keyed {@code recordings/{recordingId}/}, holding the
 * files named in its manifest and {@code manifest.json} itself (spec §5). Implementations: the local filesystem
 * (served by callrec's own download service) and S3-compatible object storage. Thread-safe.
 */
public interface StorageBackend extends AutoCloseable {
    /** For logs and {@code /health}: the URI without credentials. */
    String describe();

    /** Checks now whether an allocation and an upload would succeed (network, bucket, permissions, disk floor). */
    StorageStatus probe();

    /**
     * Makes room for a new recording; refuses when storage is unavailable or the local disk is below its floor.
     *
     * @throws StorageException with a reason fit for {@code recording-error storage-unavailable}
     */
    void allocate(String recordingId) throws StorageException;

    /**
     * Stores one object and verifies it (size and SHA-256) before returning. Idempotent: storing the same content
     * again is harmless (uploads are retried after crashes).
     *
     * @param name   the object's name inside the recording's space ({@code peer.mkv}, {@code manifest.json})
     * @param sha256 the expected lower-case hex SHA-256 of {@code file}
     * @throws ContentMismatchException when {@code file} itself does not have that SHA-256 (retrying cannot help)
     * @throws StorageException         when storing or verifying failed ({@link StorageException#retryable()})
     */
    void put(String recordingId, String name, Path file, String sha256) throws StorageException;

    /**
     * Like {@link #put}, but the caller gives the file up: a backend on the same file system may take it by renaming
     * instead of copying (the local backend does; the rest copy and leave it). After a successful return the file
     * may be gone from {@code file}; after a failure it is still there. The content is verified as with put.
     */
    default void moveIn(String recordingId, String name, Path file, String sha256) throws StorageException {
        put(recordingId, name, file, sha256);
    }

    /** The object's size if it exists. */
    Optional<Long> size(String recordingId, String name) throws StorageException;

    /**
     * Opens {@code length} bytes of the object from {@code offset} ({@code length < 0}: to the end). The caller
     * closes the stream.
     *
     * @throws ObjectNotFoundException when the object does not exist
     * @throws StorageException         when {@code offset} lies beyond the end, or storage cannot be read
     */
    InputStream open(String recordingId, String name, long offset, long length) throws StorageException;

    /** A URL that fetches the object directly until {@code expires}, where the backend can make one (S3). */
    default Optional<URI> presign(String recordingId, String name, Instant expires) throws StorageException {
        return Optional.empty();
    }

    @Override
    default void close() throws IOException {
    }
}
