package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.media.relay.Side;
import io.callrec.testing.Tmpfs;
import io.callrec.testing.media.Ffprobe;
import io.callrec.testing.media.Impairments;
import io.callrec.testing.media.PlayReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The recorder's data directory on a 2 MiB tmpfs ({@link Tmpfs}: needs root, fails rather than skips without) that
 * fills up in mid-recording.
 */
class RecorderDiskFullIT {
    private static final long TMPFS_BYTES = 2L << 20;
    /** Left free at the start: the journal and the three files fill it a few seconds into the call. */
    private static final long LEFT_FREE = 320L << 10;
    private static final List<String> FILES = List.of("requester.mkv", "peer.mkv", "combined.mkv");

    /** The recorder's errors, with how many packets the relay had forwarded and the wall time at the first one. */
    private static final class Errors implements RecordingListener {
        final List<String> codes = new CopyOnWriteArrayList<>();
        volatile LongSupplier relayed = () -> -1;
        volatile long relayedAtError = -1;
        volatile long atMillis;

        @Override
        public void onError(String recordingId, String code, String message) {
            if (codes.isEmpty()) {
                relayedAtError = relayed.getAsLong();
                atMillis = System.currentTimeMillis();
            }
            codes.add(recordingId + " " + code);
        }
    }

    private static RecordingSpec spec(String id) {
        return new RecordingSpec(id, RecordingMode.BOTH, Side.A, "sip:alice@example.com", "sip:bob@example.com",
                "call-a", "call-b", false, List.of());
    }

    @Test
    void aDiskFillingUpEndsTheRecordingWithDiskFullKeepsWhatWasWrittenPlayableAndTheCallGoesOn() throws Exception {
        try (Tmpfs tmpfs = Tmpfs.mount(Path.of("target", "disk-full-tmpfs"), TMPFS_BYTES)) {
            Path data = tmpfs.path().resolve("data");
            Path filler = tmpfs.path().resolve("filler");
            tmpfs.fill(filler, LEFT_FREE);
            RecordingScenario.captures(); // encode the media before the disk is measured
            Errors errors = new Errors();
            try (Recorder recorder = new Recorder(RecorderConfig.under(data), errors)) {
                recordUntilTheDiskIsFull(recorder, data, errors);
                Files.delete(filler);
                recordWithSpace(recorder);
            }
        }
    }

    private static void recordUntilTheDiskIsFull(Recorder recorder, Path data, Errors errors) throws Exception {
        try (RecordingScenario call = new RecordingScenario(28000, 31)) {
            long free = Files.getFileStore(data).getUsableSpace();
            errors.relayed = () -> call.relay.totals().packets();
            RecordingSession rec = recorder.start(recorder.fork(call.session), spec("full"),
                    RecordingScenario.formats());
            call.standardCall(Impairments.NONE);
            CompletableFuture<PlayReport> playing = call.player.start();
            PlayReport report = playing.get(30, TimeUnit.SECONDS);
            FinishedRecording done = rec.stop().get(30, TimeUnit.SECONDS);
            long relayed = call.relay.totals().packets();
            long sent = report.streams().stream().mapToLong(PlayReport.StreamReport::datagramsSent).sum();

            JsonNode manifest = Manifest.JSON.readTree(done.manifest().toFile());
            long startedMillis = Instant.parse(manifest.get("startedAt").asText()).toEpochMilli();
            double errorAt = (errors.atMillis - startedMillis) / 1000.0;
            StringBuilder figures = new StringBuilder(String.format(Locale.ROOT, "%d KiB free at the start; "
                            + "errors %s at %.3f s; the relay had forwarded %d packets then, %d at the end (%d RTP "
                            + "datagrams sent); recording %s: %s%n", free >> 10, errors.codes, errorAt,
                    errors.relayedAtError, relayed, sent, done.state(), manifest.path("interruption").asText()));
            try {
                assertEquals(List.of("full disk-full"), errors.codes, "one disk-full error, nothing else");
                assertTrue(relayed > errors.relayedAtError + 50, "the relay kept forwarding after the error");
                assertTrue(relayed >= sent, "every RTP packet of the call was forwarded (and RTCP)");
                assertEquals("interrupted", done.state());
                assertTrue(manifest.get("interruption").asText().startsWith("disk-full"), manifest.toString());
                assertTrue(done.directory().startsWith(data.resolve("spool")), "delivered: " + done.directory());
                for (String name : FILES) {
                    Path file = done.directory().resolve(name);
                    Ffprobe probe = Ffprobe.probe(file);
                    // A file that could not be closed for lack of room is cut back to its last whole cluster: no
                    // Duration then (a live file), but every frame up to there.
                    String closed = "N/A".equals(probe.format("duration")) ? "cut back, live" : "closed";
                    double end = Ffprobe.packets(file).stream().mapToDouble(Ffprobe.Packet::ptsSeconds).max()
                            .orElse(0);
                    figures.append(String.format(Locale.ROOT, "  %s: %d bytes, %d streams, last frame at %.3f s, "
                            + "%s%n", name, Files.size(file), probe.streamCount(), end, closed));
                    assertEquals("", Ffprobe.decodeErrors(file), name + " decodes cleanly");
                    assertTrue(end > 0.5, name + " holds what came before the disk filled: " + end);
                    assertTrue(end < errorAt + 0.6, name + " ends where recording stopped: " + end);
                }
            } finally {
                System.out.print(figures);
            }
        }
    }

    /** With space again, the same recorder records the next call completely. */
    private static void recordWithSpace(Recorder recorder) throws Exception {
        try (RecordingScenario call = new RecordingScenario(28200, 32)) {
            RecordingSession rec = recorder.start(recorder.fork(call.session), spec("after"),
                    RecordingScenario.formats());
            call.standardCall(Impairments.NONE);
            call.player.play();
            Thread.sleep(300);
            FinishedRecording done = rec.stop().get(30, TimeUnit.SECONDS);
            assertEquals("complete", done.state());
            for (String name : FILES) {
                assertEquals("", Ffprobe.decodeErrors(done.directory().resolve(name)), name);
            }
        }
    }
}
