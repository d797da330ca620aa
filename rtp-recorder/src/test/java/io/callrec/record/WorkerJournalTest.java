package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKey;
import io.callrec.atrest.AtRestKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerJournalTest {
    private static final long RUN = 1_700_000_000_000L;
    private static final long LATER_RUN = RUN + 60_000;
    @TempDir
    Path data;
    private Path segments;
    private Path work;
    private Path failed;
    private long nanos = 5_000_000_000L;

    @BeforeEach
    void dirs() throws IOException {
        segments = data.resolve("journal");
        work = Files.createDirectories(data.resolve("recording"));
        failed = data.resolve("failed");
    }

    private WorkerJournal journal(AtRestKeys keys) {
        return new WorkerJournal(segments, RUN, 0, keys, () -> nanos);
    }

    private Path recordingDir(String id) throws IOException {
        return Files.createDirectories(work.resolve(id));
    }

    private static ByteBuffer packet(String tag, int i) {
        return ByteBuffer.wrap((tag + "-" + i).getBytes(StandardCharsets.US_ASCII));
    }

    /** What a recording's journal files hold, in the order {@link Recorder#journalFiles} reads them. */
    private List<String> recordsOf(Path dir, AtRestKeys keys) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path f : Recorder.journalFiles(dir)) {
            Journal.ReadResult r = Journal.read(f, keys, new Journal.Visitor() {
                @Override
                public void packet(long arrivalMicros, int flags, int stream, ByteBuffer packet) {
                    out.add(arrivalMicros + "/" + flags + "/" + stream + "/" + StandardCharsets.US_ASCII.decode(packet));
                }

                @Override
                public void json(byte type, String json) {
                    out.add(type + ":" + json);
                }
            });
            assertNull(r.tail(), f + ": " + r.tail());
        }
        return out;
    }

    private List<Path> segmentFiles() throws IOException {
        if (!Files.isDirectory(segments)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(segments)) {
            return s.sorted().toList();
        }
    }

    @Test
    void interleavedRecordingsComeApartIntoTheirOwnDirectoriesAfterACrash() throws IOException {
        Path a = recordingDir("rec-a");
        Path b = recordingDir("rec-b");
        Path gone = recordingDir("rec-gone");
        WorkerJournal j = journal(AtRestKeys.none());
        WorkerJournal.Entry ea = j.open("rec-a", a, "{\"meta\":\"a\"}");
        WorkerJournal.Entry eb = j.open("rec-b", b, "{\"meta\":\"b\"}");
        WorkerJournal.Entry eg = j.open("rec-gone", gone, "{\"meta\":\"gone\"}");
        List<String> expectA = new ArrayList<>(List.of("1:{\"meta\":\"a\"}"));
        List<String> expectB = new ArrayList<>(List.of("1:{\"meta\":\"b\"}"));
        for (int i = 0; i < 500; i++) {
            j.packet(ea, 1000 + i, 1, 2, packet("a", i));
            expectA.add((1000 + i) + "/1/2/a-" + i);
            j.packet(eb, 5000 + i, 0, 7, packet("b", i));
            expectB.add((5000 + i) + "/0/7/b-" + i);
            j.packet(eg, 9000 + i, 0, 1, packet("g", i));
            if (i == 250) {
                j.json(ea, Journal.CONTROL, "{\"control\":\"pause\"}");
                expectA.add("4:{\"control\":\"pause\"}");
            }
        }
        j.flush();
        assertNull(j.failure());
        assertEquals(1, segmentFiles().size(), "one file for the worker's recordings");
        // rec-gone finished before the crash: its directory moved to the spool
        Files.delete(gone);

        // kill -9 here: the next run splits what the segment holds
        WorkerJournal.migrateAll(segments, work, failed, AtRestKeys.none(), LATER_RUN);
        assertEquals(List.of(), segmentFiles(), "the segment is gone once split");
        assertEquals(expectA, recordsOf(a, AtRestKeys.none()));
        assertEquals(expectB, recordsOf(b, AtRestKeys.none()));
        assertTrue(Files.notExists(gone), "nothing is recreated for a finished recording");
        assertTrue(Files.notExists(failed));
    }

    @Test
    void aSegmentIsDeletedOnceEveryRecordingInItIsReleased() throws IOException {
        WorkerJournal j = journal(AtRestKeys.none());
        WorkerJournal.Entry ea = j.open("rec-a", recordingDir("rec-a"), "{}");
        WorkerJournal.Entry eb = j.open("rec-b", recordingDir("rec-b"), "{}");
        j.packet(ea, 1, 0, 0, packet("a", 1));
        j.packet(eb, 1, 0, 0, packet("b", 1));
        j.sync();
        j.release(ea);
        assertEquals(1, segmentFiles().size(), "rec-b still needs it");
        j.packet(ea, 2, 0, 0, packet("a", 2)); // released: ignored
        j.release(eb);
        assertEquals(List.of(), segmentFiles(), "nothing needs it any more");
        // the worker goes on with a new segment for the next recording
        WorkerJournal.Entry ec = j.open("rec-c", recordingDir("rec-c"), "{}");
        j.packet(ec, 3, 0, 0, packet("c", 3));
        j.flush();
        assertEquals(1, segmentFiles().size());
        j.close();
        assertEquals(1, segmentFiles().size(), "closing keeps what a running recording needs");
        WorkerJournal.migrateAll(segments, work, failed, AtRestKeys.none(), LATER_RUN);
        assertEquals(List.of("1:{}", "3/0/0/c-3"), recordsOf(work.resolve("rec-c"), AtRestKeys.none()));
    }

    @Test
    void aLongRecordingsRecordsMoveIntoItsDirectoryWhenTheirSegmentGetsOld() throws IOException {
        Path longCall = recordingDir("long");
        WorkerJournal j = journal(AtRestKeys.none());
        WorkerJournal.Entry e = j.open("long", longCall, "{\"meta\":1}");
        List<String> expect = new ArrayList<>(List.of("1:{\"meta\":1}"));
        int n = 0;
        // four minutes, a maintenance a second, as the worker does
        for (int second = 0; second < 240; second++) {
            for (int k = 0; k < 5; k++, n++) {
                j.packet(e, n, 0, 0, packet("p", n));
                expect.add(n + "/0/0/p-" + n);
            }
            j.sync();
            j.maintain();
            nanos += TimeUnit.SECONDS.toNanos(1);
        }
        j.flush();
        assertNull(j.failure());
        List<Path> migrated = Recorder.journalFiles(longCall);
        assertTrue(migrated.size() >= 3, "segments older than two minutes were copied out: " + migrated);
        List<Path> left = segmentFiles();
        assertTrue(left.size() <= 5, "only the last two minutes stay in segments: " + left);
        // a crash now: the rest is split out, and the whole recording reads back in order
        WorkerJournal.migrateAll(segments, work, failed, AtRestKeys.none(), LATER_RUN);
        assertEquals(expect, recordsOf(longCall, AtRestKeys.none()));
    }

    @Test
    void encryptedSegmentsHoldNoPlaintextAndSplitIntoEncryptedFiles() throws IOException {
        AtRestKeys keys = AtRestKeys.of(AtRestKey.random());
        Path a = recordingDir("rec-a");
        WorkerJournal j = journal(keys);
        WorkerJournal.Entry ea = j.open("rec-a", a, "{\"secret\":\"meta\"}");
        for (int i = 0; i < 100; i++) {
            j.packet(ea, i, 0, 0, packet("plaintext-media", i));
        }
        j.flush();
        Path segment = segmentFiles().get(0);
        byte[] stored = Files.readAllBytes(segment);
        assertTrue(AtRestFiles.isSealed(segment));
        assertEquals(-1, JournalTest.indexOf(stored, "plaintext-media".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(-1, JournalTest.indexOf(stored, "rec-a".getBytes(StandardCharsets.US_ASCII)),
                "not even the recording id");
        WorkerJournal.migrateAll(segments, work, failed, keys, LATER_RUN);
        Path split = Recorder.journalFiles(a).get(0);
        assertTrue(AtRestFiles.isSealed(split));
        assertEquals(101, recordsOf(a, keys).size());
    }

    @Test
    void aTornSegmentGivesEverythingBeforeTheTear() throws IOException {
        Path a = recordingDir("rec-a");
        WorkerJournal j = journal(AtRestKeys.none());
        WorkerJournal.Entry ea = j.open("rec-a", a, "{}");
        for (int i = 0; i < 100; i++) {
            j.packet(ea, i, 0, 0, packet("x", i));
        }
        j.flush();
        Path segment = segmentFiles().get(0);
        byte[] all = Files.readAllBytes(segment);
        Files.write(segment, Arrays.copyOf(all, all.length - 5)); // power loss in the middle of the last record
        WorkerJournal.migrateAll(segments, work, failed, AtRestKeys.none(), LATER_RUN);
        List<String> got = recordsOf(a, AtRestKeys.none());
        assertEquals(100, got.size(), "the metadata and 99 packets: " + got.size());
        assertEquals("98/0/0/x-98", got.get(got.size() - 1));
    }

    @Test
    void hostileOrForeignFilesInTheJournalDirectoryAreMovedAsideAndNeverEscapeTheWorkDirectory()
            throws IOException {
        Files.createDirectories(segments);
        Files.writeString(segments.resolve("notes.txt"), "not a segment");
        Files.write(segments.resolve("1600000000000-w000-000000001.crj"), new byte[] {'C', 'R', 'X', '9', 1, 2, 3});
        // a well-formed segment whose bind record names a path, not a recording id
        Path outside = Files.createDirectories(data.resolve("outside"));
        WorkerJournal j = new WorkerJournal(segments, RUN - 1, 3, AtRestKeys.none(), () -> nanos);
        WorkerJournal.Entry evil = j.open("../outside", outside, "{}");
        j.packet(evil, 1, 0, 0, packet("evil", 1));
        j.flush();
        WorkerJournal.migrateAll(segments, work, failed, AtRestKeys.none(), LATER_RUN);
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(0, s.count(), "nothing written outside the work directory");
        }
        try (Stream<Path> s = Files.list(failed)) {
            List<String> aside = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, aside.size(), aside.toString());
            assertTrue(aside.get(0).startsWith("journal-1600000000000-w000-000000001.crj-"), aside.toString());
            assertTrue(aside.get(1).startsWith("journal-notes.txt-"), aside.toString());
        }
        assertEquals(List.of(), segmentFiles());
    }

    @Test
    void theCurrentRunsSegmentsAreLeftAlone() throws IOException {
        Path a = recordingDir("rec-a");
        WorkerJournal j = journal(AtRestKeys.none());
        WorkerJournal.Entry ea = j.open("rec-a", a, "{}");
        j.packet(ea, 1, 0, 0, packet("a", 1));
        j.flush();
        WorkerJournal.migrateAll(segments, work, failed, AtRestKeys.none(), RUN);
        assertEquals(1, segmentFiles().size());
        assertEquals(List.of(), Recorder.journalFiles(a));
    }

    @Test
    void aFailedWriteIsReportedAndTheNextRecordsGoToANewSegment() throws IOException {
        Files.writeString(segments, "a file where the journal directory should be");
        WorkerJournal j = journal(AtRestKeys.none());
        WorkerJournal.Entry ea = j.open("rec-a", recordingDir("rec-a"), "{}");
        IOException failure = j.failure();
        assertNotNull(failure, "the segment could not be created");
        j.packet(ea, 1, 0, 0, packet("a", 1)); // dropped, no exception
        j.clearFailure();
        Files.delete(segments);
        WorkerJournal.Entry eb = j.open("rec-b", recordingDir("rec-b"), "{}");
        j.packet(eb, 2, 0, 0, packet("b", 2));
        j.flush();
        assertNull(j.failure());
        assertEquals(1, segmentFiles().size());
        WorkerJournal.migrateAll(segments, work, failed, AtRestKeys.none(), LATER_RUN);
        assertEquals(List.of("1:{}", "2/0/0/b-2"), recordsOf(work.resolve("rec-b"), AtRestKeys.none()));
        assertFalse(Files.exists(work.resolve("rec-a").resolve("journal.crj")));
    }
}
