package io.callrec.rendition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKeys;
import io.callrec.atrest.FileDigest;
import io.callrec.storage.ObjectNotFoundException;
import io.callrec.storage.Sha256;
import io.callrec.storage.StorageBackend;
import io.callrec.storage.StorageException;
import org.apache.commons.io.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Renditions} made by ffmpeg, one recording at a time on its own thread ({@code renditions}), never on a
 * request, relay or SIP thread. For each file the player plays ({@link PlayedFiles}) it copies the stored file into
 * {@code workDir/{id}/}, runs ffmpeg as {@link RenditionChoice} and {@link RenditionCommand} say, stores the result
 * in the recording's space and finally stores {@value RenditionIndex#NAME}. A file ffmpeg fails on, or that no
 * rendition fits, is listed under {@code notMade} with the reason, so it is not tried again on every request.
 *
 * <p>Storage failures are not final: the recording is refused for {@link Options#retryAfterFailure()}, then tried
 * again when asked. Nothing needs to survive a restart: an unfinished job leaves no index, so the next request starts
 * it again, and {@code workDir} is emptied at start. Thread-safe.
 */
public final class FfmpegRenditions implements Renditions, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FfmpegRenditions.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MANIFEST = "manifest.json";
    private static final int MAX_MANIFEST_BYTES = 1 << 20;
    /** Used in the MIME type when an MP4 somehow has no avcC (never seen): Constrained Baseline 3.0. */
    static final String FALLBACK_AVC = "avc1.42E01E";

    /**
     * @param timeoutPerFile    an ffmpeg run that takes longer is killed and its file is not made
     * @param maxWaiting        recordings queued behind the one being made; more are told to come back later
     * @param retryAfterFailure how long a recording whose attempt failed on storage or disk is refused
     * @param diskFloorBytes    free space the work directory's file system keeps besides twice the sources' size
     */
    public record Options(Duration timeoutPerFile, int maxWaiting, Duration retryAfterFailure, long diskFloorBytes) {
        public static final Options DEFAULTS = new Options(Duration.ofMinutes(10), 32, Duration.ofSeconds(30),
                256L << 20);

        public Options {
            Objects.requireNonNull(timeoutPerFile, "timeoutPerFile");
            Objects.requireNonNull(retryAfterFailure, "retryAfterFailure");
            if (maxWaiting < 1 || timeoutPerFile.isNegative() || timeoutPerFile.isZero() || diskFloorBytes < 0) {
                throw new IllegalArgumentException("timeout " + timeoutPerFile + ", " + maxWaiting + " waiting, floor "
                        + diskFloorBytes + " bytes: each must be positive");
            }
        }
    }

    /** A recording in this service's hands: being made, or refused until {@code until} after a failure. */
    private record State(String failure, Instant until) {
        static final State MAKING = new State(null, null);
    }

    private final StorageBackend storage;
    private final Ffmpeg ffmpeg;
    private final RenditionCommand.Encoders encoders;
    private final Path workDir;
    private final Options options;
    private final Clock clock;
    private final AtRestKeys atRest;
    private final ThreadPoolExecutor worker;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final AtomicLong made = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean closed;

    /** Empties {@code workDir} (left-overs of a stopped job) and starts the worker thread. */
    public FfmpegRenditions(StorageBackend storage, Ffmpeg ffmpeg, Path workDir, Options options, Clock clock)
            throws IOException {
        this(storage, ffmpeg, workDir, options, clock, AtRestKeys.none());
    }

    /**
     * @param atRest decrypts sources encrypted at rest; with a current key, renditions and the index are stored
     *               encrypted under it
     */
    public FfmpegRenditions(StorageBackend storage, Ffmpeg ffmpeg, Path workDir, Options options, Clock clock,
                            AtRestKeys atRest) throws IOException {
        this.atRest = Objects.requireNonNull(atRest, "atRest");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
        this.encoders = RenditionCommand.Encoders.of(ffmpeg);
        this.workDir = Objects.requireNonNull(workDir, "workDir");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        FileUtils.deleteDirectory(workDir.toFile());
        Files.createDirectories(workDir);
        if (Files.getFileStore(workDir).supportsFileAttributeView("posix")) {
            // sources and renditions sit here in plain while ffmpeg runs (also those of recordings encrypted at rest)
            Files.setPosixFilePermissions(workDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(options.maxWaiting()), r -> {
                    Thread t = new Thread(r, "renditions");
                    t.setDaemon(true);
                    return t;
                });
    }

    public Ffmpeg ffmpeg() {
        return ffmpeg;
    }

    @Override
    public synchronized Progress request(String recordingId) {
        Objects.requireNonNull(recordingId, "recordingId");
        Instant now = clock.instant();
        State state = states.get(recordingId);
        if (state == State.MAKING) {
            return new Making();
        }
        if (state != null) {
            if (now.isBefore(state.until())) {
                return new Later(state.failure(), Duration.between(now, state.until()));
            }
            states.remove(recordingId);
        }
        if (closed) {
            return new Later("shutting down", options.retryAfterFailure());
        }
        try {
            states.put(recordingId, State.MAKING);
            worker.execute(() -> makeAndRecord(recordingId));
            return new Making();
        } catch (RejectedExecutionException e) {
            states.remove(recordingId);
            return new Later("busy: " + worker.getQueue().size() + " recordings waiting for renditions",
                    Duration.ofSeconds(10));
        }
    }

    /** Recordings queued or being made. */
    public int pending() {
        return (int) states.values().stream().filter(s -> s == State.MAKING).count();
    }

    /** Recordings whose renditions were made since start. */
    public long made() {
        return made.get();
    }

    /** Attempts that failed on storage or disk since start (files ffmpeg failed on are not counted). */
    public long failed() {
        return failed.get();
    }

    private void makeAndRecord(String recordingId) {
        Path dir = workDir.resolve(recordingId);
        try {
            make(recordingId, dir);
            states.remove(recordingId);
        } catch (InterruptedException e) {
            states.remove(recordingId);
            Thread.currentThread().interrupt();
        } catch (StorageException | IOException e) {
            refuseForAWhile(recordingId, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("renditions of {}: unexpected failure", recordingId, e);
            refuseForAWhile(recordingId, e.toString());
        } finally {
            try {
                FileUtils.deleteDirectory(dir.toFile());
            } catch (IOException e) {
                log.warn("cannot clean {}: {}", dir, e.toString());
            }
        }
    }

    private void refuseForAWhile(String recordingId, String reason) {
        failed.incrementAndGet();
        log.warn("renditions of {} failed, tried again when asked after {} s: {}", recordingId,
                options.retryAfterFailure().toSeconds(), reason);
        states.put(recordingId, new State(reason, clock.instant().plus(options.retryAfterFailure())));
    }

    /**
     * Makes and stores every rendition of one recording, then its index. Nothing is done when the index is stored
     * already (a request raced with the end of an earlier job).
     */
    void make(String recordingId, Path dir) throws StorageException, IOException, InterruptedException {
        if (storage.size(recordingId, RenditionIndex.NAME).isPresent()) {
            return;
        }
        JsonNode manifest = readManifest(recordingId);
        List<SourceFile> played = PlayedFiles.of(manifest);
        Set<String> listed = new HashSet<>();
        Set<String> sealed = new HashSet<>();
        manifest.path("files").forEach(f -> {
            listed.add(f.path("name").asText());
            if (f.has("stored")) {
                sealed.add(f.path("name").asText());
            }
        });
        FileUtils.deleteDirectory(dir.toFile());
        Files.createDirectories(dir);
        checkRoom(recordingId, played, dir);
        long started = System.nanoTime();
        List<RenditionIndex.Made> done = new ArrayList<>();
        List<RenditionIndex.NotMade> notMade = new ArrayList<>();
        for (SourceFile file : played) {
            RenditionChoice.Choice choice = RenditionChoice.choose(file);
            if (choice instanceof RenditionChoice.Skip skip) {
                notMade.add(new RenditionIndex.NotMade(file.name(), skip.reason()));
                continue;
            }
            RenditionPlan plan = ((RenditionChoice.Make) choice).plan();
            // a server that only decrypts (no --encrypt-at-rest) would store the rendition of an encrypted file in plain
            Optional<String> cannot = sealed.contains(file.name()) && !atRest.encrypts()
                    ? Optional.of("encrypted at rest, and no current at-rest key to encrypt a rendition with")
                    : listed.contains(plan.name())
                    ? Optional.of("the recording already has a file named " + plan.name())
                    : encoders.missingFor(plan);
            if (cannot.isPresent()) {
                notMade.add(new RenditionIndex.NotMade(file.name(), cannot.get()));
                continue;
            }
            try {
                done.add(makeOne(recordingId, plan, dir));
            } catch (FfmpegException e) {
                log.warn("no rendition of {}/{}: {}", recordingId, file.name(), e.getMessage());
                notMade.add(new RenditionIndex.NotMade(file.name(), e.summary()));
            }
        }
        RenditionIndex index = new RenditionIndex(recordingId, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                ffmpeg.versionNumber(), done, notMade);
        Path indexFile = dir.resolve(RenditionIndex.NAME);
        AtRestFiles.write(indexFile, index.toJson(), atRest);
        storage.moveIn(recordingId, RenditionIndex.NAME, indexFile, Sha256.of(indexFile));
        made.incrementAndGet();
        log.info("renditions of {} stored in {} ms: {}{}", recordingId, (System.nanoTime() - started) / 1_000_000,
                done.isEmpty() ? "none" : String.join(", ", done.stream().map(FfmpegRenditions::describe).toList()),
                notMade.isEmpty() ? "" : "; not made: " + notMade);
    }

    private RenditionIndex.Made makeOne(String recordingId, RenditionPlan plan, Path dir)
            throws StorageException, IOException, InterruptedException, FfmpegException {
        // ffmpeg needs files it can seek in: a source encrypted at rest is decrypted into the work directory (owner
        // only) for the run and deleted right after it, as is the rendition once it is stored encrypted
        Path source = dir.resolve("source-" + plan.source());
        long storedLength = storage.size(recordingId, plan.source())
                .orElseThrow(() -> new IOException(plan.source() + " of " + recordingId + " is not in storage"));
        try (InputStream in = AtRestFiles.plaintext(storage.open(recordingId, plan.source(), 0, -1), storedLength,
                atRest)) {
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        Path target = dir.resolve(plan.name());
        Ffmpeg.Cost cost;
        try {
            cost = ffmpeg.run(recordingId + "/" + plan.name(), RenditionCommand.arguments(plan, source, target,
                    encoders), options.timeoutPerFile(), dir.resolve("ffmpeg-" + plan.name() + ".log"));
        } finally {
            Files.deleteIfExists(source);
        }
        String avc = plan.video() && "h264".equals(plan.videoCodec())
                ? Mp4AvcCodec.of(target).orElse(FALLBACK_AVC) : null;
        if (!atRest.encrypts()) {
            long bytes = Files.size(target);
            String sha = Sha256.of(target);
            storage.moveIn(recordingId, plan.name(), target, sha);
            return new RenditionIndex.Made(plan, bytes, sha, plan.mimeType(avc), cost);
        }
        Path sealed = dir.resolve(plan.name() + ".sealed");
        FileDigest digest;
        try {
            digest = AtRestFiles.store(target, sealed, atRest);
        } finally {
            Files.deleteIfExists(target);
        }
        storage.moveIn(recordingId, plan.name(), sealed, digest.stored().sha256());
        return new RenditionIndex.Made(plan, digest.bytes(), digest.sha256(), plan.mimeType(avc), cost,
                digest.stored());
    }

    private JsonNode readManifest(String recordingId) throws StorageException, IOException {
        try (InputStream in = storage.open(recordingId, MANIFEST, 0, -1)) {
            byte[] bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
            if (bytes.length > MAX_MANIFEST_BYTES) {
                throw new IOException("manifest of " + recordingId + " exceeds " + MAX_MANIFEST_BYTES + " bytes");
            }
            return JSON.readTree(AtRestFiles.plaintext(bytes, atRest));
        } catch (ObjectNotFoundException e) {
            throw new IOException("recording " + recordingId + " has no manifest in storage", e);
        }
    }

    /** Sources and renditions are both on local disk for a moment: refuse rather than fill the disk. */
    private void checkRoom(String recordingId, List<SourceFile> played, Path dir) throws StorageException, IOException {
        long sources = 0;
        for (SourceFile f : played) {
            sources += storage.size(recordingId, f.name()).orElse(0L);
        }
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < options.diskFloorBytes() + 2 * sources) {
            throw new StorageException("not enough local disk for renditions: " + (free >> 20) + " MiB free, "
                    + (sources >> 20) + " MiB of sources, floor " + (options.diskFloorBytes() >> 20) + " MiB", true);
        }
    }

    private static String describe(RenditionIndex.Made m) {
        return String.format(java.util.Locale.ROOT, "%s (%s, %.1f MB, cpu %.2f s)", m.plan().name(), m.type(),
                m.bytes() / 1e6, m.cost().cpuSeconds());
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        worker.shutdownNow(); // interrupts a running job: its ffmpeg is killed, its files cleaned
        try {
            if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("the renditions worker did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
