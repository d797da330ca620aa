package io.callrec.http.download;

import io.callrec.storage.StorageException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The manifests of recently downloaded recordings, so that the dozens of range requests a player makes while it
 * plays do not each read {@code manifest.json} from storage (two round trips to S3 every time); a second instance
 * keeps the {@code renditions.json} indexes, which have the same {@code files} shape. Bounded in entries, in bytes
 * and in age; least recently used entries go first.
 *
 * <p>Safety rests on the caller: {@link #get} is called only after the link verified for exactly that recording
 * id, and an entry holds that recording's manifest and nothing else, so a cached manifest can only list files that
 * the same valid link would list after a fresh read. What the cache can change is freshness: a manifest replaced or
 * removed in storage is still used for up to {@code ttl} (stored recordings are immutable today; whatever removes
 * one must {@link #invalidate} it). Absent recordings and storage failures are never cached. Thread-safe.
 */
final class ManifestCache {
    static final int DEFAULT_MAX_ENTRIES = 512;
    static final long DEFAULT_MAX_BYTES = 8L << 20;
    static final Duration DEFAULT_TTL = Duration.ofSeconds(60);

    /**
     * One recording's manifest.
     *
     * @param json  the bytes as stored; callers must not modify them
     * @param files the files it lists, the only ones its recording's links may fetch
     */
    record Manifest(byte[] json, Map<String, ManifestFiles.Entry> files) {
    }

    /** Reads a manifest from storage: empty when the recording has none. */
    @FunctionalInterface
    interface Loader {
        Optional<byte[]> load(String recordingId) throws StorageException, IOException;
    }

    private record Cached(Manifest manifest, Instant loaded) {
    }

    private final int maxEntries;
    private final long maxBytes;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Cached> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    ManifestCache(int maxEntries, long maxBytes, Duration ttl, Clock clock) {
        if (maxEntries < 0 || maxBytes < 0 || ttl.isNegative()) {
            throw new IllegalArgumentException("cache bounds must not be negative: " + maxEntries + " entries, "
                    + maxBytes + " bytes, " + ttl);
        }
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.ttl = ttl;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    static ManifestCache defaults(Clock clock) {
        return new ManifestCache(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES, DEFAULT_TTL, clock);
    }

    /**
     * The recording's manifest, from the cache or else from {@code loader}. Call only once the link has verified
     * for {@code recordingId}.
     *
     * @throws IOException when the stored manifest is not a JSON object (it is not cached)
     */
    Optional<Manifest> get(String recordingId, Loader loader) throws StorageException, IOException {
        Instant now = clock.instant();
        synchronized (this) {
            Cached cached = entries.get(recordingId);
            if (cached != null && now.isBefore(cached.loaded().plus(ttl))) {
                return Optional.of(cached.manifest());
            }
        }
        // Read outside the lock: one slow storage request must not hold up every other download. Two concurrent
        // misses for one recording both read it; the later one's entry wins, and both are the same bytes.
        Optional<byte[]> json = loader.load(recordingId);
        if (json.isEmpty()) {
            invalidate(recordingId);
            return Optional.empty();
        }
        Manifest manifest = new Manifest(json.get(), ManifestFiles.parse(json.get()));
        synchronized (this) {
            remove(recordingId);
            if (json.get().length <= maxBytes && maxEntries > 0) {
                entries.put(recordingId, new Cached(manifest, now));
                bytes += json.get().length;
                evict();
            }
        }
        return Optional.of(manifest);
    }

    /** Forgets a recording's manifest, e.g. once the recording is removed from storage. */
    synchronized void invalidate(String recordingId) {
        remove(recordingId);
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized long bytes() {
        return bytes;
    }

    private void remove(String recordingId) {
        Cached old = entries.remove(recordingId);
        if (old != null) {
            bytes -= old.manifest().json().length;
        }
    }

    private void evict() {
        Iterator<Cached> oldestFirst = entries.values().iterator();
        while ((entries.size() > maxEntries || bytes > maxBytes) && oldestFirst.hasNext()) {
            bytes -= oldestFirst.next().manifest().json().length;
            oldestFirst.remove();
        }
    }
}
