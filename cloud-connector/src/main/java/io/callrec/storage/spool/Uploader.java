package io.callrec.storage.spool;

import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKeys;
import io.callrec.atrest.SealedFileException;
import io.callrec.atrest.UnknownKeyException;
import io.callrec.storage.ContentMismatchException;
import io.callrec.storage.ObjectNames;
import io.callrec.storage.Sha256;
import io.callrec.storage.StorageBackend;
import io.callrec.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes finished recordings from the spool to storage. The recorder renames each one into
 * {@code spool/{recordingId}/} complete (its files plus {@code manifest.json}); the uploader finds it (a scan at
 * start, every {@link Options#scanInterval()}, and on {@link #kick()}), checks every file against the manifest,
 * stores the files and then the manifest (so a stored manifest means a complete recording), removes the spool copy
 * and calls {@link Listener#onStored}.
 *
 * <p>Nothing is lost: the spool copy goes only after the backend has verified every object. A failed attempt is
 * retried with {@link RetryBackoff} for as long as it takes; a new uploader on the same spool (after a restart)
 * picks up whatever is still there. A recording that cannot be right — a file whose size or SHA-256 differs from its
 * manifest, a manifest that cannot be read — is moved whole to the aside directory with a
 * {@value #FAILURE_NOTE} saying why, and reported through {@link Listener#onFailed}; it is never deleted.
 *
 * <p>Threads: {@code uploader-timer} (scans, retry timers) and {@link Options#concurrency()} workers
 * {@code uploader-N}.
 */
public final class Uploader implements AutoCloseable {
    /** Written into a recording set aside: why it was. Not a valid object name, so it can never clash. */
    public static final String FAILURE_NOTE = ".callrec-failure.txt";

    private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);

    /** Called on an uploader thread; should return quickly. */
    public interface Listener {
        /**
         * The recording is complete and verified in storage and gone from the spool. At least once: after a crash
         * at the wrong moment it can come again for the same recording.
         */
        void onStored(String recordingId, String manifestJson);

        /** The recording was set aside and will not be tried again. */
        void onFailed(String recordingId, String reason);

        /** An attempt failed (storage down?) and will be repeated after {@code delay}. */
        default void onRetry(String recordingId, String reason, Duration delay) {
        }
    }

    /**
     * @param scanInterval how often the spool is listed (besides {@link #kick()})
     * @param concurrency  recordings uploaded at once
     */
    public record Options(Duration scanInterval, int concurrency, RetryBackoff backoff) {
        public static final Options DEFAULTS = new Options(Duration.ofSeconds(5), 2, RetryBackoff.DEFAULT);

        public Options {
            Objects.requireNonNull(scanInterval, "scanInterval");
            Objects.requireNonNull(backoff, "backoff");
            if (scanInterval.isNegative() || scanInterval.isZero() || concurrency < 1) {
                throw new IllegalArgumentException("need a positive scan interval and concurrency: " + scanInterval
                        + ", " + concurrency);
            }
        }
    }

    private final Path spool;
    private final Path aside;
    private final StorageBackend backend;
    private final Listener listener;
    private final Options options;
    private final AtRestKeys atRest;
    private final ScheduledExecutorService timer;
    private final ExecutorService workers;
    private final ConcurrentHashMap<String, Job> jobs = new ConcurrentHashMap<>();
    /** Spool entries already reported as not uploadable, so each is logged once. */
    private final Set<String> ignored = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param spool where the recorder puts finished recordings ({@code DATA/spool})
     * @param aside where recordings that cannot be stored are kept ({@code DATA/spool-failed}); same file system
     */
    public Uploader(Path spool, Path aside, StorageBackend backend, Listener listener, Options options) {
        this(spool, aside, backend, listener, options, AtRestKeys.none());
    }

    /**
     * @param atRest the keys that decrypt manifests encrypted at rest (the files themselves are stored as they are,
     *               encrypted); a manifest whose key is missing is retried, as the key may come with a restart
     */
    public Uploader(Path spool, Path aside, StorageBackend backend, Listener listener, Options options,
                    AtRestKeys atRest) {
        this.atRest = Objects.requireNonNull(atRest, "atRest");
        this.spool = Objects.requireNonNull(spool, "spool");
        this.aside = Objects.requireNonNull(aside, "aside");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.options = Objects.requireNonNull(options, "options");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "uploader-timer"));
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(options.concurrency(),
                r -> daemon(r, "uploader-" + n.incrementAndGet()));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Scans now and then every scan interval. */
    public void start() throws IOException {
        Files.createDirectories(spool);
        timer.scheduleWithFixedDelay(this::scan, 0, options.scanInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Scans now: the recorder has just spooled something. */
    public void kick() {
        try {
            timer.execute(this::scan);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Every recording waiting for its retry goes now: storage is back. */
    public void retryNow() {
        for (Job job : jobs.values()) {
            synchronized (job) {
                if (job.retry != null && job.retry.cancel(false)) {
                    job.retry = null;
                    submit(job);
                }
            }
        }
    }

    /** Recordings found in the spool and neither stored nor set aside yet. */
    public int pending() {
        return jobs.size();
    }

    private void scan() {
        if (closed) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(spool)) {
            for (Path dir : entries) {
                try {
                    consider(dir);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("cannot look at spool entry {}: {}", dir, e.toString()); // the others still go
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot scan the spool {}: {}", spool, e.toString());
        }
    }

    private void consider(Path dir) throws IOException {
        String id = dir.getFileName().toString();
        if (id.startsWith(".") || jobs.containsKey(id) || !Files.isDirectory(dir)) {
            return; // dot-names: someone's work in progress
        }
        if (!ObjectNames.isValidId(id)) {
            if (ignored.add(id)) {
                LOG.warn("spool entry {} is not a recording id; left alone", dir);
            }
            return;
        }
        if (!Files.exists(dir.resolve(ObjectNames.MANIFEST))) {
            leftover(dir);
            return;
        }
        Job job = new Job(id);
        if (jobs.putIfAbsent(id, job) == null) {
            submit(job);
        }
    }

    /**
     * The recorder moves a recording in with its manifest, so a directory without one is what an earlier uploader
     * left when it stopped between deleting the manifest (last) and the directory.
     */
    private void leftover(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            if (!files.iterator().hasNext()) {
                Files.deleteIfExists(dir);
                return;
            }
        }
        if (ignored.add(dir.getFileName().toString())) {
            LOG.warn("spool entry {} has files but no manifest.json; left alone", dir);
        }
    }

    private void submit(Job job) {
        try {
            workers.execute(() -> attempt(job));
        } catch (RejectedExecutionException e) {
            // closed: the spool keeps the recording for the next uploader
        }
    }

    private void attempt(Job job) {
        if (closed) {
            return;
        }
        String id = job.id;
        try {
            SpoolManifest manifest = upload(id);
            jobs.remove(id);
            try {
                listener.onStored(id, manifest.json());
            } catch (RuntimeException e) {
                LOG.error("listener failed for stored recording {}", id, e);
            }
        } catch (ContentMismatchException | InvalidManifestException e) {
            setAside(job, e.getMessage());
        } catch (StorageException e) {
            if (e.retryable()) {
                retryLater(job, e.getMessage());
            } else {
                setAside(job, e.getMessage());
            }
        } catch (NoSuchFileException e) {
            if (!closed && !Files.exists(spool.resolve(id))) {
                jobs.remove(id); // someone took it out of the spool by hand
                LOG.warn("recording {} left the spool before it was stored", id);
            } else {
                retryLater(job, e.toString());
            }
        } catch (IOException | RuntimeException e) {
            retryLater(job, e.toString());
        }
    }

    /** @return the manifest, once everything is stored and the spool copy is gone */
    private SpoolManifest upload(String id) throws IOException, StorageException, InvalidManifestException {
        long started = System.nanoTime();
        Path dir = spool.resolve(id);
        Path manifestFile = dir.resolve(ObjectNames.MANIFEST);
        byte[] manifestBytes = Files.readAllBytes(manifestFile);
        SpoolManifest manifest = SpoolManifest.parse(id, plaintext(manifestBytes));
        // Every file is checked before any leaves the spool, so a recording set aside is set aside whole.
        List<SpoolManifest.FileEntry> toStore = new ArrayList<>();
        for (SpoolManifest.FileEntry f : manifest.files()) {
            Path file = dir.resolve(f.name());
            if (Files.exists(file)) {
                check(file, f);
                toStore.add(f);
            } else {
                // An earlier attempt was cut short after the backend took this file by renaming it.
                Optional<Long> stored = backend.size(id, f.name());
                if (stored.isEmpty() || stored.get() != f.bytes()) {
                    throw new ContentMismatchException(f.name() + " is neither in the spool nor in storage");
                }
            }
        }
        for (SpoolManifest.FileEntry f : toStore) {
            backend.moveIn(id, f.name(), dir.resolve(f.name()), f.sha256());
        }
        // Last, and copied: until the spool copy is gone, the spool still knows what the recording is.
        backend.put(id, ObjectNames.MANIFEST, manifestFile, Sha256.of(manifestBytes));
        removeFromSpool(id, dir, manifest);
        double seconds = (System.nanoTime() - started) / 1e9;
        double mb = manifest.totalBytes() / 1e6;
        LOG.info("recording {} stored in {}: {} files, {} MB in {} s ({} MB/s)", id, backend.describe(),
                manifest.files().size(), String.format("%.1f", mb), String.format("%.2f", seconds),
                String.format("%.0f", seconds > 0 ? mb / seconds : 0));
        return manifest;
    }

    /** The manifest's text: decrypted if it is encrypted at rest. */
    private byte[] plaintext(byte[] manifest) throws IOException, InvalidManifestException {
        try {
            return AtRestFiles.plaintext(manifest, atRest);
        } catch (UnknownKeyException e) {
            throw e; // retried: a restart with the key configured stores it
        } catch (SealedFileException e) {
            throw new InvalidManifestException("manifest.json cannot be decrypted: " + e.getMessage(), e);
        }
    }

    private static void check(Path file, SpoolManifest.FileEntry f) throws IOException, ContentMismatchException {
        long size = Files.size(file);
        if (size != f.bytes()) {
            throw new ContentMismatchException(f.name() + " has " + size + " bytes, the manifest says " + f.bytes());
        }
        String sha256 = Sha256.of(file);
        if (!sha256.equals(f.sha256())) {
            throw new ContentMismatchException(f.name() + " (" + size + " bytes) has SHA-256 " + sha256
                    + ", the manifest says " + f.sha256());
        }
    }

    /** The listed files first, the manifest last, so an interruption leaves a spool entry that can be resumed. */
    private void removeFromSpool(String id, Path dir, SpoolManifest manifest) throws IOException {
        for (SpoolManifest.FileEntry f : manifest.files()) {
            Files.deleteIfExists(dir.resolve(f.name()));
        }
        List<String> unlisted = new ArrayList<>();
        try (DirectoryStream<Path> rest = Files.newDirectoryStream(dir)) {
            for (Path p : rest) {
                if (!p.getFileName().toString().equals(ObjectNames.MANIFEST)) {
                    unlisted.add(p.getFileName().toString());
                }
            }
        }
        if (!unlisted.isEmpty()) {
            // Not part of the recording by the recorder's own account, but not ours to throw away either.
            Path kept = moveAside(id, "stored; these files were not in the manifest and were kept: " + unlisted);
            LOG.warn("recording {}: files not in its manifest kept in {}: {}", id, kept, unlisted);
            return;
        }
        Files.delete(dir.resolve(ObjectNames.MANIFEST));
        Files.delete(dir);
    }

    private void retryLater(Job job, String reason) {
        if (closed) {
            return; // the failure is most likely the interruption of close(); the spool keeps the recording
        }
        Duration delay;
        synchronized (job) {
            job.failures++;
            delay = options.backoff().delay(job.failures, ThreadLocalRandom.current().nextDouble());
            LOG.warn("recording {} not stored (attempt {}), next try in {} ms: {}", job.id, job.failures,
                    delay.toMillis(), reason);
            try {
                job.retry = timer.schedule(() -> {
                    synchronized (job) {
                        job.retry = null;
                    }
                    submit(job);
                }, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                return;
            }
        }
        try {
            listener.onRetry(job.id, reason, delay);
        } catch (RuntimeException e) {
            LOG.error("listener failed for recording {}", job.id, e);
        }
    }

    private void setAside(Job job, String reason) {
        if (closed) {
            return;
        }
        Path kept;
        try {
            kept = moveAside(job.id, reason);
        } catch (IOException e) {
            retryLater(job, "cannot set aside (" + e + "): " + reason);
            return;
        }
        jobs.remove(job.id);
        LOG.error("recording {} not stored, kept in {}: {}", job.id, kept, reason);
        try {
            listener.onFailed(job.id, reason);
        } catch (RuntimeException e) {
            LOG.error("listener failed for recording {}", job.id, e);
        }
    }

    private Path moveAside(String id, String reason) throws IOException {
        Files.createDirectories(aside);
        Path target = aside.resolve(id);
        for (int n = 2; Files.exists(target); n++) {
            target = aside.resolve(id + "." + n);
        }
        Files.move(spool.resolve(id), target, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(target.resolve(FAILURE_NOTE), reason + "\n", StandardCharsets.UTF_8);
        return target;
    }

    /**
     * Stops scanning and uploading. An upload in flight is interrupted; the recording stays in the spool, and the
     * next uploader on it finishes the job.
     */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("uploads still running 10 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Job {
        final String id;
        int failures;                    // guarded by this
        ScheduledFuture<?> retry;        // guarded by this

        Job(String id) {
            this.id = id;
        }
    }
}
