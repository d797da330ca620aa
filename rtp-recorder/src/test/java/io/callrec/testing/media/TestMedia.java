package io.callrec.testing.media;

import io.callrec.media.codec.Codec;
import io.callrec.media.codec.TrackFormat;
import io.callrec.testing.ExternalCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encoded test streams made by ffmpeg from its lavfi sources at test time (never committed), read into frames.
 * Files go to {@code target/test-media/}.
 */
public final class TestMedia {
    public static final Path DIR = Path.of("target", "test-media");
    private static final Duration FFMPEG_TIMEOUT = Duration.ofSeconds(60);
    private static final Map<String, Path> MADE = new ConcurrentHashMap<>();

    private TestMedia() {
    }

    /** H.264 baseline (no B-frames, as in RTP), a keyframe every second, AVCC frames. */
    public static MediaTrack h264(int width, int height, int fps, double seconds) {
        Path out = ffmpeg("h264-" + width + "x" + height + "-" + fps + "-" + seconds + ".h264",
                "-f", "lavfi", "-i", "testsrc=size=" + width + "x" + height + ":rate=" + fps + ":duration=" + seconds,
                "-c:v", "libx264", "-profile:v", "baseline", "-pix_fmt", "yuv420p", "-g", String.valueOf(fps),
                "-bsf:v", "h264_mp4toannexb", "-f", "h264");
        return H264AnnexB.read(read(out), width, height, fps);
    }

    /** VP8 in IVF, a keyframe every second. */
    public static MediaTrack vp8(int width, int height, int fps, double seconds) {
        Path out = ffmpeg("vp8-" + width + "x" + height + "-" + fps + "-" + seconds + ".ivf",
                "-f", "lavfi", "-i", "testsrc=size=" + width + "x" + height + ":rate=" + fps + ":duration=" + seconds,
                "-c:v", "libvpx", "-g", String.valueOf(fps), "-deadline", "realtime", "-b:v", "300k", "-f", "ivf");
        return Ivf.readVp8(read(out));
    }

    /** Opus at 48 kHz in 20 ms packets (Ogg container stripped). */
    public static MediaTrack opus(int channels, double seconds) {
        Path out = ffmpeg("opus-" + channels + "-" + seconds + ".ogg",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds,
                "-ac", String.valueOf(channels), "-c:a", "libopus", "-frame_duration", "20", "-f", "ogg");
        return OggOpus.read(read(out));
    }

    /** Signed 16-bit little-endian PCM, mono, in 20 ms frames. */
    public static MediaTrack pcm(int sampleRate, double seconds) {
        return rawAudio("pcm", sampleRate, seconds, List.of("-f", "s16le"),
                TrackFormat.audio(Codec.PCM_S16LE, sampleRate, sampleRate, 1, null), sampleRate * 2);
    }

    /** G.722 (16 kHz audio, 64 kbit/s, RTP clock 8000), in 20 ms frames. */
    public static MediaTrack g722(double seconds) {
        return rawAudio("g722", 16000, seconds, List.of("-c:a", "g722", "-f", "g722"),
                TrackFormat.audio(Codec.G722, 8000, 16000, 1, null), 8000);
    }

    /** G.711 mu-law at 8 kHz, in 20 ms frames. */
    public static MediaTrack pcmu(double seconds) {
        return g711(Codec.PCMU, "mulaw", seconds);
    }

    /** G.711 A-law at 8 kHz, in 20 ms frames. */
    public static MediaTrack pcma(double seconds) {
        return g711(Codec.PCMA, "alaw", seconds);
    }

    /** @param law ffmpeg's name of the raw format, {@code alaw} or {@code mulaw} (its codec is {@code pcm_<law>}) */
    private static MediaTrack g711(Codec codec, String law, double seconds) {
        return rawAudio(codec.name().toLowerCase(Locale.ROOT), 8000, seconds,
                List.of("-c:a", "pcm_" + law, "-f", law), TrackFormat.audio(codec, 8000, 8000, 1, null), 8000);
    }

    /** A 440 Hz tone encoded by {@code codecArgs} into a headerless stream, cut into 20 ms frames. */
    private static MediaTrack rawAudio(String name, int sampleRate, double seconds, List<String> codecArgs,
                                       TrackFormat format, int bytesPerSecond) {
        List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=" + sampleRate + ":duration=" + seconds));
        args.addAll(codecArgs);
        Path out = ffmpeg(name + "-" + sampleRate + "-" + seconds + ".raw", args.toArray(String[]::new));
        return RawAudio.frames(read(out), format, bytesPerSecond, 20);
    }

    /** A file under {@link #DIR}, its directory created. */
    public static Path file(String name) {
        try {
            Files.createDirectories(DIR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return DIR.resolve(name);
    }

    /** Runs ffmpeg once per JVM for each output name: several tests share the same streams. */
    private static Path ffmpeg(String name, String... args) {
        return MADE.computeIfAbsent(name, n -> make(n, args));
    }

    private static Path make(String name, String... args) {
        Path out = file(name);
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-nostdin"));
        command.addAll(List.of(args));
        command.add(out.toString());
        ExternalCommand.run(FFMPEG_TIMEOUT, command).requireSuccess();
        return out;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
