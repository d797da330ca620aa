package io.callrec.record.mkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.codec.Codec;
import io.callrec.media.codec.TrackFormat;
import io.callrec.record.mkv.MatroskaWriter.Options;
import io.callrec.testing.media.Ffprobe;
import io.callrec.testing.media.MediaTrack;
import io.callrec.testing.media.TestMedia;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files written by {@link MatroskaWriter} from real encoded frames (made by ffmpeg), checked by ffprobe, a full
 * ffmpeg decode and mkvinfo. Each case takes well under 2 s.
 */
class MatroskaWriterFfmpegTest {
    private static final double TOLERANCE_SECONDS = 0.1;

    static Stream<Arguments> codecs() {
        return Stream.of(
                Arguments.of("h264", (Supplier<MediaTrack>) () -> TestMedia.h264(320, 240, 15, 3), "V_MPEG4/ISO/AVC"),
                Arguments.of("vp8", (Supplier<MediaTrack>) () -> TestMedia.vp8(320, 240, 15, 3), "V_VP8"),
                Arguments.of("opus", (Supplier<MediaTrack>) () -> TestMedia.opus(1, 3), "A_OPUS"),
                Arguments.of("pcm", (Supplier<MediaTrack>) () -> TestMedia.pcm(8000, 3), "A_PCM/INT/LIT"),
                // G.722 and G.711 as ffmpeg itself stores them: A_MS/ACM with a WAVEFORMATEX.
                Arguments.of("g722", (Supplier<MediaTrack>) () -> TestMedia.g722(3), "A_MS/ACM"),
                Arguments.of("pcmu", (Supplier<MediaTrack>) () -> TestMedia.pcmu(3), "A_MS/ACM"),
                Arguments.of("pcma", (Supplier<MediaTrack>) () -> TestMedia.pcma(3), "A_MS/ACM"));
    }

    private static Path write(String name, List<MediaTrack> tracks, long... lagMicros) throws IOException {
        Path file = TestMedia.file(name + ".mkv");
        try (MatroskaWriter writer = MatroskaWriter.open(file, Options.defaults().withTitle(name))) {
            int[] fed = MkvFeeder.feed(writer, tracks, lagMicros, Long.MAX_VALUE);
            for (int i = 0; i < tracks.size(); i++) {
                assertEquals(tracks.get(i).frames().size(), fed[i]);
            }
        }
        return file;
    }

    private static void assertNear(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= TOLERANCE_SECONDS, what + ": expected " + expected + " ± "
                + TOLERANCE_SECONDS + ", got " + actual);
    }

    private static String ffmpegName(Codec codec) {
        return switch (codec) {
            case H264 -> "h264";
            case VP8 -> "vp8";
            case OPUS -> "opus";
            case PCM_S16LE -> "pcm_s16le";
            case G722 -> "adpcm_g722";
            case PCMU -> "pcm_mulaw";
            case PCMA -> "pcm_alaw";
        };
    }

    /** The stream with {@code codecName}; ffprobe lists streams in track order, which follows arrival. */
    private static int streamOf(Ffprobe probe, String codecName) {
        for (int i = 0; i < probe.streamCount(); i++) {
            if (probe.stream(i, "codec_name").equals(codecName)) {
                return i;
            }
        }
        throw new AssertionError("no " + codecName + " stream");
    }

    /** Where a stream's last frame ends: its last packet's time plus one frame step. */
    private static double streamEnd(List<Ffprobe.Packet> packets, int stream) {
        List<Double> pts = packets.stream().filter(p -> p.stream() == stream).map(Ffprobe.Packet::ptsSeconds)
                .toList();
        double last = pts.get(pts.size() - 1);
        return last + (last - pts.get(pts.size() - 2));
    }

    private static void assertDecodesCleanly(Path file) {
        assertEquals("", Ffprobe.decodeErrors(file), "ffmpeg -v error decoding " + file);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void oneCodecPerFile(String name, Supplier<MediaTrack> source, String codecId) throws IOException {
        MediaTrack track = source.get();
        String ffmpegCodec = ffmpegName(track.format().codec());
        Path file = write("codec-" + name, List.of(track), 0);

        Ffprobe probe = Ffprobe.probe(file);
        assertEquals(1, probe.streamCount());
        assertEquals(ffmpegCodec, probe.stream(0, "codec_name"));
        if (track.format().codec().kind() == Codec.Kind.VIDEO) {
            assertEquals(320, probe.streamInt(0, "width"));
            assertEquals(240, probe.streamInt(0, "height"));
        } else {
            assertEquals(track.format().sampleRate(), probe.streamInt(0, "sample_rate"));
            assertEquals(1, probe.streamInt(0, "channels"));
        }
        assertEquals(track.frames().size(), probe.streamInt(0, "nb_read_packets"));
        assertNear(track.durationMicros() / 1e6, Double.parseDouble(probe.format("duration")), "duration");
        assertEquals("matroska,webm", probe.format("format_name"));
        assertEquals("", probe.errors());
        assertDecodesCleanly(file);

        String info = Ffprobe.mkvinfo(file);
        assertTrue(info.contains("Codec ID: " + codecId), "no codec id " + codecId);
        assertTrue(info.contains("Title: codec-" + name), "no title");
        long cuePoints = Ffprobe.countElements(info, "| + Cue point");
        if (track.format().codec().kind() == Codec.Kind.VIDEO) {
            assertEquals(3, cuePoints, "one cue per keyframe (0, 1, 2 s)");
        } else {
            assertEquals(Ffprobe.countElements(info, "|+ Cluster"), cuePoints, "one cue per cluster");
        }
    }

    @Test
    void videoOfUnknownSizeLeavesItToTheDecoder() throws IOException {
        MediaTrack known = TestMedia.h264(320, 240, 15, 3);
        TrackFormat unknown = TrackFormat.video(Codec.H264, 0, 0, known.format().codecPrivate());
        Path file = write("h264-unknown-size",
                List.of(new MediaTrack(unknown, known.frames(), known.durationMicros())), 0);
        Ffprobe probe = Ffprobe.probe(file);
        assertEquals(320, probe.streamInt(0, "width"), "from the SPS");
        assertEquals(240, probe.streamInt(0, "height"));
        assertDecodesCleanly(file);
        assertTrue(Ffprobe.mkvinfo(file).contains("Codec ID: V_MPEG4/ISO/AVC"));
    }

    @Test
    void sourceStreamsAreWhatTheTestsAssume() {
        MediaTrack h264 = TestMedia.h264(320, 240, 15, 3);
        assertEquals(45, h264.frames().size());
        assertEquals(List.of(0, 15, 30), java.util.stream.IntStream.range(0, 45)
                .filter(i -> h264.frames().get(i).keyframe()).boxed().toList());
        MediaTrack opus = TestMedia.opus(1, 3);
        assertEquals(20_000, opus.frames().get(1).timeMicros() - opus.frames().get(0).timeMicros());
        assertEquals(19, opus.format().codecPrivate().length, "OpusHead");
        assertEquals(150, TestMedia.g722(3).frames().size());
    }

    static Stream<Arguments> audioVideoPairs() {
        return Stream.of(
                // Audio arrives 300 ms after video, then video 250 ms after audio: both within the 500 ms window.
                Arguments.of("h264-opus", (Supplier<List<MediaTrack>>) () -> List.of(TestMedia.h264(320, 240, 15, 3),
                        TestMedia.opus(1, 3)), new long[] {0, 300_000}),
                Arguments.of("vp8-pcm", (Supplier<List<MediaTrack>>) () -> List.of(TestMedia.vp8(320, 240, 15, 3),
                        TestMedia.pcm(8000, 3)), new long[] {250_000, 0}),
                // What a recorded video call with G.711 becomes.
                Arguments.of("h264-pcma", (Supplier<List<MediaTrack>>) () -> List.of(TestMedia.h264(320, 240, 15, 3),
                        TestMedia.pcma(3)), new long[] {0, 300_000}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("audioVideoPairs")
    void audioAndVideoHandedOverOutOfOrderAreInterleaved(String name, Supplier<List<MediaTrack>> source,
                                                         long[] lags) throws IOException {
        List<MediaTrack> tracks = source.get();
        Path file = write("av-" + name, tracks, lags);

        Ffprobe probe = Ffprobe.probe(file);
        assertEquals(2, probe.streamCount());
        List<Ffprobe.Packet> packets = Ffprobe.packets(file);
        for (MediaTrack track : tracks) {
            String codec = ffmpegName(track.format().codec());
            int stream = streamOf(probe, codec);
            assertEquals(track.frames().size(), probe.streamInt(stream, "nb_read_packets"), codec);
            assertNear(track.durationMicros() / 1e6, streamEnd(packets, stream), codec + " end");
        }
        // In file order, time never goes back by more than Opus's 6.5 ms codec delay (ffmpeg shifts it out).
        double latest = 0;
        for (Ffprobe.Packet p : packets) {
            assertTrue(p.ptsSeconds() >= latest - 0.01, "packet at " + p.ptsSeconds() + " after " + latest);
            latest = Math.max(latest, p.ptsSeconds());
        }
        assertDecodesCleanly(file);
    }

    /** Party A (H.264 + Opus) from 0 s, party B (VP8 + A-law) from 1 s: B's tracks are added when B's media starts. */
    private static List<MediaTrack> twoParties() {
        return List.of(TestMedia.h264(320, 240, 15, 3), TestMedia.opus(1, 3),
                TestMedia.vp8(320, 240, 15, 2).shifted(1_000_000), TestMedia.pcma(2).shifted(1_000_000));
    }

    private static final long[] TWO_PARTY_LAGS = {0, 300_000, 100_000, 0};

    @Test
    void combinedFileWithATrackStartingLate() throws IOException {
        List<MediaTrack> tracks = twoParties();
        Path file = write("combined", tracks, TWO_PARTY_LAGS);

        Ffprobe probe = Ffprobe.probe(file);
        assertEquals(4, probe.streamCount());
        int vp8 = streamOf(probe, "vp8");
        int pcm = streamOf(probe, "pcm_alaw");
        int h264 = streamOf(probe, "h264");
        assertNear(1.0, probe.streamDouble(vp8, "start_time"), "late video start");
        assertNear(1.0, probe.streamDouble(pcm, "start_time"), "late audio start");
        assertNear(0.0, probe.streamDouble(h264, "start_time"), "early video start");
        assertEquals(30, probe.streamInt(vp8, "nb_read_packets"));
        assertEquals(100, probe.streamInt(pcm, "nb_read_packets"));
        assertEquals(45, probe.streamInt(h264, "nb_read_packets"));
        assertNear(3.0, Double.parseDouble(probe.format("duration")), "duration");
        assertDecodesCleanly(file);
        assertEquals(4, Ffprobe.countElements(Ffprobe.mkvinfo(file), "| + Track"));
    }

    @Test
    void aFileCutAfterFlushesIsReadableUpToWhatWasFlushed() throws IOException {
        Path file = TestMedia.file("crash.mkv");
        Path copy = TestMedia.file("crash-copy.mkv");
        long stopAt = 2_500_000;
        long framesOnDisk;
        try (MatroskaWriter writer = MatroskaWriter.open(file, Options.defaults())) {
            MkvFeeder.feed(writer, twoParties(), TWO_PARTY_LAGS, stopAt);
            // The recorder dies here: no close(). What the last flush() wrote is what a crash leaves.
            Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            framesOnDisk = writer.framesWritten();
        }

        Ffprobe probe = Ffprobe.probe(copy);
        assertEquals(4, probe.streamCount(), "the late tracks were declared in place before their frames");
        int packets = 0;
        for (int i = 0; i < 4; i++) {
            packets += probe.streamInt(i, "nb_read_packets");
        }
        assertEquals(framesOnDisk, packets);
        double end = Ffprobe.packets(copy).stream().mapToDouble(Ffprobe.Packet::ptsSeconds).max().orElseThrow();
        // Last flush at 2.4 s of arrival, 500 ms window, up to 300 ms lag: frames up to ~1.9 s are on disk.
        assertTrue(end > 1.6 && end <= 1.95, "flushed media ends at " + end + " s");
        assertDecodesCleanly(copy);
    }
}
