package io.callrec.storage.spool;

import io.callrec.storage.Sha256;
import io.callrec.storage.StorageBackend;
import io.callrec.storage.TestFiles;
import io.callrec.storage.s3.S3ProxyProcess;
import io.callrec.storage.s3.S3StorageBackend;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.apache.commons.io.FileUtils;

/** The upload pipeline against a real S3 server that crashes, and an uploader that is restarted. */
class S3UploadIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final Path work = Path.of("target", "s3-upload-it");
    private S3ProxyProcess s3proxy;
    private StorageBackend backend;
    private final CollectingListener listener = new CollectingListener();

    @BeforeEach
    void start() throws Exception {
        FileUtils.deleteDirectory(work.toFile());
        s3proxy = S3ProxyProcess.start(work.resolve("s3"));
        s3proxy.createBucket("recordings");
        backend = s3proxy.backend("recordings");
    }

    @AfterEach
    void stop() throws Exception {
        backend.close();
        s3proxy.close();
    }

    @Test
    void aStoreThatDiesInTheMiddleOfAMultipartUploadGetsTheRecordingCompleteOnceItIsBack() throws Exception {
        Path spool = work.resolve("data/spool");
        int combinedBytes = 72_000_000;
        String manifest = SpoolFixture.spool(spool, "r-crash", SpoolFixture.both(3_000_000, 2_000_000, combinedBytes));
        ListAppender<ILoggingEvent> backendLog = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(S3StorageBackend.class);
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO); // the "resumed" line is what shows which parts were sent again
        backendLog.start();
        logger.addAppender(backendLog);
        try (Uploader u = new Uploader(spool, work.resolve("data/spool-failed"), backend, listener,
                Uploader.Options.DEFAULTS)) {
            u.start();
            // The first part of combined.mkv has reached the store: S3 goes down hard.
            awaitFile(s3proxy.blobs().resolve("recordings"), p -> p.toString().contains(".mpus-")
                    && p.getFileName().toString().endsWith("-1"));
            s3proxy.kill();
            long down = System.nanoTime();
            Thread.sleep(3000); // the outage
            s3proxy.restart();
            System.out.printf("S3Proxy was down %.1f s%n", (System.nanoTime() - down) / 1e9);

            assertEquals(manifest, listener.awaitStored("r-crash", WAIT));
            assertFalse(listener.retryDelays.isEmpty(), "the outage was noticed and retried");
        } finally {
            logger.detachAppender(backendLog);
            logger.setLevel(level);
        }
        // The store kept the unfinished upload and its first part across the crash: the retry sent only the rest.
        long resumed = resumedBytes(backendLog.list, "recordings/r-crash/combined.mkv");
        long parts = (combinedBytes + S3StorageBackend.PART_SIZE - 1) / S3StorageBackend.PART_SIZE;
        long sentAgain = (combinedBytes - resumed + S3StorageBackend.PART_SIZE - 1) / S3StorageBackend.PART_SIZE;
        System.out.printf("after the restart %d of %d parts were sent; %d bytes were kept by the store%n",
                sentAgain, parts, resumed);
        assertEquals(0, resumed % S3StorageBackend.PART_SIZE, "whole parts are kept: " + resumed);
        assertTrue(resumed >= S3StorageBackend.PART_SIZE && sentAgain < parts,
                "the part stored before the crash was not sent again: " + resumed + " bytes kept");
        for (SpoolManifest.FileEntry f : SpoolManifest.parse("r-crash", manifest.getBytes()).files()) {
            assertEquals(Long.valueOf(f.bytes()), backend.size("r-crash", f.name()).orElseThrow(), f.name());
            try (var in = backend.open("r-crash", f.name(), 0, -1)) {
                assertEquals(f.sha256(), Sha256.of(in), f.name());
            }
        }
        try (var in = backend.open("r-crash", "manifest.json", 0, -1)) {
            assertEquals(manifest, new String(in.readAllBytes()));
        }
        assertFalse(Files.exists(spool.resolve("r-crash")));
        try (Stream<Path> mpus = Files.list(s3proxy.blobs().resolve("recordings"))) {
            assertTrue(mpus.noneMatch(p -> p.getFileName().toString().startsWith(".mpus-")),
                    "the resumed upload was completed, not left behind");
        }
    }

    @Test
    void uploadsPendingWhenCallrecStopsAreFinishedAfterTheRestart() throws Exception {
        Path spool = work.resolve("data/spool");
        for (int i = 1; i <= 3; i++) {
            SpoolFixture.spool(spool, "r-" + i, SpoolFixture.both(2_000_000, 3_000_000, 20_000_000));
        }
        CountDownLatch uploading = new CountDownLatch(1);
        HookedBackend watched = new HookedBackend(backend, (id, name) -> uploading.countDown());
        Uploader first = new Uploader(spool, work.resolve("data/spool-failed"), watched, listener,
                Uploader.Options.DEFAULTS);
        first.start();
        assertTrue(uploading.await(30, TimeUnit.SECONDS));
        first.close(); // SIGTERM in the middle of an upload
        try (Stream<Path> left = Files.list(spool)) {
            assertEquals(3, left.filter(p -> Files.exists(p.resolve("manifest.json"))).count(),
                    "all three are still in the spool");
        }

        try (Uploader second = new Uploader(spool, work.resolve("data/spool-failed"), backend, listener,
                Uploader.Options.DEFAULTS)) {
            second.start();
            for (int i = 1; i <= 3; i++) {
                listener.awaitStored("r-" + i, WAIT);
            }
        }
        for (int i = 1; i <= 3; i++) {
            String id = "r-" + i;
            SpoolManifest m = SpoolManifest.parse(id, readObject(id, "manifest.json"));
            for (SpoolManifest.FileEntry f : m.files()) {
                try (var in = backend.open(id, f.name(), 0, -1)) {
                    assertEquals(f.sha256(), Sha256.of(in), id + "/" + f.name());
                }
            }
        }
        try (Stream<Path> left = Files.list(spool)) {
            assertEquals(0, left.count());
        }
    }

    /** The bytes the backend's "resumed an interrupted upload" line for {@code key} says were already stored. */
    private static long resumedBytes(List<ILoggingEvent> events, String key) {
        Pattern line = Pattern.compile(Pattern.quote(key)
                + ": resumed an interrupted upload, (\\d+) of \\d+ bytes were already stored");
        for (ILoggingEvent e : events) {
            Matcher m = line.matcher(e.getFormattedMessage());
            if (m.matches()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("the upload of " + key + " was not resumed (started afresh); backend said: "
                + events.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    private byte[] readObject(String id, String name) throws Exception {
        try (var in = backend.open(id, name, 0, -1)) {
            return in.readAllBytes();
        }
    }

    private static void awaitFile(Path dir, java.util.function.Predicate<Path> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(dir)) {
                try (Stream<Path> all = Files.walk(dir)) {
                    if (all.anyMatch(wanted)) {
                        return;
                    }
                } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException racing) {
                    // S3Proxy renamed something while we looked
                }
            }
            Thread.sleep(5); // polling the store's directory: the only signal S3Proxy gives
        }
        throw new AssertionError("nothing like that appeared in " + dir);
    }
}
