package io.callrec.record;

import io.callrec.atrest.AtRestFiles;
import io.callrec.media.relay.RelaySession;
import io.callrec.media.relay.Side;
import io.callrec.media.rtp.RtcpPackets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records calls: forks their relayed media into journals and Matroska files on worker threads, and hands finished
 * recordings to the spool. One instance per server.
 *
 * <p>Threads: relay threads only copy packets into per-recording rings ({@link MediaFork}); each recording belongs to
 * one worker thread that journals, depacketizes and writes its files every {@value #TICK_MILLIS} ms (the worker's
 * recordings share one journal, {@link WorkerJournal}: one write a tick and one forced write a second); finishing
 * (closing files, hashing, moving) runs on a separate finisher thread so other recordings keep flowing. A worker has
 * one periodic task that serves all its recordings in turn: a task per recording woke the thread hundreds of times
 * per tick (10 000 wake-ups a second at 200 recordings), which cost more CPU than the media work itself.
 */
public final class Recorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
    /**
     * How often a worker takes each recording's packets. Long enough that a recording's state (journal buffer, reorder
     * buffers, clusters) is touched a few times a second rather than 50: switching between hundreds of recordings
     * misses the caches at each switch, and at 20 ms that cost more than the media work (RecorderLoadMain, 200 calls:
     * 12.4 µs of worker CPU per packet at 20 ms, 9.0 at 50, 7.0 at 100, 4.7 at 250). Short enough that what a kill -9
     * loses (the packets still in the ring, not yet journaled) stays well under the 1 s the contract allows, and that
     * a keyframe is asked for soon after a recording starts.
     */
    static final long TICK_MILLIS = 250;
    private static final long WRITER_TICK_MICROS = 1_000_000;
    private static final long OVERFLOW_REPORT_MICROS = 10_000_000;
    /**
     * Kept free in each recording's directory until it is finished: when the disk fills up, deleting it gives room
     * for the manifest, so what was recorded is still delivered.
     */
    static final String RESERVE_FILE = "space.reserve";
    static final int RESERVE_BYTES = 64 * 1024;

    private final RecorderConfig config;
    private final RecordingListener listener;
    private final RecordingPipeline.Config pipelineConfig;
    private final List<Worker> workers = new ArrayList<>();
    private final ExecutorService finisher;
    private final Map<String, RecordingSession> active = new ConcurrentHashMap<>();
    private final Map<ActiveRecording, ScheduledExecutorService> workerOf = new ConcurrentHashMap<>();
    private final AtomicInteger nextWorker = new AtomicInteger();
    /** Recordings running or being started: taken before the check, so that starts at once cannot pass the cap. */
    private final AtomicInteger slots = new AtomicInteger();
    /** This run's start, the first part of its journal segments' names: later than any earlier run's. */
    private final long run;
    private static final AtomicLong LAST_RUN = new AtomicLong();
    private volatile boolean closed;

    public Recorder(RecorderConfig config, RecordingListener listener) throws IOException {
        this(config, listener, RecordingPipeline.Config.defaults());
    }

    Recorder(RecorderConfig config, RecordingListener listener, RecordingPipeline.Config pipelineConfig)
            throws IOException {
        this.config = config;
        this.listener = listener;
        this.pipelineConfig = pipelineConfig.withAtRest(config.atRest());
        Files.createDirectories(config.workDirectory());
        Files.createDirectories(config.spoolDirectory());
        long now = System.currentTimeMillis();
        this.run = LAST_RUN.updateAndGet(last -> Math.max(last + 1, now));
        for (int i = 0; i < config.workers(); i++) {
            workers.add(new Worker(i));
        }
        finisher = Executors.newSingleThreadExecutor(r -> daemon(r, "recorder-finisher"));
    }

    /** The tap for a call's relay session; installs it. Cheap: do it for every call. */
    public MediaFork fork(RelaySession session) {
        MediaFork fork = new MediaFork(session);
        session.setTap(fork);
        return fork;
    }

    public int activeRecordings() {
        return active.size();
    }

    /** Workers whose periodic task is scheduled: those that serve a recording; none when idle. */
    int tickingWorkers() {
        int n = 0;
        for (Worker w : workers) {
            if (w.tick != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * A place among the {@code maxRecordings} allowed at once, taken before anything is allocated for a recording
     * (storage, files), so that starts at the same moment cannot pass the cap. {@link #start(Reservation, MediaFork,
     * RecordingSpec, MediaFormats)} turns it into a running recording; {@link #close} gives back one that was not
     * used, and does nothing to one that was.
     */
    public final class Reservation implements AutoCloseable {
        private boolean settled;

        private Reservation() {
        }

        @Override
        public void close() {
            if (!settled) {
                settled = true;
                slots.decrementAndGet();
            }
        }
    }

    /** @throws RecorderException {@code limit-reached} when {@code maxRecordings} run or are being started */
    public Reservation reserve() throws RecorderException {
        if (slots.incrementAndGet() > config.maxRecordings()) {
            slots.decrementAndGet();
            throw new RecorderException("limit-reached", "already " + config.maxRecordings()
                    + " recordings running, the most allowed", null);
        }
        return new Reservation();
    }

    /**
     * Starts recording what flows through {@code fork}: {@link #reserve} and {@link #start(Reservation, MediaFork,
     * RecordingSpec, MediaFormats)} in one.
     *
     * @throws RecorderException {@code limit-reached}, {@code disk-full} or {@code internal}
     */
    public RecordingSession start(MediaFork fork, RecordingSpec spec, MediaFormats formats) throws RecorderException {
        try (Reservation room = reserve()) {
            return start(room, fork, spec, formats);
        }
    }

    /**
     * Starts recording what flows through {@code fork} in the place {@code room} holds; the recording keeps that
     * place until it is finished.
     *
     * @throws RecorderException {@code disk-full} or {@code internal}
     */
    public RecordingSession start(Reservation room, MediaFork fork, RecordingSpec spec, MediaFormats formats)
            throws RecorderException {
        if (room.settled) {
            throw new IllegalStateException("reservation already used or released");
        }
        if (closed) {
            throw new RecorderException("internal", "the recorder is shutting down", null);
        }
        if (active.containsKey(spec.recordingId())) {
            throw new RecorderException("internal", "recording " + spec.recordingId() + " already runs", null);
        }
        try {
            return startInSlot(fork, spec, formats);
        } finally {
            // Once in the active table the place is the recording's: finishing it gives the place back.
            room.settled |= active.containsKey(spec.recordingId());
        }
    }

    private RecordingSession startInSlot(MediaFork fork, RecordingSpec spec, MediaFormats formats)
            throws RecorderException {
        Path dir = config.workDirectory().resolve(spec.recordingId());
        long start = fork.nowMicros();
        ActiveRecording recording;
        String meta;
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(RESERVE_FILE), new byte[RESERVE_BYTES]);
            meta = Manifest.JSON.writeValueAsString(new JournalMeta(spec, formats, start));
            RecordingPipeline pipeline = new RecordingPipeline(spec, formats, start, dir, pipelineConfig,
                    keyframeRequester(fork.session()));
            recording = new ActiveRecording(spec, dir, start, fork, config.queueBytes(), pipeline);
        } catch (IOException e) {
            throw new RecorderException(isDiskFull(e) ? "disk-full" : "internal",
                    "cannot create recording " + spec.recordingId() + ": " + e.getMessage(), e);
        }
        RecordingSession session = new RecordingSession(this, recording);
        active.put(spec.recordingId(), session);
        Worker worker = workers.get(Math.floorMod(nextWorker.getAndIncrement(), workers.size()));
        workerOf.put(recording, worker.executor);
        fork.attach(recording);
        // The worker writes the journal's first record for it, to the OS at its next tick and to the disk within a
        // second: an fsync here would hold up the call's signalling thread for as long as the disk takes.
        worker.executor.execute(() -> worker.serve(session, meta));
        LOG.info("recording {} started: mode {}, requester {} (Call-ID {}), peer {} (Call-ID {})",
                spec.recordingId(), spec.mode().wireName(), spec.requester(), spec.requesterCallId(), spec.peer(),
                spec.peerCallId());
        listener.onStarted(session);
        return session;
    }

    /** The journal's first record: enough to rebuild the recording without anything else. */
    record JournalMeta(RecordingSpec spec, MediaFormats formats, long startMicros) {
    }

    void pause(ActiveRecording r) {
        r.setPaused(true);
        onWorker(r, () -> {
            r.drain();
            long now = r.fork.nowMicros();
            r.journal.json(r.journalEntry, Journal.CONTROL, "{\"control\":\"pause\",\"at\":" + now + "}");
            r.pipeline.onPause();
            r.pauseEntry(now);
        });
        LOG.info("recording {} paused", r.spec.recordingId());
    }

    void resume(ActiveRecording r) {
        onWorker(r, () -> {
            long now = r.fork.nowMicros();
            r.journal.json(r.journalEntry, Journal.CONTROL, "{\"control\":\"resume\",\"at\":" + now + "}");
            r.endPause(now);
            r.setPaused(false);
        });
        LOG.info("recording {} resumed", r.spec.recordingId());
    }

    void updateFormats(ActiveRecording r, MediaFormats formats) {
        onWorker(r, () -> {
            r.drain();
            r.journal.json(r.journalEntry, Journal.FORMATS, Manifest.JSON.writeValueAsString(formats));
            r.pipeline.onFormats(formats);
        });
    }

    void addConsent(ActiveRecording r, Map<String, Object> entry) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(entry);
        onWorker(r, () -> {
            r.journal.json(r.journalEntry, Journal.CONTROL, Manifest.JSON.writeValueAsString(Map.of("control", "consent", "at",
                    r.fork.nowMicros(), "entry", copy)));
            r.consent.add(copy);
        });
    }

    void stop(ActiveRecording r, CompletableFuture<FinishedRecording> done) {
        r.fork.detach(r);
        ScheduledExecutorService worker = workerOf.get(r);
        if (worker == null) {
            return;
        }
        worker.execute(() -> {
            String interruption = r.failure;
            if (r.diskFull) {
                // The files hold what the journal holds up to the failure; without its records they have room to be
                // closed (last clusters, Cues, Duration) and the manifest to be written, so the recording is
                // delivered: the segments only failed recordings held are deleted now.
                r.journal.release(r.journalEntry);
            } else {
                r.drain();
                r.journal.json(r.journalEntry, Journal.CONTROL, "{\"control\":\"stop\",\"at\":" + r.fork.nowMicros()
                        + "}");
                // To the OS now, to the disk with the worker's next forced write; the files come from what the
                // worker has taken, so a crash before they are finished rebuilds them from the journal.
                r.journal.flush();
            }
            long end = r.fork.nowMicros();
            finisher.execute(() -> finish(r, end, interruption, done));
        });
    }

    private void finish(ActiveRecording r, long endMicros, String interruption, CompletableFuture<FinishedRecording> done) {
        String id = r.spec.recordingId();
        try {
            String reason = interruption;
            try {
                r.pipeline.finish();
            } catch (IOException e) {
                reason = (reason == null ? "" : reason + "; ") + "files: " + e.getMessage();
            }
            FinishedRecording finished = complete(r.spec, r.directory, r.startMicros, endMicros, r.pipeline,
                    r.pauses, r.consent, r.ring.overflowPackets(), reason == null ? "complete" : "interrupted",
                    reason);
            LOG.info("recording {} finished: {} tracks, {} overflow packets, in {}", id, r.pipeline.tracks().size(),
                    r.ring.overflowPackets(), finished.directory());
            done.complete(finished);
            listener.onFinished(finished);
        } catch (IOException | RuntimeException e) {
            LOG.error("recording {} could not be finished; what was written stays in {}", id, r.directory, e);
            done.completeExceptionally(e);
            if (r.failure == null) { // else already reported
                listener.onError(id, e instanceof IOException io && isDiskFull(io) ? "disk-full" : "internal",
                        "finishing failed: " + e.getMessage());
            }
        } finally {
            r.ring.release(); // the worker has taken its last packets before handing the recording over
            if (active.remove(id) != null) {
                slots.decrementAndGet();
            }
            ScheduledExecutorService worker = workerOf.remove(r);
            if (worker != null && !r.diskFull && Files.notExists(r.directory)) {
                // In the spool: its journal records are no longer needed. (Not finished, the directory stays
                // and so do its records, copied into it when their segment gets old, for the next start.)
                try {
                    worker.execute(() -> r.journal.release(r.journalEntry));
                } catch (RejectedExecutionException e) {
                    // shutting down: the next start finds the segments and drops what no directory claims
                }
            }
        }
    }

    /**
     * Writes the manifest last, then moves the directory into the spool in one rename. Everything is forced to the
     * disk before the journal goes: after a power loss a spooled recording has all its files, or it is still in the
     * work directory with the journal to rebuild it from.
     */
    private FinishedRecording complete(RecordingSpec spec, Path dir, long start, long end, RecordingPipeline pipeline,
                                       List<Map<String, Object>> pauses, List<Map<String, Object>> laterConsent,
                                       long overflow, String state, String interruption) throws IOException {
        for (Path f : pipeline.files().keySet()) {
            if (pipeline.tracks().stream().noneMatch(t -> t.files.contains(f.getFileName().toString()))) {
                Files.deleteIfExists(f); // a party that sent nothing recordable: no empty file
            }
        }
        List<Path> journals = journalFiles(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (!journals.contains(f) && !f.getFileName().toString().equals(RESERVE_FILE)
                        && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    AtRestFiles.force(f);
                }
            }
        }
        Map<String, Object> manifest = Manifest.build(spec, state, start, end, pipeline, pauses, laterConsent,
                overflow, interruption, config.atRest());
        Path tmp = dir.resolve("manifest.json.part");
        AtRestFiles.write(tmp, Manifest.JSON.writeValueAsBytes(manifest), config.atRest());
        AtRestFiles.force(tmp);
        Files.move(tmp, dir.resolve("manifest.json"), StandardCopyOption.ATOMIC_MOVE);
        for (Path journal : journals) {
            Files.deleteIfExists(journal);
        }
        Files.deleteIfExists(dir.resolve(RESERVE_FILE));
        AtRestFiles.force(dir);
        Path target = config.spoolDirectory().resolve(spec.recordingId());
        Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
        AtRestFiles.force(config.spoolDirectory());
        AtRestFiles.force(config.workDirectory());
        return new FinishedRecording(spec.recordingId(), target, state, spec);
    }

    /**
     * A worker thread and the recordings it serves. Its periodic task runs only while it serves at least one
     * recording: an idle server should not wake a thread 50 times a second for nothing (it measured 0.7-1 % of a
     * core, a sizeable part of what relaying 100 calls costs).
     */
    private final class Worker {
        final ScheduledThreadPoolExecutor executor;
        /** Only touched on the worker's thread. */
        private final List<RecordingSession> sessions = new ArrayList<>();
        /** Written on the worker's thread only; volatile so that {@link #tickingWorkers()} can read it. */
        private volatile ScheduledFuture<?> tick;
        /** Only touched on the worker's thread. */
        final WorkerJournal journal;
        private long lastSyncNanos = System.nanoTime();

        Worker(int index) {
            executor = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "recorder-" + index));
            executor.setRemoveOnCancelPolicy(true);
            journal = new WorkerJournal(config.journalDirectory(), run, index, config.atRest());
        }

        /** On the worker's thread. */
        void serve(RecordingSession session, String meta) {
            ActiveRecording r = session.active();
            r.journal = journal;
            r.journalEntry = journal.open(r.spec.recordingId(), r.directory, meta);
            sessions.add(session);
            if (tick == null) {
                tick = executor.scheduleWithFixedDelay(this::serviceAll, TICK_MILLIS, TICK_MILLIS,
                        TimeUnit.MILLISECONDS);
            }
        }

        /**
         * One tick: serves each recording, dropping the stopped ones. Indexed and in place, so a tick allocates
         * nothing; a recording's failure is its own (caught in {@link #service}), never the others'.
         */
        private void serviceAll() {
            for (int i = 0; i < sessions.size(); ) {
                RecordingSession session = sessions.get(i);
                if (session.state() == RecordingSession.State.STOPPED) {
                    sessions.remove(i);
                    continue;
                }
                try {
                    service(session);
                } catch (RuntimeException e) {
                    LOG.error("recording {}: serving it failed", session.recordingId(), e);
                }
                i++;
            }
            journal.flush(); // every tick: what was taken from the rings survives a kill -9 from here on
            long now = System.nanoTime();
            if (now - lastSyncNanos >= config.journalSync().toNanos()) {
                journal.sync();
                journal.maintain();
                lastSyncNanos = now;
            }
            IOException failure = journal.failure();
            if (failure != null) {
                // The records of every recording here since the last flush may be lost: all of them fail, as each
                // would have with a journal of its own on the same disk.
                for (RecordingSession session : sessions) {
                    fail(session, failure);
                }
                journal.clearFailure();
            }
            if (sessions.isEmpty()) {
                // Idle from here: what is buffered or unforced goes to the disk now, not at a tick that never comes.
                journal.sync();
                journal.maintain();
                tick.cancel(false);
                tick = null;
            }
        }
    }

    private void service(RecordingSession session) {
        ActiveRecording r = session.active();
        if (r.failure != null) {
            return;
        }
        try {
            r.drain();
            long now = r.fork.nowMicros();
            if (now - r.lastTickMicros >= WRITER_TICK_MICROS) {
                r.pipeline.tick(now);
                r.lastTickMicros = now;
            }
            long overflow = r.ring.overflowPackets();
            if (overflow > r.reportedOverflow && now - r.lastOverflowReportMicros >= OVERFLOW_REPORT_MICROS) {
                LOG.warn("recording {}: {} packets could not be queued (recorder too slow)", r.spec.recordingId(),
                        overflow);
                listener.onError(r.spec.recordingId(), "recorder-overload",
                        overflow + " packets were not recorded: the recorder could not keep up");
                r.reportedOverflow = overflow;
                r.lastOverflowReportMicros = now;
            }
        } catch (IOException | RuntimeException e) {
            fail(session, e);
        }
    }

    /** Worker thread: the recording stops with an error; relaying goes on. */
    private void fail(RecordingSession session, Exception e) {
        ActiveRecording r = session.active();
        if (r.failure != null) {
            return;
        }
        r.diskFull = e instanceof IOException io && isDiskFull(io);
        String code = r.diskFull ? "disk-full" : "internal";
        r.failure = code + ": " + e.getMessage();
        LOG.error("recording {} failed ({}); relaying goes on, what was written is kept", r.spec.recordingId(),
                code, e);
        r.fork.detach(r);
        listener.onError(r.spec.recordingId(), code, e.getMessage());
        session.stop();
    }

    private interface WorkerTask {
        void run() throws IOException;
    }

    private void onWorker(ActiveRecording r, WorkerTask task) {
        ScheduledExecutorService worker = workerOf.get(r);
        if (worker == null) {
            return;
        }
        worker.execute(() -> {
            try {
                task.run();
            } catch (IOException | RuntimeException e) {
                LOG.warn("recording {}: control step failed", r.spec.recordingId(), e);
            }
        });
    }

    private static final byte[] CNAME = "callrec".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static KeyframeRequester keyframeRequester(RelaySession session) {
        int ourSsrc = ThreadLocalRandom.current().nextInt();
        int[] firSeq = {0};
        return (stream, sender, ssrc, fir) -> session.existing(stream).ifPresent(s -> {
            ByteBuffer out = ByteBuffer.allocate(128);
            // A compound packet (RR + SDES first): many phones ignore reduced-size RTCP (RFC 5506).
            RtcpPackets.writeReceiverReport(out, ourSsrc, CNAME);
            if (fir) {
                RtcpPackets.writeFir(out, ourSsrc, ssrc, firSeq[0]++ & 0xff);
            }
            RtcpPackets.writePli(out, ourSsrc, ssrc);
            out.flip();
            s.sendRtcp(sender, out);
        });
    }

    /**
     * Rebuilds every recording a crash left unfinished, from its journal, and hands it on as {@code interrupted}.
     * Whatever cannot be rebuilt (no journal, an unreadable or damaged one, something else where a recording
     * directory or its journal should be) is reported in one log line with the recording id and the reason and moved
     * to {@code failed/} next to the work directory; it never stops the others or the start-up.
     */
    public List<FinishedRecording> recover() {
        WorkerJournal.migrateAll(config.journalDirectory(), config.workDirectory(),
                config.workDirectory().resolveSibling("failed"), config.atRest(), run);
        List<FinishedRecording> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(config.workDirectory())) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (active.containsKey(id)) {
                    continue;
                }
                FinishedRecording f;
                try {
                    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                        throw new IOException("not a recording directory but " + kind(dir));
                    }
                    f = rebuild(dir);
                } catch (IOException | RuntimeException e) {
                    Path aside = moveAside(dir);
                    LOG.error("recording {} cannot be recovered: {}; {}", id, reason(e),
                            aside == null ? "left in " + dir : "moved to " + aside);
                    continue;
                }
                out.add(f);
                try {
                    listener.onFinished(f);
                } catch (RuntimeException e) {
                    LOG.error("recording {} was recovered to {} but the listener failed", id, f.directory(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static String kind(Path path) {
        if (Files.isSymbolicLink(path)) {
            return "a symbolic link";
        }
        if (Files.isDirectory(path)) {
            return "a directory";
        }
        return Files.isRegularFile(path) ? "a file" : "a special file (pipe, socket or device)";
    }

    /**
     * Our own IOExceptions say what is wrong in their message; others need their type ("AccessDenied..."). On one
     * line: a JSON parser's message spans several.
     */
    private static String reason(Exception e) {
        return (e.getClass() == IOException.class ? e.getMessage() : e.toString()).replaceAll("\\s*\\R\\s*", " ");
    }

    private FinishedRecording rebuild(Path dir) throws IOException {
        List<Path> journals = journalFiles(dir);
        if (journals.isEmpty()) {
            throw new IOException("no journal");
        }
        for (Path journal : journals) {
            if (!Files.isRegularFile(journal)) {
                // Never open it: reading a named pipe would block the start-up for good.
                throw new IOException(journal.getFileName() + " is " + kind(journal) + ", not a journal");
            }
        }
        RecordingPipeline[] pipeline = new RecordingPipeline[1];
        try {
            return rebuild(dir, journals, pipeline);
        } catch (IOException | RuntimeException e) {
            if (pipeline[0] != null) {
                try {
                    pipeline[0].finish(); // closes the files it opened
                } catch (IOException | RuntimeException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /**
     * A recording directory's journal files in the order they were written: {@code journal.crj} (one journal per
     * recording, as earlier versions wrote) and then its records copied out of worker journal segments, by segment.
     */
    static List<Path> journalFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        Path single = dir.resolve("journal.crj");
        if (Files.exists(single, LinkOption.NOFOLLOW_LINKS)) {
            out.add(single);
        }
        List<Path> segments = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                WorkerJournal.RECORDING_FILE_PREFIX + "*" + WorkerJournal.SUFFIX)) {
            files.forEach(segments::add);
        }
        segments.sort(null);
        out.addAll(segments);
        return out;
    }

    private FinishedRecording rebuild(Path dir, List<Path> journals, RecordingPipeline[] pipeline)
            throws IOException {
        JournalMeta[] meta = new JournalMeta[1];
        long[] last = new long[1];
        List<Map<String, Object>> pauses = new ArrayList<>();
        List<Map<String, Object>> laterConsent = new ArrayList<>();
        IOException[] failure = new IOException[1];
        Journal.Visitor visitor = new Journal.Visitor() {
            @Override
            public void packet(long arrivalMicros, int flags, int stream, ByteBuffer packet) {
                if (pipeline[0] != null) {
                    pipeline[0].onPacket(arrivalMicros, flags, stream, packet);
                    last[0] = Math.max(last[0], arrivalMicros);
                }
            }

            @Override
            public void json(byte type, String json) {
                try {
                    if (type == Journal.META && meta[0] == null) {
                        meta[0] = Manifest.JSON.readValue(json, JournalMeta.class);
                        for (Party p : Party.values()) {
                            Files.deleteIfExists(dir.resolve(p.fileName()));
                        }
                        Files.deleteIfExists(dir.resolve("combined.mkv"));
                        pipeline[0] = new RecordingPipeline(meta[0].spec(), meta[0].formats(),
                                meta[0].startMicros(), dir, pipelineConfig, KeyframeRequester.NONE);
                        last[0] = meta[0].startMicros();
                    } else if (pipeline[0] != null && type == Journal.FORMATS) {
                        pipeline[0].onFormats(Manifest.JSON.readValue(json, MediaFormats.class));
                    } else if (pipeline[0] != null && type == Journal.CONTROL) {
                        Map<?, ?> c = Manifest.JSON.readValue(json, Map.class);
                        long at = ((Number) c.get("at")).longValue();
                        long start = meta[0].startMicros();
                        if ("pause".equals(c.get("control"))) {
                            pipeline[0].onPause();
                            pauses.add(new java.util.LinkedHashMap<>(Map.of("fromMs", (at - start) / 1000.0)));
                        } else if ("consent".equals(c.get("control")) && c.get("entry") instanceof Map<?, ?> e) {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> entry = (Map<String, Object>) e;
                            laterConsent.add(entry);
                        } else if ("resume".equals(c.get("control")) && !pauses.isEmpty()) {
                            pauses.get(pauses.size() - 1).put("toMs", (at - start) / 1000.0);
                        }
                        last[0] = Math.max(last[0], at);
                    }
                } catch (IOException e) {
                    failure[0] = e;
                }
            }
        };
        long records = 0;
        List<String> tails = new ArrayList<>();
        for (Path journal : journals) {
            Journal.ReadResult result = Journal.read(journal, config.atRest(), visitor);
            if (failure[0] != null) {
                throw failure[0];
            }
            records += result.records();
            if (result.tail() != null) {
                tails.add(journals.size() == 1 ? result.tail() : journal.getFileName() + ": " + result.tail());
            }
        }
        String tail = tails.isEmpty() ? null : String.join("; ", tails);
        if (meta[0] == null) {
            throw new IOException("journal has no readable metadata" + (tail == null ? "" : ": " + tail));
        }
        pipeline[0].finish();
        String why = "the server stopped while recording; rebuilt from the journal (" + records
                + " records" + (tail == null ? "" : ", " + tail) + ")";
        FinishedRecording f = complete(meta[0].spec(), dir, meta[0].startMicros(), last[0], pipeline[0], pauses,
                laterConsent, 0, "interrupted", why);
        LOG.warn("recording {} was interrupted; {}", f.recordingId(), why);
        return f;
    }

    /** Moves {@code path} into {@code failed/}; returns where, or null if it could not (logged). */
    private Path moveAside(Path path) {
        try {
            Path failed = config.workDirectory().resolveSibling("failed");
            Files.createDirectories(failed);
            Path target = failed.resolve(path.getFileName() + "-" + System.currentTimeMillis());
            Files.move(path, target, LinkOption.NOFOLLOW_LINKS);
            return target;
        } catch (IOException e) {
            LOG.error("cannot move {} aside: {}", path, e.toString());
            return null;
        }
    }

    /** Stops every recording (their files are finished and spooled), then the threads. */
    @Override
    public void close() {
        closed = true;
        List<CompletableFuture<FinishedRecording>> pending = new ArrayList<>();
        for (RecordingSession s : active.values()) {
            pending.add(s.stop());
        }
        for (CompletableFuture<FinishedRecording> f : pending) {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("a recording did not finish at shutdown: {}", e.toString());
            }
        }
        finisher.shutdown();
        try {
            finisher.awaitTermination(10, TimeUnit.SECONDS);
            for (Worker w : workers) {
                // After the finisher: the finished recordings' releases are queued before the journal closes.
                w.executor.execute(w.journal::close);
                w.executor.shutdown();
            }
            for (Worker w : workers) {
                w.executor.awaitTermination(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean isDiskFull(IOException e) {
        String m = e.getMessage();
        return m != null && m.contains("No space left");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

}
