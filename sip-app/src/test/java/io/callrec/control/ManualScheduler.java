package io.callrec.control;

import io.callrec.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A {@link TaskScheduler} driven by a {@link MutableClock}: {@link #advance} moves time and runs what fell due. */
final class ManualScheduler implements TaskScheduler {
    private final MutableClock clock;
    private final List<Task> tasks = new ArrayList<>();
    private long sequence;

    ManualScheduler(MutableClock clock) {
        this.clock = clock;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(clock.instant().plus(delay), sequence++, task);
        tasks.add(t);
        return () -> tasks.remove(t);
    }

    /** Moves the clock forward, running each task at its due time, in order. */
    void advance(Duration step) {
        Instant end = clock.instant().plus(step);
        while (true) {
            Task next = tasks.stream().filter(t -> !t.due.isAfter(end))
                    .min(Comparator.comparing(Task::due).thenComparingLong(Task::seq)).orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            clock.advance(Duration.between(clock.instant(), next.due));
            next.run.run();
        }
        clock.advance(Duration.between(clock.instant(), end));
    }

    int pending() {
        return tasks.size();
    }

    private record Task(Instant due, long seq, Runnable run) {
    }
}
