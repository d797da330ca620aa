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
}
