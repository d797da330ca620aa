package io.callrec.testing.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Test media for lip-sync measurements, as ffmpeg lavfi inputs: a dark moving test pattern with one white frame
 * (a flash) at each event time, and silence with a 1 kHz beep starting at the same event times.
 *
 * <p>Both are exact by construction: the flash is the frame whose index is {@code t × fps} (so {@code t} must be a
 * frame boundary), and the beep is computed per sample by {@code aevalsrc} (starting at a cosine peak, so its first
 * sample is already loud). Audio comes in blocks of {@code packetMillis} (ffmpeg's default of 1024 samples would not
 * line up with RTP packets and would shift a beep inside a block when a packet is lost) and every event time must be
 * a block boundary. {@link AvSyncProbe} finds flashes and beeps in a file made from it.
 *
 * @param fps            video frame rate
 * @param sampleRate     audio sample rate in Hz
 * @param width          video width
 * @param height         video height
 * @param durationMillis length of both streams
 * @param eventMillis    when flash and beep happen, in milliseconds from the start
 * @param beepMillis     beep length
 * @param packetMillis   audio block length (20 for usual RTP audio)
 */
public record SyncSource(int fps, int sampleRate, int width, int height, int durationMillis, List<Integer> eventMillis,
                         int beepMillis, int packetMillis) {
    public static final int BEEP_HZ = 1000;
    /** Beep amplitude (−6 dBFS): loud enough to stand out of codec noise, far from clipping. */
    private static final double BEEP_AMPLITUDE = 0.5;

    public SyncSource {
        eventMillis = List.copyOf(eventMillis);
        if (fps <= 0 || sampleRate <= 0 || width <= 0 || height <= 0 || beepMillis <= 0 || packetMillis <= 0) {
            throw new IllegalArgumentException("rates and sizes must be positive: " + fps + " fps, " + sampleRate
                    + " Hz, " + width + "x" + height + ", beep " + beepMillis + " ms, packets " + packetMillis + " ms");
        }
        if (sampleRate * packetMillis % 1000 != 0) {
            throw new IllegalArgumentException(packetMillis + " ms is not a whole number of samples at " + sampleRate
                    + " Hz");
        }
        for (int t : eventMillis) {
            if (t * fps % 1000 != 0) {
                throw new IllegalArgumentException("event at " + t + " ms is not a frame boundary at " + fps + " fps");
            }
            if (t % packetMillis != 0) {
                throw new IllegalArgumentException("event at " + t + " ms is not a " + packetMillis
                        + " ms audio block boundary");
            }
            if (t < 0 || t + beepMillis > durationMillis) {
                throw new IllegalArgumentException("event at " + t + " ms with a " + beepMillis
                        + " ms beep does not fit in " + durationMillis + " ms");
            }
        }
    }

    /** 320x240, 4 s, events at 1 s and 3 s, 100 ms beeps, 20 ms audio blocks. */
    public static SyncSource standard(int fps, int sampleRate) {
        return new SyncSource(fps, sampleRate, 320, 240, 4000, List.of(1000, 3000), 100, 20);
    }

    public SyncSource withDurationMillis(int millis) {
        return new SyncSource(fps, sampleRate, width, height, millis, eventMillis, beepMillis, packetMillis);
    }

    public SyncSource withEventMillis(List<Integer> events) {
        return new SyncSource(fps, sampleRate, width, height, durationMillis, events, beepMillis, packetMillis);
    }

    /** Audio samples per block (and per RTP packet if the encoder keeps blocks whole). */
    public int samplesPerBlock() {
        return sampleRate * packetMillis / 1000;
    }

    /** The lavfi graph of the video: a test pattern darkened to ~15% luma, full-frame white at the flash frames. */
    public String videoGraph() {
        List<String> frames = new ArrayList<>();
        for (int t : eventMillis) {
            frames.add("eq(n," + (t * fps / 1000) + ")");
        }
        String enable = frames.isEmpty() ? "0" : String.join("+", frames);
        return String.format(Locale.ROOT, "testsrc=size=%dx%d:rate=%d:duration=%s,lutyuv=y=val*0.3,"
                        + "drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='%s'",
                width, height, fps, seconds(durationMillis), enable);
    }

    /** The lavfi graph of the audio: mono, silent except for the beeps. */
    public String audioGraph() {
        List<String> windows = new ArrayList<>();
        for (int t : eventMillis) {
            windows.add("gte(t," + seconds(t) + ")*lt(t," + seconds(t + beepMillis) + ")");
        }
        String gate = windows.isEmpty() ? "0" : "(" + String.join("+", windows) + ")";
        return String.format(Locale.ROOT, "aevalsrc=exprs='%s*cos(2*PI*%d*t)*%s':s=%d:c=mono:n=%d:d=%s",
                BEEP_AMPLITUDE, BEEP_HZ, gate, sampleRate, samplesPerBlock(), seconds(durationMillis));
    }

    /** ffmpeg input arguments for the video: {@code -f lavfi -i <graph>}. */
    public List<String> videoInput() {
        return List.of("-f", "lavfi", "-i", videoGraph());
    }

    /** ffmpeg input arguments for the audio: {@code -f lavfi -i <graph>}. */
    public List<String> audioInput() {
        return List.of("-f", "lavfi", "-i", audioGraph());
    }

    /** The event times in seconds. */
    public List<Double> eventSeconds() {
        return eventMillis.stream().map(t -> t / 1000.0).toList();
    }

    private static String seconds(int millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    @Override
    public String toString() {
        return fps + "fps/" + sampleRate + "Hz events " + Objects.toString(eventMillis);
    }
}
