package io.callrec.storage.s3;

import io.callrec.storage.ContentMismatchException;
import io.callrec.storage.LocalStorageProbe;
import io.callrec.storage.ObjectNotFoundException;
import io.callrec.storage.Sha256;
import io.callrec.storage.StorageException;
import io.callrec.storage.StorageStatus;
import io.callrec.storage.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.apache.commons.io.FileUtils;

/** The S3 backend against a real S3 server (S3Proxy) on 127.0.0.1. */
class S3StorageBackendIT {
    private static final Path WORK = Path.of("target", "s3-backend-it");
    private static S3ProxyProcess s3proxy;
    private static S3StorageBackend backend;

    @BeforeAll
    static void startS3Proxy() throws Exception {
        FileUtils.deleteDirectory(WORK.toFile());
        s3proxy = S3ProxyProcess.start(WORK);
        s3proxy.createBucket("recordings");
        backend = s3proxy.backend("recordings");
    }

    @AfterAll
    static void stop() throws Exception {
        if (backend != null) {
            backend.close();
        }
        if (s3proxy != null) {
            s3proxy.close();
        }
    }

    @Test
    void probeAndAllocate() throws Exception {
        assertTrue(backend.probe().available(), backend.probe().toString());
        backend.allocate("r-probe");
        try (S3StorageBackend missing = s3proxy.backend("no-such-bucket")) {
            StorageStatus s = missing.probe();
            assertFalse(s.available());
            assertEquals("bucket no-such-bucket does not exist", s.reason());
            StorageException e = assertThrows(StorageException.class, () -> missing.allocate("r-1"));
            assertTrue(e.retryable());
        }
    }

    @Test
    void theLocalSpoolFloorCountsToo() throws Exception {
        Path spool = Files.createDirectories(WORK.resolve("spool"));
        long free = Files.getFileStore(spool).getUsableSpace();
        try (S3StorageBackend b = S3StorageBackend.open(s3proxy.location("recordings"), S3ProxyProcess.CREDENTIALS,
                new LocalStorageProbe(spool, free + (1L << 30), Clock.systemUTC()), Clock.systemUTC())) {
            StorageStatus s = b.probe();
            assertFalse(s.available());
            assertTrue(s.reason().startsWith("disk almost full"), s.reason());
        }
    }

    @Test
    void smallObjectPutVerifiedReadInRangesAndPresigned() throws Exception {
        Path f = TestFiles.randomFile(WORK.resolve("files"), "peer.mkv", 1_000_003);
        byte[] all = Files.readAllBytes(f);
        String sha = Sha256.of(f);
        backend.put("r-small", "peer.mkv", f, sha);
        assertEquals(Optional.of(1_000_003L), backend.size("r-small", "peer.mkv"));
        assertEquals(Optional.empty(), backend.size("r-small", "requester.mkv"));

        assertEquals(sha, Sha256.of(backend.open("r-small", "peer.mkv", 0, -1)));
        assertArrayEquals(Arrays.copyOfRange(all, 1000, 1100), read(backend.open("r-small", "peer.mkv", 1000, 100)));
        assertArrayEquals(Arrays.copyOfRange(all, 999_000, all.length),
                read(backend.open("r-small", "peer.mkv", 999_000, -1)));
        assertEquals(0, read(backend.open("r-small", "peer.mkv", 5, 0)).length);
        assertEquals(0, read(backend.open("r-small", "peer.mkv", 1_000_003, -1)).length, "at the end, as a file");
        StorageException beyond = assertThrows(StorageException.class,
                () -> backend.open("r-small", "peer.mkv", 1_000_004, -1));
        assertFalse(beyond.retryable());
        assertThrows(ObjectNotFoundException.class, () -> backend.open("r-small", "combined.mkv", 0, -1));

        Instant expires = Instant.now().plus(Duration.ofMinutes(10));
        URI url = backend.presign("r-small", "peer.mkv", expires).orElseThrow();
        assertTrue(url.getRawQuery().contains("X-Amz-Expires=600") || url.getRawQuery().contains("X-Amz-Expires=599"),
                url.toString());
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertArrayEquals(all, r.body());
        assertTrue(r.headers().firstValue("Content-Encoding").isEmpty(),
                "no aws-chunked encoding stored with the object: " + r.headers().map());
    }

    @Test
    void presignedUrlsNeverOutliveSevenDays() throws Exception {
        URI url = backend.presign("r-small", "peer.mkv", Instant.now().plus(Duration.ofDays(30))).orElseThrow();
        assertTrue(url.getRawQuery().contains("X-Amz-Expires=604800"), url.toString());
        assertThrows(StorageException.class, () -> backend.presign("r-small", "peer.mkv", Instant.now()));
    }

    @Test
    void aFortyMegabyteFileGoesUpInPartsAndVerifies() throws Exception {
        Path f = TestFiles.randomFile(WORK.resolve("files"), "combined.mkv", 40_000_000);
        String sha = Sha256.of(f);
        long t0 = System.nanoTime();
        backend.put("r-large", "combined.mkv", f, sha);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("40 MB multipart put+verify: %.2f s (%.0f MB/s)%n", seconds, 40 / seconds);
        assertEquals(Optional.of(40_000_000L), backend.size("r-large", "combined.mkv"));
        assertEquals(sha, Sha256.of(backend.open("r-large", "combined.mkv", 0, -1)));
        byte[] all = Files.readAllBytes(f);
        assertArrayEquals(Arrays.copyOfRange(all, 8_388_600, 8_388_700),
                read(backend.open("r-large", "combined.mkv", 8_388_600, 100)), "across a part boundary");
        try (var mpus = Files.list(s3proxy.blobs().resolve("recordings"))) {
            assertTrue(mpus.noneMatch(p -> p.getFileName().toString().startsWith(".mpus-")),
                    "no unfinished multipart upload is left behind");
        }
    }

    @Test
    void aFileThatDoesNotMatchItsHashIsRefusedAndNotStored() throws Exception {
        Path small = TestFiles.randomFile(WORK.resolve("files"), "small.mkv", 1000);
        Path large = TestFiles.randomFile(WORK.resolve("files"), "large.mkv", 20_000_000);
        String wrong = Sha256.of(new byte[] {1});
        assertThrows(ContentMismatchException.class, () -> backend.put("r-bad", "small.mkv", small, wrong));
        assertThrows(ContentMismatchException.class, () -> backend.put("r-bad", "large.mkv", large, wrong));
        assertEquals(Optional.empty(), backend.size("r-bad", "small.mkv"));
        assertEquals(Optional.empty(), backend.size("r-bad", "large.mkv"));
    }

    @Test
    void storingTheSameObjectAgainIsHarmless() throws Exception {
        Path f = TestFiles.randomFile(WORK.resolve("files"), "again.mkv", 17_000_000);
        String sha = Sha256.of(f);
        backend.put("r-again", "again.mkv", f, sha);
        backend.put("r-again", "again.mkv", f, sha);
        assertEquals(sha, Sha256.of(backend.open("r-again", "again.mkv", 0, -1)));
    }

    @Test
    void anUnreachableStoreIsUnavailableWithinTheProbeTimeout() throws Exception {
        S3Location nowhere = new S3Location("recordings", Optional.of(URI.create("http://127.0.0.1:9")),
                Optional.empty());
        try (S3StorageBackend b = S3StorageBackend.open(nowhere, S3ProxyProcess.CREDENTIALS, null,
                Clock.systemUTC())) {
            long t0 = System.nanoTime();
            StorageStatus s = b.probe();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertFalse(s.available());
            assertTrue(s.reason().startsWith("bucket recordings: "), s.reason());
            assertTrue(ms < S3StorageBackend.PROBE_TIMEOUT.toMillis() + 1000, ms + " ms");
            Path f = TestFiles.randomFile(WORK.resolve("files"), "x.mkv", 10);
            StorageException e = assertThrows(StorageException.class, () -> b.put("r-1", "x.mkv", f, Sha256.of(f)));
            assertTrue(e.retryable());
        }
    }

    private static byte[] read(InputStream in) throws Exception {
        try (in) {
            return in.readAllBytes();
        }
    }
}
