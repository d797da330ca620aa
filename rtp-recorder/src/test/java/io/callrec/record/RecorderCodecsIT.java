package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.media.codec.Codec;
import io.callrec.media.relay.RelayStream;
import io.callrec.media.relay.Side;
import io.callrec.sdp.MediaDescription;
import io.callrec.sdp.SessionDescription;
import io.callrec.testing.media.FfmpegRtp;
import io.callrec.testing.media.Ffprobe;
import io.callrec.testing.media.PlayReport;
import io.callrec.testing.media.RtpPlayer;
import io.callrec.testing.media.StreamPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One recording per codec through a real relay, from ffmpeg-made RTP described by ffmpeg's own SDP: the peer's file
 * must hold one track of that codec, placed and as long as what was sent, decoding without a single error and
 * readable by mkvinfo, and the manifest must name the codec and count exactly the packets the player sent.
 */
class RecorderCodecsIT {
    private static final Path WORK = RecordingScenario.WORK.resolve("codecs");
    private static final int PORT_BASE = 26400;
    private static final int SECONDS = 3;
    private static final double TOLERANCE_SECONDS = 0.3;
    private static final int NAL_SPS = 7;
    private static final int NAL_PPS = 8;
    private static final List<String> VIDEO = List.of("-f", "lavfi", "-i",
            "testsrc=size=320x240:rate=15:duration=" + SECONDS);
    private static final List<String> H264 = List.of("-c:v", "libx264", "-preset", "veryfast", "-tune",
            "zerolatency", "-profile:v", "baseline", "-pix_fmt", "yuv420p", "-g", "15", "-payload_type", "96",
            "-pkt_size", "1200");

    @TempDir
    Path data;

    /**
     * One codec: how ffmpeg sends it, and what the recording must then say.
     *
     * @param encoding     the manifest's {@code codec}: the SDP's encoding name
     * @param storedAs     the manifest's {@code storedAs}
     * @param ffprobeCodec ffprobe's {@code codec_name} of the stored track
     * @param sampleRate   the stored track's sample rate; 0 for video
     * @param channels     the stored track's channels; 0 for video
     */
    record Case(String name, Codec codec, List<String> input, List<String> encode, String encoding, String storedAs,
                String ffprobeCodec, int sampleRate, int channels) {
        boolean video() {
            return codec.kind() == Codec.Kind.VIDEO;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** What one recording of one case gave. */
    private record Recorded(Case c, Path file, Ffprobe probe, JsonNode manifest, PlayReport.StreamReport sent,
                            SentMedia.Span expected, SentMedia.Span span, PayloadFormat format) {
    }

    static List<Case> cases() {
        return List.of(
                new Case("h264", Codec.H264, VIDEO, H264, "H264", "h264", "h264", 0, 0),
                new Case("vp8", Codec.VP8, VIDEO, List.of("-c:v", "libvpx", "-deadline", "realtime", "-b:v", "300k",
                        "-g", "15", "-payload_type", "97", "-pkt_size", "1200"), "VP8", "vp8", "vp8", 0, 0),
                new Case("opus", Codec.OPUS, tone(48000), List.of("-c:a", "libopus", "-b:a", "32k", "-payload_type",
                        "111"), "opus", "opus", "opus", 48000, 2),
                new Case("pcma", Codec.PCMA, tone(8000), List.of("-c:a", "pcm_alaw", "-payload_type", "8"), "PCMA",
                        "pcm_alaw", "pcm_alaw", 8000, 1),
                new Case("pcmu", Codec.PCMU, tone(8000), List.of("-c:a", "pcm_mulaw", "-payload_type", "0"), "PCMU",
                        "pcm_mulaw", "pcm_mulaw", 8000, 1),
                new Case("g722", Codec.G722, tone(16000), List.of("-c:a", "g722", "-payload_type", "9"), "G722",
                        "g722", "adpcm_g722", 16000, 1));
    }

    /** A 440 Hz tone in 20 ms blocks, as RTP audio is sent. */
    private static List<String> tone(int sampleRate) {
        return List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=" + sampleRate + ":samples_per_frame="
                + sampleRate / 50 + ":duration=" + SECONDS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachCodecGivesOneTrackAsLongAsWhatWasSentThatDecodesCleanly(Case c) throws Exception {
        Recorded r = record(c, FfmpegRtp.send(WORK, c.input(), c.encode()));
        check(r);
    }

    @Test
    void h264WhoseParameterSetsComeOnlyFromTheSdpsSpropParameterSets() throws Exception {
        List<String> encode = new ArrayList<>(H264);
        // A global header: x264 puts SPS/PPS into the extradata (ffmpeg's SDP) instead of before each keyframe.
        encode.addAll(List.of("-flags", "+global_header"));
        Case c = new Case("h264-sprop-only", Codec.H264, VIDEO, encode, "H264", "h264", "h264", 0, 0);
        FfmpegRtp.Capture capture = FfmpegRtp.send(WORK, c.input(), c.encode());
        long inBand = capture.rtp().stream()
                .filter(p -> (SentMedia.h264NalTypes(p.datagram()) & (1 << NAL_SPS | 1 << NAL_PPS)) != 0).count();
        assertEquals(0, inBand, "ffmpeg sent no SPS/PPS in the stream");

        Recorded r = record(c, capture);
        assertTrue(r.format().fmtp().containsKey("sprop-parameter-sets"), "ffmpeg's SDP: " + capture.sdp());
        check(r);
    }

    /** Plays the capture from the peer's side through the relay into a mode-peer recording. */
    private Recorded record(Case c, FfmpegRtp.Capture capture) throws Exception {
        assertEquals(0, capture.sequenceGaps(), "ffmpeg's RTP captured without loss");
        MediaDescription offer = SessionDescription.parse(capture.sdp()).media().get(0);
        Map<Integer, PayloadFormat> offered = MediaFormats.payloads(offer);
        PayloadFormat format = offered.get(capture.rtp().get(0).payloadType());
        List<String> errors = new CopyOnWriteArrayList<>();
        try (RecordingScenario call = new RecordingScenario(PORT_BASE, 5);
             Recorder recorder = new Recorder(RecorderConfig.under(data), new RecordingListener() {
                 @Override
                 public void onError(String recordingId, String code, String message) {
                     errors.add(code + ": " + message);
                 }
             })) {
            RelayStream stream = c.video() ? call.video : call.audio;
            MediaFormats formats = new MediaFormats(Map.of(stream.index(), new MediaFormats.StreamFormats(
                    stream.index(), offer.type(), Map.of(), offered, false, false)));
            RecordingSession rec = recorder.start(recorder.fork(call.session), new RecordingSpec("codec-" + c.name(),
                    RecordingMode.PEER, Side.A, "sip:alice@example.com", "sip:bob@example.com", "call-a", "call-b",
                    false, List.of()), formats);
            List<byte[]> packets = capture.rtp().stream().map(FfmpegRtp.Packet::datagram).toList();
            RtpPlayer.Stream played = call.add(Side.B, stream, StreamPlan.of(c.name(), packets, format.clockRate()));
            PlayReport report = call.player.play();
            Thread.sleep(300);
            FinishedRecording done = rec.stop().get(30, TimeUnit.SECONDS);
            assertEquals("complete", done.state());
            assertEquals(List.of(), errors, "no recording errors");

            Path file = done.directory().resolve("peer.mkv");
            JsonNode manifest = Manifest.JSON.readTree(done.directory().resolve("manifest.json").toFile());
            long start = SentMedia.startedAtMicros(manifest);
            PlayReport.StreamReport sent = report.streams().get(0);
            SentMedia.Span expected = c.video() ? SentMedia.videoSpan(sent, played.plan().packets(), c.codec(), start)
                    : SentMedia.span(sent, start);
            return new Recorded(c, file, Ffprobe.probe(file), manifest, sent, expected,
                    RecordingScenario.fileSpan(file, 0), format);
        }
    }

    private static void check(Recorded r) {
        Case c = r.c();
        Ffprobe probe = r.probe();
        assertEquals(1, probe.streamCount(), "tracks in " + r.file());
        assertEquals(c.ffprobeCodec(), probe.stream(0, "codec_name"));
        if (c.video()) {
            assertEquals(320, probe.streamInt(0, "width"));
            assertEquals(240, probe.streamInt(0, "height"));
        } else {
            assertEquals(c.sampleRate(), probe.streamInt(0, "sample_rate"));
            assertEquals(c.channels(), probe.streamInt(0, "channels"));
        }
        double fileDuration = Double.parseDouble(probe.format("duration"));
        System.out.printf(Locale.ROOT, "%s: sent %d packets, %s on the timeline (%.3f s); file %s (%.3f s), "
                        + "format duration %.3f s, %s packets%n", c.name(), r.sent().datagramsSent(), r.expected(),
                r.expected().length(), r.span(), r.span().length(), fileDuration,
                probe.stream(0, "nb_read_packets"));
        assertEquals(r.expected().from(), r.span().from(), TOLERANCE_SECONDS, "first frame's place");
        assertEquals(r.expected().to(), r.span().to(), TOLERANCE_SECONDS, "last frame's place");
        assertEquals(r.expected().length(), r.span().length(), TOLERANCE_SECONDS, "track duration");
        assertEquals(r.expected().to(), fileDuration, TOLERANCE_SECONDS, "file duration");
        assertEquals("", Ffprobe.decodeErrors(r.file()), r.file() + " decodes cleanly");
        assertTrue(Ffprobe.mkvinfo(r.file()).contains("Segment"), "mkvinfo reads " + r.file());

        JsonNode manifest = r.manifest();
        assertEquals(0, manifest.get("overflowPackets").asLong());
        assertEquals(0, manifest.get("malformedPackets").asLong());
        assertEquals(0, manifest.get("unrecordedPackets").size(), "unrecorded: " + manifest.get("unrecordedPackets"));
        assertEquals(1, manifest.get("tracks").size(), "tracks: " + manifest.get("tracks"));
        JsonNode track = manifest.get("tracks").get(0);
        assertEquals(c.encoding(), track.get("codec").asText());
        assertEquals(c.storedAs(), track.get("storedAs").asText());
        assertEquals(r.format().payloadType(), track.get("payloadType").asInt());
        long frames = r.sent().sent().stream().mapToLong(PlayReport.SentPacket::timestamp).distinct().count();
        assertEquals(frames, track.get("frames").asLong(), "a frame per RTP timestamp sent");
        assertEquals(frames, probe.streamInt(0, "nb_read_packets"), "a Matroska block per frame");
        if (c.video()) {
            assertEquals(320, track.get("width").asInt());
            assertEquals(240, track.get("height").asInt());
            assertEquals(0, track.get("framesBeforeKeyframe").asLong());
        }
        assertEquals(1, manifest.get("sources").size(), "sources: " + manifest.get("sources"));
        JsonNode source = manifest.get("sources").get(0);
        assertEquals(r.sent().datagramsSent(), source.get("packets").asLong(), "packets the player sent");
        assertEquals(r.sent().ssrcs().get(0).ssrc() & 0xffffffffL, source.get("ssrc").asLong());
        assertEquals(0, source.get("lost").asLong());
        assertEquals(0, source.get("duplicates").asLong());
        assertEquals(0, source.get("late").asLong());
        assertEquals("rtcp-sr", source.get("sync").asText());
    }
}
