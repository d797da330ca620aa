package io.callrec.control;

import java.time.Duration;

/**
 * Runs {@link CallControl}'s timers (consent timeout, deferred {@code storage-status}). A task must run confined
 * like every other input of that call: the B2BUA's implementation takes the call's lock around it, and drops the
 * task if the call has ended.
 */
public interface TaskScheduler {

    /** Runs {@code task} once after {@code delay}, unless cancelled first. */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task. */
    interface Cancellable {
        /** Stops the task from running; no effect once it ran. */
        void cancel();
    }
}
