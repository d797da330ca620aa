package io.callrec.record;

import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKeys;
import io.callrec.atrest.WritableFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal of one recorder worker: every recording the worker serves appends its records to the worker's current
 * segment file, so one write per tick and one {@code fdatasync} a second cover all of them (group commit). One
 * journal file per recording cost a write every tick and a forced write every second per recording: at 200
 * recordings, 800 writes and 200 forced writes a second, each forced write of an appended file three synchronous
 * disk writes (data, allocation, inode), a third of the worker's CPU and more than a disk without a write cache can
 * do.
 *
 * <p>A segment holds the records of many recordings, each tagged with a small key; before a recording's first record
 * in a segment comes a bind record naming it, so every segment reads on its own. Segments end after
 * {@value #SEGMENT_BYTES} bytes or {@value #SEGMENT_MICROS} µs. A segment is deleted once every recording with
 * records in it is finished (its files complete and in the spool). A segment still holding a running recording's
 * records after {@value #MIGRATE_AFTER_MICROS} µs is migrated: the records of each running recording in it are
 * copied into {@code journal-<segment>.crj} in that recording's directory (forced), then the segment is deleted. So
 * the journal's disk use is bounded by a few minutes of all recordings plus what long calls hold, as with one journal
 * per recording, and a long call's record is written at most twice.
 *
 * <p>After a crash, {@link #migrateAll} turns every segment left by an earlier run into per-recording files the same
 * way, so rebuilding reads one recording's files only. A recording's per-segment files sort in the order they were
 * written: the segment names start with the run's start time, then the worker, then the segment's number.
 *
 * <p>Not thread-safe: only the worker's thread uses it. A failed write leaves the segment as it is (its readable
 * prefix counts) and ends it; {@link #failure()} tells the worker, which fails every recording it serves.
 */
final class WorkerJournal implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerJournal.class);
    static final byte[] MAGIC = {'C', 'R', 'S', '1'};
    /** Body: key, the recording id in UTF-8. */
    static final byte BIND = 5;
    static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    static final long SEGMENT_MICROS = 30_000_000;
    static final long MIGRATE_AFTER_MICROS = 120_000_000;
    /** Half a second of 200 A+V recordings fits, so a tick is one write. Direct: written without a copy. */
    static final int BUFFER_BYTES = 1024 * 1024;
    static final String SUFFIX = ".crj";
    /** Per-recording files made from a segment: {@code journal-<segment name>.crj}. */
    static final String RECORDING_FILE_PREFIX = "journal-";
    private static final Pattern SEGMENT_NAME = Pattern.compile("\\d{13}-w\\d{3}-\\d{9}\\.crj");

    /** A recording's place in the journal; only the worker's thread touches it. */
    static final class Entry {
        final int key;
        final String recordingId;
        final Path directory;
        /** Segment number the recording last wrote in; a bind record precedes its first record in each segment. */
        private long boundIn = -1;
        private boolean live = true;

        private Entry(int key, String recordingId, Path directory) {
            this.key = key;
            this.recordingId = recordingId;
            this.directory = directory;
        }
    }

    private static final class Segment {
        final long number;
        final Path file;
        final long openedMicros;
        final List<Entry> entries = new ArrayList<>();
        WritableFile channel;
        long bytes;

        Segment(long number, Path file, long openedMicros) {
            this.number = number;
            this.file = file;
            this.openedMicros = openedMicros;
        }

        boolean pinned() {
            for (Entry e : entries) {
                if (e.live) {
                    return true;
                }
            }
            return false;
        }
    }

    private final LongSupplier nanoClock;
    private final Path directory;
    private final String prefix;
    private final AtRestKeys keys;
    private final RecordBuffer records;
    private final ByteBuffer buffer;
    private final ArrayDeque<Segment> retained = new ArrayDeque<>();
    private Segment current;
    private long nextSegment;
    private int nextKey;
    private IOException failure;

    /**
     * @param directory where segments go
     * @param run       this run's start, milliseconds since the epoch: the first part of segment names
     * @param worker    the worker's number
     */
    WorkerJournal(Path directory, long run, int worker, AtRestKeys keys) {
        this(directory, run, worker, keys, System::nanoTime);
    }

    WorkerJournal(Path directory, long run, int worker, AtRestKeys keys, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.directory = directory;
        this.prefix = String.format("%013d-w%03d-", run, worker);
        this.keys = keys;
        this.records = new RecordBuffer(ByteBuffer.allocateDirect(BUFFER_BYTES));
        this.buffer = records.buffer();
    }

    /** A recording joins: its metadata record is the first of its records. */
    Entry open(String recordingId, Path recordingDirectory, String metaJson) {
        Entry e = new Entry(nextKey++, recordingId, recordingDirectory);
        json(e, Journal.META, metaJson);
        return e;
    }

    void packet(Entry e, long arrivalMicros, int flags, int stream, ByteBuffer packet) {
        int length = packet.remaining();
        if (!begin(e, 1 + 4 + 8 + 1 + 2 + length)) {
            return;
        }
        int p = packet.position();
        buffer.put(Journal.PACKET).putInt(e.key).putLong(arrivalMicros).put((byte) flags).putShort((short) stream)
                .put(packet);
        packet.position(p);
        records.end();
    }

    void json(Entry e, byte type, String json) {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        if (!begin(e, 1 + 4 + text.length)) {
            return;
        }
        buffer.put(type).putInt(e.key).put(text);
        records.end();
    }

    /** Hands what is buffered to the operating system: from here it survives a kill -9. */
    void flush() {
        if (failure != null || current == null) {
            return;
        }
        try {
            drain();
            current.channel.flush();
        } catch (IOException e) {
            fail(e);
        }
    }

    /** {@link #flush}, then forces the segment to the disk: from here it survives a power loss. */
    void sync() {
        flush();
        if (failure != null || current == null) {
            return;
        }
        try {
            current.channel.force();
        } catch (IOException e) {
            fail(e);
        }
    }

    /** The write that failed since the last {@link #clearFailure}, or null. */
    IOException failure() {
        return failure;
    }

    /** The worker has failed the recordings the broken segment held; later records go to a new segment. */
    void clearFailure() {
        failure = null;
    }

    /**
     * The recording's files are complete and in the spool (or given up): its records are no longer needed, and the
     * segments only it kept are deleted.
     */
    void release(Entry e) {
        e.live = false;
        maintain();
    }

    /**
     * Ends the current segment when it is big or old, deletes segments no running recording needs, and migrates the
     * records of running ones out of old segments. Once a second is enough.
     */
    void maintain() {
        long nowMicros = nanoClock.getAsLong() / 1000;
        if (current != null && failure == null
                && (current.bytes + buffer.position() >= SEGMENT_BYTES || nowMicros - current.openedMicros >= SEGMENT_MICROS
                || !current.pinned())) {
            endSegment();
        }
        dropRetained(nowMicros - MIGRATE_AFTER_MICROS);
    }

    /** Deletes retained segments nothing needs, and migrates those opened before {@code migrateBeforeMicros}. */
    private void dropRetained(long migrateBeforeMicros) {
        for (Iterator<Segment> it = retained.iterator(); it.hasNext(); ) {
            Segment s = it.next();
            if (!s.pinned()) {
                delete(s.file);
                it.remove();
            } else if (s.openedMicros <= migrateBeforeMicros && migrate(s)) {
                it.remove();
            }
        }
    }

    /** Syncs and ends the current segment; deletes the segments nothing needs. What still is needed stays. */
    @Override
    public void close() {
        if (current != null) {
            if (failure == null) {
                sync();
            }
            endSegment();
        }
        dropRetained(Long.MIN_VALUE);
    }

    private boolean begin(Entry e, int body) {
        if (failure != null || !e.live) {
            return false;
        }
        try {
            if (current == null) {
                startSegment();
            }
            if (e.boundIn != current.number) {
                e.boundIn = current.number;
                current.entries.add(e);
                byte[] id = e.recordingId.getBytes(StandardCharsets.UTF_8);
                current.bytes += records.begin(1 + 4 + id.length, current.channel);
                buffer.put(BIND).putInt(e.key).put(id);
                records.end();
            }
            if (!records.fits(body)) {
                throw new IOException("journal record of " + body + " bytes exceeds the buffer");
            }
            current.bytes += records.begin(body, current.channel);
            return true;
        } catch (IOException ex) {
            fail(ex);
            return false;
        }
    }

    private void drain() throws IOException {
        current.bytes += records.writeTo(current.channel);
    }

    private void startSegment() throws IOException {
        Files.createDirectories(directory);
        long number = nextSegment++;
        Segment s = new Segment(number, directory.resolve(prefix + String.format("%09d", number) + SUFFIX),
                nanoClock.getAsLong() / 1000);
        s.channel = AtRestFiles.create(s.file, keys, Journal.SEALED_CHUNK);
        current = s;
        buffer.clear();
        buffer.put(MAGIC);
    }

    private void fail(IOException e) {
        if (failure == null) {
            failure = e;
        }
        buffer.clear();
        if (current != null) {
            // What reached the file stays readable up to the failed write; nothing more goes into it.
            closeQuietly(current);
            retained.addLast(current);
            current = null;
        }
    }

    /** Ends the current segment (what is buffered is written and forced first). */
    private void endSegment() {
        Segment s = current;
        try {
            drain();
            s.channel.force();
        } catch (IOException e) {
            fail(e);
            return;
        }
        closeQuietly(s);
        current = null;
        retained.addLast(s);
    }

    private static void closeQuietly(Segment s) {
        try {
            s.channel.close();
        } catch (IOException e) {
            LOG.warn("journal segment {}: closing failed: {}", s.file.getFileName(), e.toString());
        }
        s.channel = null;
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("journal segment {} cannot be deleted: {}", file, e.toString());
        }
    }

    /** Copies the running recordings' records out of {@code s}, then deletes it; false if that failed. */
    private boolean migrate(Segment s) {
        Map<Integer, Path> targets = new HashMap<>();
        for (Entry e : s.entries) {
            if (e.live) {
                targets.put(e.key, e.directory);
            }
        }
        try {
            split(s.file, keys, targets);
        } catch (IOException e) {
            LOG.warn("journal segment {}: migrating its running recordings failed, kept: {}", s.file.getFileName(),
                    e.toString());
            return false;
        }
        delete(s.file);
        return true;
    }

    /**
     * Writes the records of the recordings in {@code targets} (key → recording directory) that {@code segment}
     * holds into {@code journal-<segment name>} in each directory, forced; returns how reading ended.
     */
    private static Journal.ReadResult split(Path segment, AtRestKeys keys, Map<Integer, Path> targets)
            throws IOException {
        Map<Integer, Journal.Writer> writers = new HashMap<>();
        String name = RECORDING_FILE_PREFIX + segment.getFileName();
        Journal.ReadResult result;
        try {
            result = Journal.readBodies(segment, keys, MAGIC, "callrec journal segment", body -> {
                if (body.remaining() < 5) {
                    return "short record";
                }
                byte type = body.get();
                int key = body.getInt();
                if (type == BIND) {
                    return null;
                }
                Path dir = targets.get(key);
                if (dir == null) {
                    return null;
                }
                Journal.Writer w = writers.get(key);
                if (w == null) {
                    w = new Journal.Writer(dir.resolve(name), keys);
                    writers.put(key, w);
                }
                w.record(type, body);
                return null;
            });
        } finally {
            IOException closing = null;
            for (Journal.Writer w : writers.values()) {
                try {
                    w.close(); // forced: the segment is deleted only after
                } catch (IOException e) {
                    closing = e;
                }
            }
            if (closing != null) {
                throw closing;
            }
        }
        return result;
    }

    /**
     * After a crash: turns every segment in {@code directory} not written by this run ({@code runPrefix}, null for
     * none) into per-recording files in the directories under {@code work} that its bind records name, then deletes
     * it. Records of recordings without a directory there (finished before the crash) are dropped. A segment that
     * cannot be read is moved to {@code failed} and logged; it never stops the others.
     */
    static void migrateAll(Path directory, Path work, Path failed, AtRestKeys keys, long currentRun) {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        String own = String.format("%013d-", currentRun);
        TreeMap<String, Path> segments = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!name.startsWith(own)) {
                    segments.put(name, f);
                }
            }
        } catch (IOException e) {
            LOG.error("journal directory {} cannot be listed: {}", directory, e.toString());
            return;
        }
        for (Path segment : segments.values()) {
            String name = segment.getFileName().toString();
            try {
                if (!SEGMENT_NAME.matcher(name).matches() || !Files.isRegularFile(segment, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("not a journal segment");
                }
                Map<Integer, Path> targets = bindings(segment, keys, work);
                Journal.ReadResult r = split(segment, keys, targets);
                if (r.tail() != null) {
                    LOG.warn("journal segment {}: {}; the records before it are used", name, r.tail());
                }
                Files.delete(segment);
            } catch (IOException | RuntimeException e) {
                try {
                    Files.createDirectories(failed);
                    Path aside = failed.resolve("journal-" + name + "-" + System.currentTimeMillis());
                    Files.move(segment, aside, LinkOption.NOFOLLOW_LINKS);
                    LOG.error("journal segment {} cannot be read ({}); moved to {}", name, e.getMessage(), aside);
                } catch (IOException moving) {
                    LOG.error("journal segment {} cannot be read ({}) nor moved aside ({})", name, e.getMessage(),
                            moving.toString());
                }
            }
        }
    }

    /** Key → directory, for each recording a segment binds whose directory is in {@code work}. */
    private static Map<Integer, Path> bindings(Path segment, AtRestKeys keys, Path work) throws IOException {
        Map<Integer, Path> targets = new HashMap<>();
        Journal.ReadResult r = Journal.readBodies(segment, keys, MAGIC, "callrec journal segment", body -> {
            if (body.remaining() < 5) {
                return "short record";
            }
            if (body.get() == BIND) {
                int key = body.getInt();
                String id = StandardCharsets.UTF_8.decode(body).toString();
                if (RecordingSpec.isValidId(id)) {
                    Path dir = work.resolve(id);
                    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                        targets.put(key, dir);
                    }
                }
            }
            return null;
        });
        if (r.records() == 0 && r.tail() != null && r.tail().contains("bad magic")) {
            throw new IOException(r.tail());
        }
        return targets;
    }
}
