package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.media.codec.Codec;
import io.callrec.media.relay.Side;
import io.callrec.testing.media.Ffprobe;
import io.callrec.testing.media.Impairments;
import io.callrec.testing.media.PlayReport;
import io.callrec.testing.media.PlayReport.StreamReport;
import io.callrec.testing.media.RtpPlayer;
import io.callrec.testing.media.StreamPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standard call (H.264 + PCMA from the requester, VP8 + Opus from the peer) through a real relay under network
 * impairments and sender changes. Every file must still play through: each track where and as long as what was sent
 * (±0.3 s), audio decoding cleanly, video decoding cleanly unless video packets were really lost; and the manifest's
 * per-source counts must be what the player did (loss a receiver can see, duplicates), with nothing overflowing.
 */
class RecorderImpairmentsIT {
    private static final int PORT_BASE = 26600;
    private static final double TOLERANCE_SECONDS = 0.3;
    private static final List<String> FILES = List.of("requester.mkv", "peer.mkv", "combined.mkv");

    @TempDir
    Path data;

    /** One of the standard call's streams: who sends it on which m-line, and its video codec (null for audio). */
    private record Sent(String name, Party party, int stream, String kind, Codec videoCodec) {
        /** Is this manifest entry (a track or a source) of this stream's party? */
        boolean sentBy(JsonNode entry) {
            return entry.get("party").asText().equals(party.wireName());
        }
    }

    private static final List<Sent> STREAMS = List.of(
            new Sent("requester-video", Party.REQUESTER, 1, "video", Codec.H264),
            new Sent("requester-audio", Party.REQUESTER, 0, "audio", null),
            new Sent("peer-video", Party.PEER, 1, "video", Codec.VP8),
            new Sent("peer-audio", Party.PEER, 0, "audio", null));

    /** A finished recording of the standard call and what the player did. */
    private record Call(Path dir, JsonNode manifest, PlayReport report, List<RtpPlayer.Stream> streams) {
        Path file(String name) {
            return dir.resolve(name);
        }

        List<byte[]> planned(String stream) {
            return streams.stream().filter(s -> s.plan().name().equals(stream)).findFirst().orElseThrow().plan()
                    .packets();
        }

        List<JsonNode> sources(Sent s) {
            return select("sources", j -> s.sentBy(j) && j.get("stream").asInt() == s.stream());
        }

        List<JsonNode> tracks(Sent s) {
            return select("tracks", j -> s.sentBy(j) && j.get("kind").asText().equals(s.kind()));
        }

        private List<JsonNode> select(String array, Predicate<JsonNode> which) {
            List<JsonNode> out = new ArrayList<>();
            manifest.get(array).forEach(j -> {
                if (which.test(j)) {
                    out.add(j);
                }
            });
            return out;
        }
    }

    @Test
    void fivePercentRandomLoss() throws Exception {
        check(recordImpaired("loss", 51, Impairments.NONE.withLossPercent(5), StreamReport::lostOnPurpose,
                "lost packets"));
    }

    @Test
    void twoPercentReordering() throws Exception {
        check(recordImpaired("reorder", 52, Impairments.NONE.withReorderPercent(2), StreamReport::reordered,
                "was reordered"));
    }

    @Test
    void duplicatedPackets() throws Exception {
        check(recordImpaired("duplicates", 53, Impairments.NONE.withDuplicatePercent(5), StreamReport::duplicated,
                "sent duplicates"));
    }

    @Test
    void aTwoHundredMillisecondOutage() throws Exception {
        check(recordImpaired("outage", 54, Impairments.NONE.withOutage(1500, 200), StreamReport::droppedInOutage,
                "went through the outage"));
    }

    @Test
    void everySenderChangesItsSsrcInMidCall() throws Exception {
        Call call = record("ssrc", 55, plan -> plan.withSsrcChangeAtMillis(2000), RecordingScenario.formats());
        check(call);
        for (Sent s : STREAMS) {
            assertEquals(2, call.sources(s).size(), s.name() + ": a source per SSRC");
            assertEquals(1, call.tracks(s).size(), s.name() + ": the same format continues the same track");
            assertEquals(2, call.tracks(s).get(0).get("ssrcs").size(), s.name() + ": the track lists both SSRCs");
        }
        assertEquals(0, call.manifest().get("codecChanges").size());
    }

    @Test
    void thePeersAudioSwitchesFromPcmaToPcmuInMidCall() throws Exception {
        MediaFormats formats = RecordingScenario.formats(Map.of(
                8, new PayloadFormat(8, "PCMA", 8000, 1, Map.of()),
                0, new PayloadFormat(0, "PCMU", 8000, 1, Map.of())));
        StreamPlan switching = StreamPlan.of("peer-audio", RecordingScenario.switched("pcma", "pcmu", 2000, 8000),
                8000).withStartOffsetMillis(300).withPayloadTypeChange(2000, 0);
        Call call = record("codec-change", 56, plan -> plan.name().equals("peer-audio") ? switching : plan, formats);
        Sent peerAudio = STREAMS.get(3);
        List<JsonNode> tracks = call.tracks(peerAudio);
        assertEquals(List.of("PCMA", "PCMU"), tracks.stream().map(t -> t.get("codec").asText()).toList(),
                "two tracks of the peer's audio: " + tracks);
        assertEquals(5, call.manifest().get("tracks").size());
        JsonNode changes = call.manifest().get("codecChanges");
        assertEquals(1, changes.size(), "codec changes: " + changes);
        JsonNode change = changes.get(0);
        assertEquals("peer", change.get("party").asText());
        assertEquals(0, change.get("stream").asInt());
        double switchedAt = SentMedia.span(call.report().stream("peer-audio"),
                SentMedia.startedAtMicros(call.manifest()), p -> p.payloadType() == 0).from();
        System.out.printf(Locale.ROOT, "codec change at %.1f ms (the first PCMU packet belongs at %.1f ms): %s%n",
                change.get("atMs").asDouble(), switchedAt * 1000, change);
        assertEquals(switchedAt * 1000, change.get("atMs").asDouble(), TOLERANCE_SECONDS * 1000);
        assertEquals(3, Ffprobe.probe(call.file("peer.mkv")).streamCount());
        assertEquals(5, Ffprobe.probe(call.file("combined.mkv")).streamCount());
        check(call);
    }

    /** Records the standard call with every stream impaired, and checks that the impairment hit every stream. */
    private Call recordImpaired(String id, long seed, Impairments network, ToIntFunction<StreamReport> effect,
                                String what) throws Exception {
        Call call = record(id, seed, plan -> plan.with(network), RecordingScenario.formats());
        for (Sent s : STREAMS) {
            assertTrue(effect.applyAsInt(call.report().stream(s.name())) > 0, s.name() + " " + what);
        }
        return call;
    }

    /** Records the standard call, each stream's plan passed through {@code adjust}, in mode both. */
    private Call record(String id, long seed, UnaryOperator<StreamPlan> adjust, MediaFormats formats)
            throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        try (RecordingScenario scenario = new RecordingScenario(PORT_BASE, seed);
             Recorder recorder = new Recorder(RecorderConfig.under(data), new RecordingListener() {
                 @Override
                 public void onError(String recordingId, String code, String message) {
                     errors.add(code + ": " + message);
                 }
             })) {
            RecordingSession rec = recorder.start(recorder.fork(scenario.session), new RecordingSpec(id,
                    RecordingMode.BOTH, Side.A, "sip:alice@example.com", "sip:bob@example.com", "call-a", "call-b",
                    false, List.of()), formats);
            scenario.standardCall(adjust);
            PlayReport report = scenario.player.play();
            Thread.sleep(400);
            FinishedRecording done = rec.stop().get(30, TimeUnit.SECONDS);
            assertEquals("complete", done.state());
            assertEquals(List.of(), errors, "no recording errors");
            JsonNode manifest = Manifest.JSON.readTree(done.directory().resolve("manifest.json").toFile());
            return new Call(done.directory(), manifest, report, List.copyOf(scenario.streams));
        }
    }

    /** What every impaired call must satisfy; prints the figures. */
    private static void check(Call call) {
        JsonNode manifest = call.manifest();
        assertEquals(0, manifest.get("overflowPackets").asLong(), "overflow");
        assertEquals(0, manifest.get("malformedPackets").asLong(), "malformed");
        long start = SentMedia.startedAtMicros(manifest);
        StringBuilder figures = new StringBuilder(manifest.get("recordingId").asText()).append(":\n");
        try {
            checkStreamsAndFiles(call, start, figures);
        } finally {
            System.out.print(figures);
        }
    }

    private static void checkStreamsAndFiles(Call call, long start, StringBuilder figures) {
        boolean videoLost = false;
        Map<String, Double> lastFrames = new HashMap<>(); // per file: where its last frame should be
        for (Sent s : STREAMS) {
            StreamReport sent = call.report().stream(s.name());
            long lost = SentMedia.detectableLoss(sent);
            videoLost |= s.videoCodec() != null && lost > 0;
            long recordedLost = call.sources(s).stream().mapToLong(j -> j.get("lost").asLong()).sum();
            long recordedDuplicates = call.sources(s).stream().mapToLong(j -> j.get("duplicates").asLong()).sum();
            long recordedPackets = call.sources(s).stream().mapToLong(j -> j.get("packets").asLong()).sum();
            long late = call.sources(s).stream().mapToLong(j -> j.get("late").asLong()).sum();
            figures.append(String.format(Locale.ROOT, "  %-15s sent %3d datagrams: not sent %d (%d in outage), "
                            + "loss visible %d, duplicated %d, reordered %d | manifest: packets %d, lost %d, "
                            + "duplicates %d, late %d%n", s.name(), sent.datagramsSent(),
                    sent.lostOnPurpose() + sent.droppedInOutage(), sent.droppedInOutage(), lost, sent.duplicated(),
                    sent.reordered(), recordedPackets, recordedLost, recordedDuplicates, late));
            assertEquals(sent.datagramsSent(), recordedPackets, s.name() + ": packets");
            assertEquals(lost, recordedLost, s.name() + ": lost");
            assertEquals(sent.duplicated(), recordedDuplicates, s.name() + ": duplicates");
            assertEquals(0, late, s.name() + ": late");
            if (lost == 0) {
                long framesSent = sent.sent().stream().mapToLong(PlayReport.SentPacket::timestamp).distinct().count();
                long framesSeen = call.tracks(s).stream()
                        .mapToLong(t -> t.get("frames").asLong() + t.get("framesBeforeKeyframe").asLong()).sum();
                if (s.videoCodec() == Codec.VP8) {
                    // VP8's depacketizer itself drops what comes before a keyframe (a new SSRC between keyframes).
                    assertTrue(framesSeen <= framesSent, s.name() + ": " + framesSeen + " of " + framesSent);
                } else {
                    assertEquals(framesSent, framesSeen, s.name() + ": every frame sent is written or counted");
                }
            }
            for (JsonNode track : call.tracks(s)) {
                int payloadType = track.get("payloadType").asInt();
                SentMedia.Span expected = s.videoCodec() != null
                        ? SentMedia.videoSpan(sent, call.planned(s.name()), s.videoCodec(), start)
                        : SentMedia.span(sent, start, p -> p.payloadType() == payloadType);
                String title = s.party().wireName() + " " + s.kind() + " (" + track.get("codec").asText() + ")";
                for (JsonNode fileName : track.get("files")) {
                    Path file = call.file(fileName.asText());
                    List<Integer> indices = RecordingScenario.streamsTitled(Ffprobe.probe(file), title);
                    assertEquals(1, indices.size(), title + " in " + file);
                    SentMedia.Span span = RecordingScenario.fileSpan(file, indices.get(0));
                    figures.append(String.format(Locale.ROOT, "    %-26s in %-13s expected %s (%.3f s), file %s "
                            + "(%.3f s), %d frames (%d dropped before a keyframe)%n", title, fileName.asText(),
                            expected, expected.length(), span, span.length(), track.get("frames").asLong(),
                            track.get("framesBeforeKeyframe").asLong()));
                    assertEquals(expected.from(), span.from(), TOLERANCE_SECONDS, title + " starts in " + file);
                    assertEquals(expected.to(), span.to(), TOLERANCE_SECONDS, title + " ends in " + file);
                    assertEquals(expected.length(), span.length(), TOLERANCE_SECONDS, title + " lasts in " + file);
                    lastFrames.merge(fileName.asText(), expected.to(), Math::max);
                }
            }
        }
        for (String name : FILES) {
            Path file = call.file(name);
            assertEquals("", Ffprobe.decodeErrors(file, "0:a"), "audio of " + name + " decodes cleanly");
            String video = Ffprobe.decodeErrors(file, "0:v");
            assertTrue(video.isEmpty() || videoLost, "video of " + name + " decodes cleanly: " + video);
            double duration = Double.parseDouble(Ffprobe.probe(file).format("duration"));
            figures.append(String.format(Locale.ROOT, "  %s: duration %.3f s, last frame expected at %.3f s%n",
                    name, duration, lastFrames.get(name)));
            if (videoLost) {
                // What ffmpeg says about the damaged pictures it conceals (errors fail the test only without loss).
                String warnings = Ffprobe.decodeMessages(file, "0:v", "warning").strip();
                figures.append("    ffmpeg -v warning on its video: ")
                        .append(warnings.isEmpty() ? "nothing" : warnings.replace("\n", "\n      ")).append('\n');
            }
            assertEquals(lastFrames.get(name), duration, TOLERANCE_SECONDS, name + " duration");
        }
    }
}
