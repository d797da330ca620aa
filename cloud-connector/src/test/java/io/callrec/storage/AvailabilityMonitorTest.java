package io.callrec.storage;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AvailabilityMonitorTest {
    private final ManualScheduler time = new ManualScheduler(Instant.parse("2026-11-25T12:00:00Z"));
    private final ScriptedBackend backend = new ScriptedBackend();
    private final List<StorageStatus> events = new ArrayList<>();
    private final AvailabilityMonitor monitor = new AvailabilityMonitor(backend, time, time, Duration.ofSeconds(10));

    {
        monitor.addListener(events::add);
    }

    @Test
    void theFirstResultIsAnnouncedThenOnlyChanges() {
        assertFalse(monitor.current().available(), "not checked yet");
        monitor.start();
        time.advance(Duration.ZERO);
        assertEquals(1, backend.probes);
        assertEquals(1, events.size());
        assertTrue(events.get(0).available());

        time.advance(Duration.ofSeconds(30));
        assertEquals(4, backend.probes, "every 10 s");
        assertEquals(1, events.size(), "no repeats");

        backend.down = "connection refused";
        time.advance(Duration.ofSeconds(10));
        assertEquals(2, events.size());
        assertFalse(events.get(1).available());
        assertEquals("connection refused", events.get(1).reason());
        assertEquals("connection refused", monitor.current().reason());

        backend.down = "bucket gone";
        time.advance(Duration.ofSeconds(10));
        assertEquals(2, events.size(), "still unavailable: not a change of availability");
        assertEquals("bucket gone", monitor.current().reason(), "but current() has the latest reason");

        backend.down = null;
        time.advance(Duration.ofSeconds(10));
        assertEquals(3, events.size());
        assertTrue(events.get(2).available());
    }

    @Test
    void aReportedFailureIsProbedAtOnceNotAtTheNextTick() {
        monitor.start();
        time.advance(Duration.ofSeconds(3));
        assertEquals(1, backend.probes);

        backend.down = "HTTP 503";
        monitor.reportFailure("upload of r-1 failed");
        time.advance(Duration.ZERO);
        assertEquals(2, backend.probes, "probed right away, 7 s before the tick");
        assertFalse(events.get(events.size() - 1).available());

        // The regular rhythm resumes from the extra probe.
        time.advance(Duration.ofSeconds(9));
        assertEquals(2, backend.probes);
        time.advance(Duration.ofSeconds(1));
        assertEquals(3, backend.probes);
    }

    @Test
    void manyFailuresAtOnceCostOneProbeASecondAtMost() {
        monitor.start();
        time.advance(Duration.ZERO);
        for (int i = 0; i < 50; i++) {
            monitor.reportFailure("upload " + i);
        }
        time.advance(Duration.ofMillis(999));
        assertEquals(1, backend.probes, "the last probe was less than a second ago");
        time.advance(Duration.ofMillis(1));
        assertEquals(2, backend.probes, "then one probe for all fifty reports");
        time.advance(Duration.ofSeconds(5));
        assertEquals(2, backend.probes);
    }

    @Test
    void retryAfterIsTheTimeToTheNextProbeButAtLeastASecond() {
        monitor.start();
        time.advance(Duration.ofSeconds(4));
        assertEquals(Duration.ofSeconds(6), monitor.retryAfter());
        time.advance(Duration.ofMillis(5_500));
        assertEquals(Duration.ofSeconds(1), monitor.retryAfter());
    }

    @Test
    void aFailingListenerOrProbeDoesNotStopTheMonitor() {
        monitor.addListener(s -> {
            throw new IllegalStateException("listener bug");
        });
        monitor.start();
        time.advance(Duration.ZERO);
        backend.explode = true;
        time.advance(Duration.ofSeconds(10));
        assertFalse(monitor.current().available());
        assertTrue(monitor.current().reason().startsWith("probe failed"), monitor.current().reason());
        backend.explode = false;
        time.advance(Duration.ofSeconds(10));
        assertTrue(monitor.current().available());
        assertEquals(3, events.size());
    }

    @Test
    void closeStopsProbing() {
        monitor.start();
        time.advance(Duration.ZERO);
        monitor.close();
        monitor.reportFailure("late");
        time.advance(Duration.ofMinutes(1));
        assertEquals(1, backend.probes);
        assertEquals(0, time.pending());
    }

    @Test
    void theOwnThreadVariantProbesAndStops() throws Exception {
        try (AvailabilityMonitor m = AvailabilityMonitor.start(backend, Duration.ofSeconds(10))) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!m.current().available() && System.nanoTime() < deadline) {
                Thread.sleep(5); // a real thread: the only wait in this class
            }
            assertTrue(m.current().available());
        }
    }

    /** A backend whose health the test sets. */
    private final class ScriptedBackend implements StorageBackend {
        volatile String down;
        volatile boolean explode;
        int probes;

        @Override
        public String describe() {
            return "scripted";
        }

        @Override
        public StorageStatus probe() {
            probes++;
            if (explode) {
                throw new IllegalStateException("probe bug");
            }
            return down == null ? StorageStatus.up(time.instant()) : StorageStatus.down(down, time.instant());
        }

        @Override
        public void allocate(String recordingId) {
        }

        @Override
        public void put(String recordingId, String name, Path file, String sha256) {
        }

        @Override
        public Optional<Long> size(String recordingId, String name) {
            return Optional.empty();
        }

        @Override
        public InputStream open(String recordingId, String name, long offset, long length) {
            return InputStream.nullInputStream();
        }
    }
}
