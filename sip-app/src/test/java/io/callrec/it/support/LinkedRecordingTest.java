package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callrec.testing.ExternalCommand;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkedRecordingTest {

    @Test
    void theLinkIsTakenFromTextAndFromJson() {
        assertEquals(URI.create("http://127.0.0.1:8080/recordings/r-x?exp=1&sig=a"), LinkedRecording.firstLinkIn(
                "Call recording ready: http://127.0.0.1:8080/recordings/r-x?exp=1&sig=a (expires 2026-12-01 10:00 UTC)"));
        assertEquals(URI.create("https://rec.example.com/recordings/r-y?sig=b"), LinkedRecording.firstLinkIn(
                "{\"type\":\"recording-ready\",\"url\":\"https://rec.example.com/recordings/r-y?sig=b\"}"));
        assertThrows(AssertionError.class, () -> LinkedRecording.firstLinkIn("Recording stopped."));
    }

    /** A 1.5 s file made by ffmpeg: both spans and the louder of two tones are measured, not assumed. */
    @Test
    void streamSpansAndVolumeAreMeasuredInTheFile() throws Exception {
        Path dir = Files.createDirectories(ItDirs.moduleTarget().resolve("linked-recording-test"));
        Path loud = make(dir.resolve("loud.mkv"), 1.0);
        Path quiet = make(dir.resolve("quiet.mkv"), 0.25);
        Map<String, LinkedRecording.StreamSpan> spans = LinkedRecording.assertAudioAndVideo(loud, 1.5, 0.15);
        assertEquals("pcm_mulaw", spans.get("audio").codecName());
        assertEquals("vp8", spans.get("video").codecName());
        assertThrows(AssertionError.class, () -> LinkedRecording.assertAudioAndVideo(loud, 3.0, 0.5));
        double difference = LinkedRecording.meanVolumeDb(loud) - LinkedRecording.meanVolumeDb(quiet);
        assertEquals(12.0, difference, 1.0, "volume 0.25 is 12 dB down");
    }

    private static Path make(Path file, double volume) {
        ExternalCommand.run(Duration.ofSeconds(30), "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                "testsrc=size=160x120:rate=15:duration=1.5", "-f", "lavfi", "-i",
                "sine=f=440:sample_rate=8000:duration=1.5", "-af", "volume=" + volume, "-c:v", "libvpx",
                "-c:a", "pcm_mulaw", file.toString()).requireSuccess();
        return file;
    }
}
