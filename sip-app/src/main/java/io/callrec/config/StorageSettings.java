package io.callrec.config;

import io.callrec.storage.StorageBackends;

/**
 * How recordings are kept and handed out, besides where ({@link ServerConfig#storage()}); docs/storage.md.
 *
 * @param freeSpaceFloorBytes below this much free space on the data directory's disk no recording is allocated
 *                            ({@code --storage-floor}, default 256 MiB; 0 = no floor)
 * @param downloadRedirect    file downloads are answered with a redirect to a presigned storage URL instead of
 *                            being streamed through callrec ({@code --download-redirect}; {@code s3:} storage only)
 */
public record StorageSettings(long freeSpaceFloorBytes, boolean downloadRedirect) {
    public static final long DEFAULT_FLOOR_BYTES = StorageBackends.DEFAULT_FREE_SPACE_FLOOR;
    public static final StorageSettings DEFAULTS = new StorageSettings(DEFAULT_FLOOR_BYTES, false);

    public StorageSettings {
        if (freeSpaceFloorBytes < 0) {
            throw new IllegalArgumentException("freeSpaceFloorBytes < 0: " + freeSpaceFloorBytes);
        }
    }
}
