package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.relay.Side;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecorderRecoveryTest {
    @TempDir
    Path data;

    @Test
    void aDamagedJournalIsMovedAsideAndStartUpGoesOn() throws Exception {
        Path bad = data.resolve("recording").resolve("garbage-1");
        Files.createDirectories(bad);
        Files.write(bad.resolve("journal.crj"), new byte[] {'C', 'R', 'J', '1', 0, 0, 0, 9, 1, 2});
        Path empty = data.resolve("recording").resolve("empty-1");
        Files.createDirectories(empty);
        List<String> errors = new ArrayList<>();
        List<FinishedRecording> out;
        try (Recorder recorder = new Recorder(RecorderConfig.under(data), new RecordingListener() {
            @Override
            public void onError(String id, String code, String message) {
                errors.add(id);
            }
        })) {
            out = recorder.recover();
        }
        assertTrue(out.isEmpty());
        assertTrue(Files.notExists(bad) && Files.notExists(empty));
        try (var failed = Files.list(data.resolve("failed"))) {
            assertEquals(2, failed.count());
        }
    }

    @Test
    void aTornJournalStillGivesTheMediaBeforeTheTear() throws Exception {
        Path dir = data.resolve("recording").resolve("torn-1");
        Files.createDirectories(dir);
        long t0 = 1_700_000_000_000_000L;
        RecordingSpec spec = new RecordingSpec("torn-1", RecordingMode.PEER, Side.A, "a", "b", "ca", "cb", false,
                List.of());
        RecordingPipelineTest.makeMedia(data);
        try (Journal.Writer w = new Journal.Writer(dir.resolve("journal.crj"))) {
            w.json(Journal.META, Manifest.JSON.writeValueAsString(
                    new Recorder.JournalMeta(spec, RecordingPipelineTest.audioFormats(), t0)));
            for (int i = 0; i < 100; i++) {
                ByteBuffer p = RecordingPipelineTest.pcma(i, i * 160L, 5, i);
                w.packet(t0 + i * 20_000L, PacketRing.FLAG_SIDE_B, 0, p);
            }
        }
        byte[] all = Files.readAllBytes(dir.resolve("journal.crj"));
        Files.write(dir.resolve("journal.crj"), java.util.Arrays.copyOf(all, all.length - 50));
        List<FinishedRecording> out;
        try (Recorder recorder = new Recorder(RecorderConfig.under(data), new RecordingListener() { })) {
            out = recorder.recover();
        }
        assertEquals(1, out.size());
        assertEquals("interrupted", out.get(0).state());
        var probe = io.callrec.testing.media.Ffprobe.probe(out.get(0).directory().resolve("peer.mkv"));
        assertEquals(99, probe.streamInt(0, "nb_read_packets"), "all but the torn last packet");
    }

    /** A journal as a recording of {@code packets} PCMA packets from the peer would leave it. */
    static byte[] journal(Path work, String id, int packets) throws Exception {
        RecordingPipelineTest.makeMedia(work);
        Path file = Files.createTempFile(work, id, ".crj");
        long t0 = 1_700_000_000_000_000L;
        RecordingSpec spec = new RecordingSpec(id, RecordingMode.PEER, Side.A, "a", "b", "ca", "cb", false,
                List.of());
        try (Journal.Writer w = new Journal.Writer(file)) {
            w.json(Journal.META, Manifest.JSON.writeValueAsString(
                    new Recorder.JournalMeta(spec, RecordingPipelineTest.audioFormats(), t0)));
            for (int i = 0; i < packets; i++) {
                w.packet(t0 + i * 20_000L, PacketRing.FLAG_SIDE_B, 0, RecordingPipelineTest.pcma(i, i * 160L, 5, i));
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Captures what the recorder logs at ERROR level. */
    private static final class ErrorLog implements AutoCloseable {
        private final ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Recorder.class);
        private final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();

        ErrorLog() {
            appender.start();
            logger.addAppender(appender);
        }

        List<String> lines() {
            return appender.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR)
                    .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void everyKindOfBrokenJournalIsReportedOnceAndMovedAsideWhileTheOthersRecover() throws Exception {
        Path work = data.resolve("recording");
        Files.createDirectories(work);
        byte[] good = journal(data, "good-1", 100);
        java.util.Random random = new java.util.Random(7);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        java.util.Map<String, String> broken = new java.util.LinkedHashMap<>(); // id -> what the log must say
        java.util.function.BiConsumer<String, byte[]> withJournal = (id, bytes) -> {
            try {
                Files.createDirectories(work.resolve(id));
                Files.write(work.resolve(id).resolve("journal.crj"), bytes);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        withJournal.accept("good-1", good);
        withJournal.accept("garbage-after-media", concat(journal(data, "garbage-after-media", 50), noise));
        withJournal.accept("cut-in-meta", java.util.Arrays.copyOf(good, 40));
        broken.put("cut-in-meta", "no readable metadata: torn record at byte 4");
        withJournal.accept("random-bytes", noise);
        broken.put("random-bytes", "not a callrec journal (bad magic)");
        withJournal.accept("zero-length", new byte[0]);
        broken.put("zero-length", "not a callrec journal (bad magic)");
        withJournal.accept("magic-then-garbage", concat(Journal.MAGIC, noise));
        broken.put("magic-then-garbage", "no readable metadata: bad record length");
        byte[] body = "\u0001{\"spec\":".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body);
        withJournal.accept("bad-json", java.nio.ByteBuffer.allocate(4 + 4 + body.length + 4).put(Journal.MAGIC)
                .putInt(body.length).put(body).putInt((int) crc.getValue()).array());
        broken.put("bad-json", "JsonEOFException");
        Files.createDirectories(work.resolve("journal-is-a-directory").resolve("journal.crj"));
        broken.put("journal-is-a-directory", "journal.crj is a directory, not a journal");
        Files.createDirectories(work.resolve("journal-is-a-pipe"));
        io.callrec.testing.ExternalCommand.run(java.time.Duration.ofSeconds(10), "mkfifo",
                work.resolve("journal-is-a-pipe").resolve("journal.crj").toString()).requireSuccess();
        broken.put("journal-is-a-pipe", "journal.crj is a special file (pipe, socket or device), not a journal");
        Files.createDirectories(work.resolve("dangling-link"));
        Files.createSymbolicLink(work.resolve("dangling-link").resolve("journal.crj"), data.resolve("gone.crj"));
        broken.put("dangling-link", "journal.crj is a symbolic link, not a journal");
        Files.createDirectories(work.resolve("no-journal"));
        broken.put("no-journal", "no journal");
        Files.write(work.resolve("stray-file"), noise);
        broken.put("stray-file", "not a recording directory but a file");

        List<FinishedRecording> out;
        List<String> errors;
        try (ErrorLog log = new ErrorLog();
             Recorder recorder = new Recorder(RecorderConfig.under(data), new RecordingListener() { })) {
            out = recorder.recover();
            errors = log.lines();
        }
        assertEquals(java.util.Set.of("good-1", "garbage-after-media"),
                out.stream().map(FinishedRecording::recordingId).collect(java.util.stream.Collectors.toSet()));
        FinishedRecording partial = out.stream().filter(f -> f.recordingId().equals("garbage-after-media"))
                .findFirst().orElseThrow();
        assertEquals(50, io.callrec.testing.media.Ffprobe.probe(partial.directory().resolve("peer.mkv"))
                .streamInt(0, "nb_read_packets"), "the media before the garbage");
        assertEquals(broken.size(), errors.size(), "one line per broken recording: " + errors);
        for (java.util.Map.Entry<String, String> b : broken.entrySet()) {
            String prefix = "recording " + b.getKey() + " cannot be recovered: ";
            List<String> lines = errors.stream().filter(l -> l.startsWith(prefix)).toList();
            assertEquals(1, lines.size(), b.getKey() + " in " + errors);
            assertTrue(lines.get(0).contains(b.getValue()) && lines.get(0).contains("; moved to "
                    + data.resolve("failed").resolve(b.getKey() + "-")), lines.get(0));
        }
        try (var left = Files.list(work)) {
            assertEquals(List.of(), left.toList(), "nothing is left behind in the work directory");
        }
        try (var failed = Files.list(data.resolve("failed"))) {
            assertEquals(broken.size(), failed.count());
        }
    }
}
