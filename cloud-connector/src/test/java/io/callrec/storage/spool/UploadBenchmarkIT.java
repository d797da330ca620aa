package io.callrec.storage.spool;

import io.callrec.storage.StorageBackend;
import io.callrec.storage.TestFiles;
import io.callrec.storage.local.LocalStorageBackend;
import io.callrec.storage.s3.S3ProxyProcess;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;
import org.apache.commons.io.FileUtils;

/**
 * Spool to stored for a recording of about 100 MB (the size of a 10-minute audio+video call at ~1.3 Mbit/s):
 * from the moment the recording appears in the spool to {@code onStored}. Prints the figures for
 * docs/performance.md.
 */
class UploadBenchmarkIT {
    private static final int REQUESTER = 30_000_000;
    private static final int PEER = 30_000_000;
    private static final int COMBINED = 40_000_000;
    private static final double MB = (REQUESTER + PEER + COMBINED) / 1e6;

    private final Path work = Path.of("target", "upload-benchmark");

    @Test
    void localStorage() throws Exception {
        FileUtils.deleteDirectory(work.toFile());
        Path data = work.resolve("local");
        double best = Double.MAX_VALUE;
        try (StorageBackend backend = new LocalStorageBackend(data, 0, Clock.systemUTC())) {
            for (int run = 1; run <= 3; run++) {
                best = Math.min(best, spoolToStored(data, backend, "r-local-" + run));
            }
        }
        System.out.printf("BENCH local: %.0f MB spool->stored best of 3 %.3f s (%.0f MB/s)%n", MB, best, MB / best);
        assertTrue(best < 2.0, "a local recording is stored within 2 s: " + best);
    }

    @Test
    void s3Proxy() throws Exception {
        FileUtils.deleteDirectory(work.toFile());
        double best = Double.MAX_VALUE;
        try (S3ProxyProcess s3proxy = S3ProxyProcess.start(work.resolve("s3"))) {
            s3proxy.createBucket("recordings");
            try (StorageBackend backend = s3proxy.backend("recordings")) {
                for (int run = 1; run <= 3; run++) {
                    best = Math.min(best, spoolToStored(work.resolve("s3-data"), backend, "r-s3-" + run));
                }
            }
        }
        System.out.printf("BENCH S3Proxy: %.0f MB spool->stored best of 3 %.2f s (%.0f MB/s)%n", MB, best, MB / best);
    }

    /** @return seconds from the rename into the spool to onStored */
    private static double spoolToStored(Path data, StorageBackend backend, String id) throws Exception {
        Path spool = data.resolve("spool");
        CollectingListener listener = new CollectingListener();
        try (Uploader u = new Uploader(spool, data.resolve("spool-failed"), backend, listener,
                new Uploader.Options(Duration.ofHours(1), 2, RetryBackoff.DEFAULT))) {
            u.start();
            SpoolFixture.spool(spool, id, SpoolFixture.both(REQUESTER, PEER, COMBINED));
            long t0 = System.nanoTime(); // the recorder's rename is done: the recording is in the spool
            u.kick();
            listener.awaitStored(id, Duration.ofMinutes(5));
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("BENCH %s: %.3f s%n", id, s);
            return s;
        }
    }
}
