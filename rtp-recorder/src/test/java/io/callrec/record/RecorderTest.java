package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecorderTest {

    @TempDir
    Path data;

    @Test
    void placesAreReservedUpToMaxRecordingsAndGivenBackWhenUnused() throws Exception {
        RecorderConfig config = new RecorderConfig(data.resolve("recording"), data.resolve("spool"), 1, 16 * 1024, 2,
                Duration.ofSeconds(1));
        try (Recorder recorder = new Recorder(config, new RecordingListener() { })) {
            Recorder.Reservation first = recorder.reserve();
            Recorder.Reservation second = recorder.reserve();
            RecorderException full = assertThrows(RecorderException.class, recorder::reserve);
            assertEquals("limit-reached", full.code());
            assertEquals("already 2 recordings running, the most allowed", full.getMessage());
            first.close();
            first.close(); // a second close gives back nothing more
            Recorder.Reservation third = recorder.reserve();
            assertThrows(RecorderException.class, recorder::reserve);
            second.close();
            third.close();
            recorder.reserve().close();
            recorder.reserve();
            recorder.reserve();
            assertThrows(RecorderException.class, recorder::reserve);
        }
    }
}
