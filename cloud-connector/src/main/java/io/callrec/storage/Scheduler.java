package io.callrec.storage;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Runs a task once after a delay: the seam through which tests drive time without sleeping. */
@FunctionalInterface
public interface Scheduler {
    /** A scheduled task that has not started yet can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    Cancellable schedule(Runnable task, Duration delay);

    /** Tasks run on the executor's threads; they may block for as long as the executor's other users allow. */
    static Scheduler of(ScheduledExecutorService executor) {
        return (task, delay) -> {
            ScheduledFuture<?> f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}
