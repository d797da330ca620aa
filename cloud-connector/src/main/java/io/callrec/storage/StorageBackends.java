package io.callrec.storage;

import io.callrec.storage.local.LocalStorageBackend;
import io.callrec.storage.s3.S3Location;
import io.callrec.storage.s3.S3StorageBackend;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;

/** Chooses the backend for a {@code --storage} URI. */
public final class StorageBackends {
    /** Below this much free space on the data directory's disk no new recording is allocated. */
    public static final long DEFAULT_FREE_SPACE_FLOOR = 256L << 20;

    private StorageBackends() {
    }

    /**
     * @param storage      {@code file:PATH} or {@code s3://BUCKET?endpoint=URL&region=R}
     * @param dataDir      callrec's data directory (spool, keys): with {@code file:} storage the same path; with S3
     *                     its disk's free space is what allocation checks, as recordings are written there first
     * @param minFreeBytes the free-space floor of that disk
     * @throws IllegalArgumentException for a URI that names no usable backend
     */
    public static StorageBackend open(URI storage, Path dataDir, long minFreeBytes, Clock clock) {
        String scheme = storage.getScheme() == null ? "" : storage.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "file" -> new LocalStorageBackend(filePath(storage), minFreeBytes, clock);
            case "s3" -> S3StorageBackend.open(S3Location.parse(storage),
                    DefaultCredentialsProvider.builder().build(),
                    new LocalStorageProbe(dataDir, minFreeBytes, clock), clock);
            default -> throw new IllegalArgumentException("not a storage URI (file:PATH or s3://BUCKET?...): "
                    + storage);
        };
    }

    /** With the default floor and the system clock. */
    public static StorageBackend open(URI storage, Path dataDir) {
        return open(storage, dataDir, DEFAULT_FREE_SPACE_FLOOR, Clock.systemUTC());
    }

    /** {@code file:./x} (opaque, relative) or {@code file:///x}; percent-escapes are decoded. */
    private static Path filePath(URI uri) {
        String path = uri.isOpaque() ? uri.getSchemeSpecificPart() : uri.getPath();
        if (path == null || path.isEmpty() || uri.getRawQuery() != null) {
            throw new IllegalArgumentException("not file:PATH: " + uri);
        }
        if (!uri.isOpaque() && uri.getAuthority() != null && !uri.getAuthority().equals("localhost")) {
            throw new IllegalArgumentException("file storage must be local: " + uri);
        }
        return Path.of(path);
    }
}
