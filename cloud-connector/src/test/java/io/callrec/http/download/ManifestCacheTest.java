package io.callrec.http.download;

import io.callrec.storage.ManualScheduler;
import io.callrec.storage.StorageException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestCacheTest {
    private final ManualScheduler clock = new ManualScheduler(Instant.parse("2026-11-25T12:00:00Z"));
    private final Map<String, byte[]> stored = new HashMap<>();
    private final List<String> reads = new ArrayList<>();
    private final ManifestCache.Loader storage = id -> {
        reads.add(id);
        return Optional.ofNullable(stored.get(id));
    };

    private static byte[] manifest(String... files) {
        StringBuilder json = new StringBuilder("{\"files\":[");
        for (int i = 0; i < files.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"name\":\"").append(files[i]).append("\",\"bytes\":1}");
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aManifestIsReadOnceWithinItsTimeToLive() throws Exception {
        ManifestCache cache = new ManifestCache(8, 1 << 20, Duration.ofSeconds(60), clock);
        stored.put("r-1", manifest("peer.mkv"));
        for (int i = 0; i <= 12; i++) { // 0 s to 60 s
            ManifestCache.Manifest m = cache.get("r-1", storage).orElseThrow();
            assertArrayEquals(stored.get("r-1"), m.json());
            assertEquals(List.of("peer.mkv"), List.copyOf(m.files().keySet()));
            clock.advance(Duration.ofSeconds(5));
        }
        assertEquals(List.of("r-1", "r-1"), reads, "read at 0 s and again at 60 s");
    }

    @Test
    void entriesAreKeyedByTheExactRecordingId() throws Exception {
        ManifestCache cache = new ManifestCache(8, 1 << 20, Duration.ofSeconds(60), clock);
        stored.put("r-a", manifest("a.mkv"));
        stored.put("r-A", manifest("b.mkv"));
        assertTrue(cache.get("r-a", storage).orElseThrow().files().containsKey("a.mkv"));
        assertTrue(cache.get("r-A", storage).orElseThrow().files().containsKey("b.mkv"));
        assertEquals(Optional.empty(), cache.get("r-a ", storage));
        assertEquals(2, cache.size());
    }

    @Test
    void absenceAndBrokenManifestsAreNeverCached() throws Exception {
        ManifestCache cache = new ManifestCache(8, 1 << 20, Duration.ofSeconds(60), clock);
        assertEquals(Optional.empty(), cache.get("r-1", storage));
        stored.put("r-1", manifest("peer.mkv"));
        assertTrue(cache.get("r-1", storage).isPresent(), "stored meanwhile: found at once");
        stored.put("r-2", "[1,2]".getBytes(StandardCharsets.UTF_8));
        assertThrows(IOException.class, () -> cache.get("r-2", storage));
        assertThrows(IOException.class, () -> cache.get("r-2", storage));
        assertEquals(List.of("r-1", "r-1", "r-2", "r-2"), reads);
        assertEquals(1, cache.size());
    }

    @Test
    void storageFailuresPassThroughAndAreNotCached() throws Exception {
        ManifestCache cache = new ManifestCache(8, 1 << 20, Duration.ofSeconds(60), clock);
        ManifestCache.Loader down = id -> {
            throw new StorageException("down", true);
        };
        assertThrows(StorageException.class, () -> cache.get("r-1", down));
        stored.put("r-1", manifest("peer.mkv"));
        assertTrue(cache.get("r-1", storage).isPresent());
    }

    @Test
    void theLeastRecentlyUsedGoFirstWhenEntriesOrBytesRunOut() throws Exception {
        byte[] m = manifest("peer.mkv");
        for (String id : List.of("r-1", "r-2", "r-3", "r-4")) {
            stored.put(id, m);
        }
        ManifestCache byCount = new ManifestCache(3, 1 << 20, Duration.ofSeconds(60), clock);
        byCount.get("r-1", storage);
        byCount.get("r-2", storage);
        byCount.get("r-3", storage);
        byCount.get("r-1", storage); // r-2 is now the least recently used
        byCount.get("r-4", storage);
        reads.clear();
        byCount.get("r-1", storage);
        byCount.get("r-3", storage);
        byCount.get("r-4", storage);
        assertEquals(List.of(), reads);
        byCount.get("r-2", storage);
        assertEquals(List.of("r-2"), reads);
        assertEquals(3, byCount.size());

        ManifestCache byBytes = new ManifestCache(100, 2L * m.length, Duration.ofSeconds(60), clock);
        byBytes.get("r-1", storage);
        byBytes.get("r-2", storage);
        byBytes.get("r-3", storage);
        assertEquals(2, byBytes.size());
        assertEquals(2L * m.length, byBytes.bytes());
    }

    @Test
    void aManifestLargerThanTheWholeCacheIsServedButNotKept() throws Exception {
        ManifestCache cache = new ManifestCache(8, 10, Duration.ofSeconds(60), clock);
        stored.put("r-1", manifest("peer.mkv"));
        assertTrue(cache.get("r-1", storage).isPresent());
        assertEquals(0, cache.size());
        assertEquals(0, cache.bytes());
    }

    @Test
    void invalidateForgetsAtOnce() throws Exception {
        ManifestCache cache = new ManifestCache(8, 1 << 20, Duration.ofSeconds(60), clock);
        stored.put("r-1", manifest("peer.mkv"));
        cache.get("r-1", storage);
        stored.remove("r-1");
        cache.invalidate("r-1");
        assertEquals(Optional.empty(), cache.get("r-1", storage));
        assertEquals(0, cache.bytes());
    }

    @Test
    void zeroBoundsTurnTheCacheOff() throws Exception {
        stored.put("r-1", manifest("peer.mkv"));
        ManifestCache off = new ManifestCache(0, 0, Duration.ZERO, clock);
        off.get("r-1", storage);
        off.get("r-1", storage);
        assertEquals(2, reads.size());
        assertThrows(IllegalArgumentException.class, () -> new ManifestCache(-1, 1, Duration.ZERO, clock));
    }
}
