package io.callrec.testing.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callrec.testing.ExternalCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AvSyncProbeTest {
    private static final Path DIR = Path.of("target", "av-sync-probe");
    private static final double TOLERANCE_MILLIS = 5;

    /** Muxes the source into Matroska (H.264 + PCM) with the audio shifted by {@code audioShiftMillis}. */
    private static Path mux(SyncSource source, int audioShiftMillis, List<String> audioFilter, String name)
            throws IOException {
        Files.createDirectories(DIR);
        Path file = DIR.resolve(name + ".mkv");
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                "-y"));
        command.addAll(source.videoInput());
        command.addAll(List.of("-itsoffset", String.format(Locale.ROOT, "%.3f", audioShiftMillis / 1000.0)));
        command.addAll(source.audioInput());
        command.addAll(List.of("-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast",
                "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le"));
        command.addAll(audioFilter);
        command.add(file.toString());
        ExternalCommand.run(Duration.ofSeconds(60), command).requireSuccess();
        return file;
    }

    @ParameterizedTest(name = "{0} fps, {1} Hz, audio shifted {2} ms")
    @CsvSource({
        "15, 8000, 0", "15, 8000, 120", "15, 8000, -80",
        "15, 48000, 0", "15, 48000, 120", "15, 48000, -80",
        "30, 8000, 0", "30, 8000, 120", "30, 8000, -80",
        "30, 48000, 0", "30, 48000, 120", "30, 48000, -80"})
    void measuresAKnownShift(int fps, int sampleRate, int shiftMillis) throws IOException {
        SyncSource source = SyncSource.standard(fps, sampleRate);
        Path file = mux(source, shiftMillis, List.of(), "shift-" + fps + "-" + sampleRate + "-" + shiftMillis);
        AvSyncProbe probe = AvSyncProbe.of(file, 0, 0);
        assertEquals(2, probe.flashSeconds().size(), probe.toString());
        assertEquals(2, probe.beepSeconds().size(), probe.toString());
        assertEquals(2, probe.offsetMillis().size(), probe.toString());
        for (double offset : probe.offsetMillis()) {
            assertEquals(shiftMillis, offset, TOLERANCE_MILLIS, probe.toString());
        }
        // Matroska has no negative timestamps: ffmpeg moves everything later by the audio's lead instead.
        double videoStart = Math.max(0, -shiftMillis) / 1000.0;
        assertEquals(1.0 + videoStart, probe.flashSeconds().get(0), 0.002, probe.toString());
        assertEquals(3.0 + videoStart, probe.flashSeconds().get(1), 0.002, probe.toString());
    }

    @Test
    void aGapInTheAudioDoesNotMoveTheLaterBeep() throws IOException {
        SyncSource source = SyncSource.standard(30, 8000);
        // Half a second of audio missing before the second beep, timestamps kept: as a recording with an outage.
        Path file = mux(source, 0, List.of("-af", "aselect='not(between(t,2.0,2.5))'"), "gap");
        AvSyncProbe probe = AvSyncProbe.of(file);
        assertEquals(2, probe.offsetMillis().size(), probe.toString());
        assertEquals(0, probe.offsetMillis().get(1), TOLERANCE_MILLIS, probe.toString());
    }

    @Test
    void aBeepInsideAnAudioFrameIsFoundToTheSample() throws IOException {
        SyncSource source = SyncSource.standard(30, 8000);
        // 1024-sample frames (128 ms): the beeps start 104 ms into a frame, which frame timestamps would miss.
        Path file = mux(source, 0, List.of("-af", "asetnsamples=n=1024"), "big-frames");
        AvSyncProbe probe = AvSyncProbe.of(file);
        assertEquals(List.of(1.0, 3.0), probe.beepSeconds(), probe.toString());
    }

    @Test
    void pairsOnlyNearbyEvents() {
        AvSyncProbe probe = new AvSyncProbe(List.of(1.0, 3.0, 5.0), List.of(1.04, 2.98, 3.6, 7.0));
        assertEquals(List.of(new AvSyncProbe.Pair(1.0, 1.04), new AvSyncProbe.Pair(3.0, 2.98)), probe.pairs(),
                "5.0 has no beep within 0.5 s");
        assertEquals(40, probe.offsetMillis().get(0), 1e-9);
        assertEquals(-20, probe.offsetMillis().get(1), 1e-9);
    }
}
