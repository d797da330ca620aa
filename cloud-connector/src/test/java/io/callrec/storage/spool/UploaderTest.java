package io.callrec.storage.spool;

import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKey;
import io.callrec.atrest.AtRestKeys;
import io.callrec.storage.Sha256;
import io.callrec.storage.StorageBackend;
import io.callrec.storage.StorageException;
import io.callrec.storage.local.LocalStorageBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upload pipeline with the local backend: real files, real threads, no sleeps to wait for outcomes. */
class UploaderTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Scans only at start and on kick(), so each test decides when the spool is looked at. */
    private static final Uploader.Options QUIET = new Uploader.Options(Duration.ofHours(1), 2,
            new RetryBackoff(Duration.ofMillis(20), Duration.ofMillis(200)));

    @TempDir
    Path data;
    private final List<Uploader> uploaders = new ArrayList<>();
    private final CollectingListener listener = new CollectingListener();

    private Path spool() {
        return data.resolve("spool");
    }

    private Path aside() {
        return data.resolve("spool-failed");
    }

    private LocalStorageBackend local() {
        return new LocalStorageBackend(data, 0, Clock.systemUTC());
    }

    private Uploader started(StorageBackend backend, Uploader.Options options) throws Exception {
        return started(backend, options, AtRestKeys.none());
    }

    private Uploader started(StorageBackend backend, Uploader.Options options, AtRestKeys keys) throws Exception {
        Uploader u = new Uploader(spool(), aside(), backend, listener, options, keys);
        uploaders.add(u);
        u.start();
        return u;
    }

    @AfterEach
    void closeUploaders() {
        uploaders.forEach(Uploader::close);
    }

    @Test
    void storesEveryFileThenTheManifestAndEmptiesTheSpool() throws Exception {
        String manifest = SpoolFixture.spool(spool(), "r-1", SpoolFixture.both(300_000, 200_000, 500_000));
        HookedBackend backend = new HookedBackend(local(), (id, name) -> { });
        started(backend, QUIET);

        assertEquals(manifest, listener.awaitStored("r-1", WAIT));
        assertEquals(List.of("r-1/requester.mkv", "r-1/peer.mkv", "r-1/combined.mkv", "r-1/manifest.json"),
                backend.stored, "manifest last: a visible manifest means a complete recording");
        Path stored = data.resolve("recordings/r-1");
        for (SpoolManifest.FileEntry f : SpoolManifest.parse("r-1", Files.readAllBytes(
                stored.resolve("manifest.json"))).files()) {
            assertEquals(f.sha256(), Sha256.of(stored.resolve(f.name())), f.name());
        }
        assertFalse(Files.exists(spool().resolve("r-1")));
        assertFalse(Files.exists(aside()));
    }

    /**
     * Encryption at rest: the uploader reads the encrypted manifest with the key, checks and stores the encrypted
     * files as they are (stored SHA-256s), stores the encrypted manifest, and hands the manifest's text on.
     */
    @Test
    void anEncryptedRecordingIsStoredAsItIsEncrypted() throws Exception {
        AtRestKeys keys = AtRestKeys.of(AtRestKey.random());
        String manifest = SpoolFixture.spool(spool(), "r-enc", SpoolFixture.both(100_000, 70_000, 0), keys);
        Map<String, byte[]> spooled = new java.util.HashMap<>();
        for (String name : List.of("requester.mkv", "peer.mkv", "combined.mkv", "manifest.json")) {
            spooled.put(name, Files.readAllBytes(spool().resolve("r-enc").resolve(name)));
            assertTrue(AtRestFiles.isSealed(spool().resolve("r-enc").resolve(name)), name);
        }
        started(local(), QUIET, keys);

        assertEquals(manifest, listener.awaitStored("r-enc", WAIT), "the text, decrypted");
        for (Map.Entry<String, byte[]> f : spooled.entrySet()) {
            assertArrayEquals(f.getValue(), Files.readAllBytes(data.resolve("recordings/r-enc").resolve(f.getKey())),
                    f.getKey() + " stored exactly as spooled: encrypted");
        }
    }

    /** Without the key the manifest cannot be read: retried (a restart may bring the key), never set aside. */
    @Test
    void anEncryptedRecordingWithoutItsKeyWaitsInTheSpool() throws Exception {
        SpoolFixture.spool(spool(), "r-nokey", SpoolFixture.both(10, 20, 30), AtRestKeys.of(AtRestKey.random()));
        started(local(), QUIET);
        listener.awaitRetries(2, WAIT);
        assertTrue(Files.exists(spool().resolve("r-nokey/manifest.json")));
        assertFalse(Files.exists(aside().resolve("r-nokey")));
        assertTrue(listener.lastRetryReason().contains("which is not configured"), listener.lastRetryReason());
    }

    @Test
    void kickPicksUpARecordingAtOnce() throws Exception {
        Uploader u = started(local(), QUIET);
        SpoolFixture.spool(spool(), "r-late", SpoolFixture.both(10, 20, 30));
        u.kick();
        listener.awaitStored("r-late", WAIT);
        assertEquals(0, u.pending());
    }

    @Test
    void aFileThatDoesNotMatchItsManifestSetsTheWholeRecordingAside() throws Exception {
        SpoolFixture.spool(spool(), "r-bad", SpoolFixture.both(1000, 2000, 3000));
        Path peer = spool().resolve("r-bad/peer.mkv");
        try (FileChannel ch = FileChannel.open(peer, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {42, 43}), 1500); // same size, other bytes
        }
        String peerSha = Sha256.of(peer);
        started(local(), QUIET);

        String reason = listener.awaitFailed("r-bad", WAIT);
        assertTrue(reason.contains("peer.mkv") && reason.contains("SHA-256"), reason);
        Path kept = aside().resolve("r-bad");
        for (String name : List.of("requester.mkv", "peer.mkv", "combined.mkv", "manifest.json")) {
            assertTrue(Files.exists(kept.resolve(name)), name + " kept");
        }
        assertEquals(peerSha, Sha256.of(kept.resolve("peer.mkv")), "kept as found");
        assertEquals(reason + "\n", Files.readString(kept.resolve(Uploader.FAILURE_NOTE)));
        assertFalse(Files.exists(spool().resolve("r-bad")));
        assertFalse(Files.exists(data.resolve("recordings/r-bad/manifest.json")), "nothing claims to be complete");
        assertThrows(TimeoutException.class, () -> listener.awaitStored("r-bad", Duration.ofMillis(100)));
    }

    @Test
    void aTruncatedFileOrABrokenManifestIsSetAsideToo() throws Exception {
        SpoolFixture.spool(spool(), "r-short", SpoolFixture.both(1000, 2000, 3000));
        try (FileChannel ch = FileChannel.open(spool().resolve("r-short/combined.mkv"), StandardOpenOption.WRITE)) {
            ch.truncate(2999);
        }
        SpoolFixture.spool(spool(), "r-json", SpoolFixture.both(1, 2, 3));
        Files.writeString(spool().resolve("r-json/manifest.json"), "{\"files\":");
        SpoolFixture.spool(spool(), "r-aside", SpoolFixture.both(1, 2, 3)); // an earlier r-aside is already aside
        Files.createDirectories(aside().resolve("r-aside"));
        Files.writeString(spool().resolve("r-aside/manifest.json"), "[]");
        started(local(), QUIET);

        assertTrue(listener.awaitFailed("r-short", WAIT).contains("2999 bytes"));
        assertTrue(listener.awaitFailed("r-json", WAIT).contains("not JSON"));
        listener.awaitFailed("r-aside", WAIT);
        assertTrue(Files.exists(aside().resolve("r-aside.2/manifest.json")), "an earlier one is not overwritten");
    }

    @Test
    void failedAttemptsAreRetriedWithGrowingDelaysUntilStorageIsBack() throws Exception {
        SpoolFixture.spool(spool(), "r-1", SpoolFixture.both(100, 200, 300));
        HookedBackend backend = new HookedBackend(local(), HookedBackend.failingFirst(4, "HTTP 503 SlowDown"));
        started(backend, QUIET);

        listener.awaitStored("r-1", WAIT);
        assertEquals(4, listener.retryDelays.size(), listener.retryDelays.toString());
        assertTrue(listener.retryDelays.get(3).compareTo(listener.retryDelays.get(0)) > 0,
                "the delay grows: " + listener.retryDelays);
        assertTrue(listener.retryDelays.stream().allMatch(d -> d.toMillis() <= 200), "capped");
        try (var left = Files.list(spool())) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void retryNowDoesNotWaitForTheBackoff() throws Exception {
        SpoolFixture.spool(spool(), "r-1", SpoolFixture.both(1, 2, 3));
        HookedBackend backend = new HookedBackend(local(), HookedBackend.failingFirst(1, "connection refused"));
        Uploader u = started(backend, new Uploader.Options(Duration.ofHours(1), 2,
                new RetryBackoff(Duration.ofHours(1), Duration.ofHours(1))));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (listener.retryDelays.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, listener.retryDelays.size());
        u.retryNow(); // storage is available again
        listener.awaitStored("r-1", WAIT);
    }

    @Test
    void anUploaderStoppedMidUploadLeavesTheRecordingForTheNextOne() throws Exception {
        String manifest = SpoolFixture.spool(spool(), "r-1", SpoolFixture.both(100_000, 200_000, 300_000));
        SpoolFixture.spool(spool(), "r-2", SpoolFixture.both(1, 2, 3));
        CountDownLatch inside = new CountDownLatch(2);
        HookedBackend stuck = new HookedBackend(local(), (id, name) -> {
            inside.countDown();
            try {
                Thread.sleep(Long.MAX_VALUE); // storage hangs
            } catch (InterruptedException e) {
                throw new StorageException("interrupted", true, e);
            }
        });
        Uploader first = started(stuck, QUIET);
        assertTrue(inside.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        first.close();
        assertEquals(0, listener.retryDelays.size(), "closing is not a failure");
        assertTrue(Files.exists(spool().resolve("r-1/manifest.json")));

        started(local(), QUIET); // the restarted server
        assertEquals(manifest, listener.awaitStored("r-1", WAIT));
        listener.awaitStored("r-2", WAIT);
        assertTrue(Files.exists(data.resolve("recordings/r-1/combined.mkv")));
    }

    @Test
    void aRecordingCutShortAfterSomeFilesMovedIsCompleted() throws Exception {
        SpoolFixture.spool(spool(), "r-1", SpoolFixture.both(1000, 2000, 3000));
        Path peer = spool().resolve("r-1/peer.mkv");
        String peerSha = Sha256.of(peer);
        local().moveIn("r-1", "peer.mkv", peer, peerSha); // what the crashed attempt did before it died
        started(local(), QUIET);

        listener.awaitStored("r-1", WAIT);
        assertEquals(peerSha, Sha256.of(data.resolve("recordings/r-1/peer.mkv")));
        assertTrue(Files.exists(data.resolve("recordings/r-1/manifest.json")));
        assertFalse(Files.exists(spool().resolve("r-1")));
    }

    @Test
    void aFileMissingFromSpoolAndStorageIsReported() throws Exception {
        SpoolFixture.spool(spool(), "r-1", SpoolFixture.both(1000, 2000, 3000));
        Files.delete(spool().resolve("r-1/peer.mkv"));
        started(local(), QUIET);
        assertTrue(listener.awaitFailed("r-1", WAIT).contains("peer.mkv is neither in the spool nor in storage"));
    }

    @Test
    void atMostTheConfiguredNumberOfRecordingsAtOnce() throws Exception {
        for (int i = 0; i < 6; i++) {
            SpoolFixture.spool(spool(), "r-" + i, Map.of("peer.mkv", 1000));
        }
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        HookedBackend slow = new HookedBackend(local(), (id, name) -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                throw new StorageException("interrupted", true, e);
            } finally {
                inFlight.decrementAndGet();
            }
        });
        started(slow, QUIET);
        for (int i = 0; i < 6; i++) {
            listener.awaitStored("r-" + i, WAIT);
        }
        assertEquals(2, most.get());
    }

    @Test
    void leftoversAreTidiedAndStrangersLeftAlone() throws Exception {
        Files.createDirectories(spool().resolve("r-empty"));             // an uploader stopped just before rmdir
        Files.createDirectories(spool().resolve(".incoming/x"));         // someone's work in progress
        Files.createDirectories(spool().resolve("not an id"));
        Files.createDirectories(spool().resolve("r-nomanifest"));
        Files.writeString(spool().resolve("r-nomanifest/peer.mkv"), "x");
        SpoolFixture.spool(spool(), "r-1", SpoolFixture.both(1, 2, 3));
        started(local(), QUIET);
        listener.awaitStored("r-1", WAIT);

        assertFalse(Files.exists(spool().resolve("r-empty")));
        assertTrue(Files.exists(spool().resolve(".incoming/x")));
        assertTrue(Files.exists(spool().resolve("not an id")));
        assertTrue(Files.exists(spool().resolve("r-nomanifest/peer.mkv")));
    }

    @Test
    void filesTheManifestDoesNotListAreKept() throws Exception {
        SpoolFixture.spool(spool(), "r-1", SpoolFixture.both(1, 2, 3));
        Files.writeString(spool().resolve("r-1/notes.txt"), "not in the manifest");
        started(local(), QUIET);
        listener.awaitStored("r-1", WAIT);
        assertEquals("not in the manifest", Files.readString(aside().resolve("r-1/notes.txt")));
        assertTrue(Files.readString(aside().resolve("r-1/" + Uploader.FAILURE_NOTE)).contains("notes.txt"));
    }
}
