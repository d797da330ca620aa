package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callrec.media.relay.RelayConfig;
import io.callrec.media.relay.RelaySession;
import io.callrec.media.relay.RtpRelay;
import io.callrec.media.relay.Side;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecorderTest {

    @TempDir
    Path data;

    @Test
    void workersTickOnlyWhileTheyServeARecording() throws Exception {
        RecorderConfig config = new RecorderConfig(data.resolve("recording"), data.resolve("spool"), 2, 16 * 1024, 4,
                Duration.ofSeconds(1));
        try (RtpRelay relay = RtpRelay.start(RelayConfig.defaults(InetAddress.getLoopbackAddress())
                .withPorts(26940, 26959).withTimeouts(Duration.ofSeconds(2), Duration.ZERO));
             RelaySession call = relay.openSession("ticks", (s, idle) -> { });
             Recorder recorder = new Recorder(config, new RecordingListener() { })) {
            assertEquals(0, recorder.tickingWorkers(), "an idle recorder has nothing scheduled");
            MediaFork fork = recorder.fork(call);
            RecordingSession first = recorder.start(fork, spec("tick-1"), RecordingScenario.formats());
            RecordingSession second = recorder.start(fork, spec("tick-2"), RecordingScenario.formats());
            RecordingSession third = recorder.start(fork, spec("tick-3"), RecordingScenario.formats());
            assertEquals(2, awaitTicks(recorder, 2), "one tick per worker serving recordings");
            first.stop().get(30, TimeUnit.SECONDS);
            second.stop().get(30, TimeUnit.SECONDS);
            assertEquals(1, awaitTicks(recorder, 1), "the worker that still serves tick-3 keeps ticking");
            Thread.sleep(3 * Recorder.TICK_MILLIS);
            assertEquals(1, recorder.tickingWorkers(), "and goes on ticking");
            third.stop().get(30, TimeUnit.SECONDS);
            assertEquals(0, awaitTicks(recorder, 0), "no tick once nothing is recorded");
        }
    }

    /** The workers pick up and drop recordings on their own threads: wait up to 5 s for the count. */
    private static int awaitTicks(Recorder recorder, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (recorder.tickingWorkers() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return recorder.tickingWorkers();
    }

    private static RecordingSpec spec(String id) {
        return new RecordingSpec(id, RecordingMode.BOTH, Side.A, "sip:alice@example.com", "sip:bob@example.com",
                "call-a", "call-b", false, List.of());
    }

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
