package io.callrec.testing.media;

import io.callrec.testing.ExternalCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures lip sync in a media file made from a {@link SyncSource}: when the white flashes are shown and when the
 * beeps start, in the file's own timeline ({@code -copyts}: the container's timestamps, not re-based to zero), and
 * the offset between each flash and its beep.
 *
 * <p>Flashes come from ffmpeg's {@code signalstats} (average luma of each frame, onset = first frame above
 * {@link #FLASH_LUMA}); beep onsets from {@code silencedetect}, which is sample-accurate and works from each audio
 * frame's timestamp, so it stays right across gaps in a recording. Precision is therefore a frame's timestamp for
 * video and a sample for audio (plus the container's timestamp rounding, 1 ms for Matroska).
 *
 * @param flashSeconds onset time of each flash
 * @param beepSeconds  onset time of each beep
 */
public record AvSyncProbe(List<Double> flashSeconds, List<Double> beepSeconds) {
    /** Average luma (0..255) above which a frame counts as a flash; the SyncSource's frames are ~37 or 235. */
    public static final double FLASH_LUMA = 128;
    /** Level under which audio is silence: the beep is at −6 dBFS, G.711 idle noise is far below −50. */
    public static final String SILENCE_LEVEL = "-30dB";
    /** Silence must last this long before a sound counts as a new beep. */
    private static final String MIN_SILENCE_SECONDS = "0.05";
    /** A flash and a beep further apart than this are not the same event. */
    public static final double MAX_PAIR_SECONDS = 0.5;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    public AvSyncProbe {
        flashSeconds = List.copyOf(flashSeconds);
        beepSeconds = List.copyOf(beepSeconds);
    }

    /** Probes the first video and the first audio stream of {@code file}. */
    public static AvSyncProbe of(Path file) {
        return of(file, 0, file, 0);
    }

    /**
     * @param videoStream index among the file's video streams ({@code 0:v:N})
     * @param audioStream index among the file's audio streams ({@code 0:a:N})
     */
    public static AvSyncProbe of(Path file, int videoStream, int audioStream) {
        return of(file, videoStream, file, audioStream);
    }

    /** Video and audio from different files (whose timelines are assumed to be the same). */
    public static AvSyncProbe of(Path videoFile, int videoStream, Path audioFile, int audioStream) {
        return new AvSyncProbe(flashes(videoFile, videoStream), beeps(audioFile, audioStream));
    }

    /** Onset times of the flashes in video stream {@code 0:v:index} of {@code file}. */
    public static List<Double> flashes(Path file, int index) {
        String out = ffmpeg(file, "0:v:" + index, "-vf",
                "signalstats,metadata=mode=print:key=lavfi.signalstats.YAVG:file=/dev/stdout");
        List<Double> onsets = new ArrayList<>();
        double frameTime = Double.NaN;
        boolean previousBright = false;
        for (String line : out.lines().toList()) {
            int at = line.indexOf("pts_time:");
            if (at >= 0) {
                frameTime = Double.parseDouble(line.substring(at + "pts_time:".length()).trim());
            } else if (line.startsWith("lavfi.signalstats.YAVG=")) {
                boolean bright = Double.parseDouble(line.substring(line.indexOf('=') + 1)) > FLASH_LUMA;
                if (bright && !previousBright) {
                    onsets.add(frameTime);
                }
                previousBright = bright;
            }
        }
        return onsets;
    }

    /** Onset times of the beeps (ends of silences) in audio stream {@code 0:a:index} of {@code file}. */
    public static List<Double> beeps(Path file, int index) {
        // Only the silence ends silencedetect attaches to frames are beeps; the one it logs at end of stream is not.
        String out = ffmpeg(file, "0:a:" + index, "-af", "silencedetect=noise=" + SILENCE_LEVEL + ":d="
                + MIN_SILENCE_SECONDS + ",ametadata=mode=print:key=lavfi.silence_end:file=/dev/stdout");
        List<Double> onsets = new ArrayList<>();
        for (String line : out.lines().toList()) {
            if (line.startsWith("lavfi.silence_end=")) {
                onsets.add(Double.parseDouble(line.substring(line.indexOf('=') + 1)));
            }
        }
        return onsets;
    }

    /** A flash and the beep nearest to it. */
    public record Pair(double flashSeconds, double beepSeconds) {
        /** Beep minus flash: positive when the sound comes late. */
        public double offsetMillis() {
            return (beepSeconds - flashSeconds) * 1000;
        }
    }

    /** Each flash with the nearest beep within {@link #MAX_PAIR_SECONDS}; flashes without one are left out. */
    public List<Pair> pairs() {
        List<Pair> pairs = new ArrayList<>();
        for (double flash : flashSeconds) {
            double best = Double.NaN;
            for (double beep : beepSeconds) {
                if (Math.abs(beep - flash) <= MAX_PAIR_SECONDS
                        && (Double.isNaN(best) || Math.abs(beep - flash) < Math.abs(best - flash))) {
                    best = beep;
                }
            }
            if (!Double.isNaN(best)) {
                pairs.add(new Pair(flash, best));
            }
        }
        return pairs;
    }

    /** Beep minus flash in milliseconds for each pair, in flash order. */
    public List<Double> offsetMillis() {
        return pairs().stream().map(Pair::offsetMillis).toList();
    }

    private static String ffmpeg(Path file, String map, String filterOption, String filter) {
        return ExternalCommand.run(TIMEOUT, "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-copyts",
                "-i", file.toString(), "-map", map, filterOption, filter, "-f", "null", "-")
                .requireSuccess().stdout();
    }

    @Override
    public String toString() {
        return "flashes " + flashSeconds + " beeps " + beepSeconds + " offsets(ms) " + offsetMillis();
    }
}
