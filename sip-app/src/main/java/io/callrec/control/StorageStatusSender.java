package io.callrec.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends {@code storage-status} to one leg at most once per interval (spec §2): a change inside the interval is sent
 * when it ends, and then only the latest state, and only if it differs from what the leg last got. Confined like
 * its {@link CallControl}.
 */
final class StorageStatusSender {
    private final Duration interval;
    private final Clock clock;
    private final BiFunction<Duration, Runnable, TaskScheduler.Cancellable> scheduler;
    private final Supplier<ControlMessage.StorageStatus> latest;
    private final Consumer<ControlMessage.StorageStatus> send;

    private ControlMessage.StorageStatus lastSent;
    private Instant lastSentAt;
    private TaskScheduler.Cancellable deferred;

    /**
     * @param scheduler runs the deferred send (in the call's confinement)
     * @param latest    the state to send when it is time
     * @param send      sends it to the leg
     */
    StorageStatusSender(Duration interval, Clock clock,
                        BiFunction<Duration, Runnable, TaskScheduler.Cancellable> scheduler,
                        Supplier<ControlMessage.StorageStatus> latest, Consumer<ControlMessage.StorageStatus> send) {
        this.interval = Objects.requireNonNull(interval, "interval");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.latest = Objects.requireNonNull(latest, "latest");
        this.send = Objects.requireNonNull(send, "send");
    }

    /** The state may have changed (or the leg may just have become able to receive it). */
    void update() {
        ControlMessage.StorageStatus now = latest.get();
        if (now.equals(lastSent) || deferred != null) {
            return; // nothing new, or a deferred send will carry the latest state
        }
        Instant t = clock.instant();
        Instant allowed = lastSentAt == null ? t : lastSentAt.plus(interval);
        if (t.isBefore(allowed)) {
            deferred = scheduler.apply(Duration.between(t, allowed), () -> {
                deferred = null;
                update();
            });
            return;
        }
        lastSent = now;
        lastSentAt = t;
        send.accept(now);
    }

    void cancel() {
        if (deferred != null) {
            deferred.cancel();
            deferred = null;
        }
    }
}
