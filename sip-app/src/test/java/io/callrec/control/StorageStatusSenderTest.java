package io.callrec.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callrec.control.ControlMessage.StorageStatus;
import io.callrec.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorageStatusSenderTest {
    private static final StorageStatus UP = new StorageStatus(true, null);
    private static final StorageStatus DOWN = new StorageStatus(false, "down");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T12:00:00Z"));
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final List<StorageStatus> sent = new ArrayList<>();
    private StorageStatus state = UP;
    private final StorageStatusSender sender = new StorageStatusSender(Duration.ofSeconds(10), clock,
            scheduler::schedule, () -> state, sent::add);

    @Test
    void firstAtOnceThenAtMostOncePerIntervalWithTheLatestState() {
        sender.update();
        sender.update();
        assertEquals(List.of(UP), sent);
        scheduler.advance(Duration.ofSeconds(1));
        state = DOWN;
        sender.update();
        sender.update();
        assertEquals(1, scheduler.pending(), "one deferred send, however many changes");
        scheduler.advance(Duration.ofSeconds(9));
        assertEquals(List.of(UP, DOWN), sent);
        scheduler.advance(Duration.ofSeconds(10));
        state = UP;
        sender.update();
        assertEquals(List.of(UP, DOWN, UP), sent);
    }

    @Test
    void aChangeUndoneWithinTheIntervalIsNotSent() {
        sender.update();
        state = DOWN;
        sender.update();
        state = UP;
        scheduler.advance(Duration.ofSeconds(10));
        assertEquals(List.of(UP), sent);
    }

    @Test
    void cancelDropsTheDeferredSend() {
        sender.update();
        state = DOWN;
        sender.update();
        sender.cancel();
        scheduler.advance(Duration.ofSeconds(20));
        assertEquals(List.of(UP), sent);
    }
}
