package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.media.relay.Side;
import io.callrec.testing.media.Ffprobe;
import io.callrec.testing.media.Impairments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder on a real relay with real encoders' RTP: files, lip sync, keyframe requests. */
class RecorderIT {
    @TempDir
    Path data;

    private static RecordingSpec spec(String id, RecordingMode mode) {
        return new RecordingSpec(id, mode, Side.A, "sip:alice@example.com", "sip:bob@example.com", "call-a",
                "call-b", false, List.of());
    }

    @Test
    void lipSyncWithinTwentyMillisecondsInEveryFileDespiteJitterAndALateAudioStart() throws Exception {
        try (RecordingScenario call = new RecordingScenario(26000, 42);
             Recorder recorder = new Recorder(RecorderConfig.under(data), new RecordingListener() { })) {
            MediaFork fork = recorder.fork(call.session);
            RecordingSession rec = recorder.start(fork, spec("lipsync", RecordingMode.BOTH),
                    RecordingScenario.formats());
            call.standardCall(Impairments.NONE.withJitterMillis(40));
            call.player.play();
            Thread.sleep(400);
            FinishedRecording done = rec.stop().get(30, TimeUnit.SECONDS);
            Path dir = done.directory();
            assertEquals("complete", done.state());

            Ffprobe requester = Ffprobe.probe(dir.resolve("requester.mkv"));
            Ffprobe peer = Ffprobe.probe(dir.resolve("peer.mkv"));
            Ffprobe combined = Ffprobe.probe(dir.resolve("combined.mkv"));
            assertEquals(2, requester.streamCount());
            assertEquals(2, peer.streamCount());
            assertEquals(4, combined.streamCount());
            for (Path f : List.of(dir.resolve("requester.mkv"), dir.resolve("peer.mkv"),
                    dir.resolve("combined.mkv"))) {
                assertEquals("", Ffprobe.decodeErrors(f), f + " decodes cleanly");
            }
            assertEquals(320, requester.streamInt(RecordingScenario.kindIndexAbs(requester, "video"), "width"));

            StringBuilder report = new StringBuilder();
            double worst = RecordingScenario.worstLipSyncMillis(dir, report);
            System.out.println("lip sync (beep - flash):\n" + report);
            assertTrue(worst <= 20, "worst A/V offset " + worst + " ms > 20 ms:\n" + report);

            JsonNode manifest = Manifest.JSON.readTree(dir.resolve("manifest.json").toFile());
            assertEquals(4, manifest.get("tracks").size());
            assertEquals(3, manifest.get("files").size());
            for (JsonNode source : manifest.get("sources")) {
                assertEquals("rtcp-sr", source.get("sync").asText(), "synced by Sender Reports: " + source);
            }
            assertEquals(List.of(), Recorder.journalFiles(dir), "no journal once the files are done");
        }
        try (java.util.stream.Stream<Path> segments = Files.list(data.resolve("journal"))) {
            assertEquals(List.of(), segments.toList(), "the worker's journal segments are gone once nothing needs them");
        }
    }

    @Test
    void aRecordingStartedMidCallAsksForAKeyframeAndStartsWithIt() throws Exception {
        try (RecordingScenario call = new RecordingScenario(26200, 7);
             Recorder recorder = new Recorder(RecorderConfig.under(data), new RecordingListener() { })) {
            MediaFork fork = recorder.fork(call.session);
            call.standardCall(Impairments.NONE);
            var playing = call.player.start();
            Thread.sleep(1700);
            RecordingSession rec = recorder.start(fork, spec("midcall", RecordingMode.PEER),
                    RecordingScenario.formats());
            playing.get(30, TimeUnit.SECONDS);
            Thread.sleep(300);
            Path dir = rec.stop().get(30, TimeUnit.SECONDS).directory();

            assertTrue(call.streams.get(2).receivedRtcp().stream().anyMatch(RecordingScenario::isPli),
                    "the peer's video sender got a PLI");
            assertTrue(call.streams.get(0).receivedRtcp().stream().noneMatch(RecordingScenario::isPli),
                    "mode peer: the requester's video is not recorded, so not asked");
            List<Ffprobe.Packet> packets = Ffprobe.packets(dir.resolve("peer.mkv"));
            Ffprobe.Packet firstVideo = packets.stream().filter(p -> p.stream() == RecordingScenario
                    .kindIndexAbs(Ffprobe.probe(dir.resolve("peer.mkv")), "video")).findFirst().orElseThrow();
            assertTrue(firstVideo.keyframe(), "the file's video starts with a keyframe");
            assertTrue(firstVideo.ptsSeconds() < 1.2, "a picture within ~1 s: " + firstVideo.ptsSeconds());
            assertEquals("", Ffprobe.decodeErrors(dir.resolve("peer.mkv")));
            assertTrue(Files.notExists(dir.resolve("requester.mkv")));
        }
    }
}
