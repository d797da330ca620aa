package io.callrec.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.PriorityQueue;

/** A scheduler and clock that move only when a test says so: no sleeps, no threads. */
public final class ManualScheduler extends Clock implements Scheduler {
    private Instant now;
    private long sequence;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
            Comparator.comparing((Task t) -> t.due).thenComparingLong(t -> t.order));

    private static final class Task {
        final Instant due;
        final long order;
        final Runnable body;
        boolean cancelled;

        Task(Instant due, long order, Runnable body) {
            this.due = due;
            this.order = order;
            this.body = body;
        }
    }

    public ManualScheduler(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, Duration delay) {
        Task t = new Task(now.plus(delay), sequence++, task);
        tasks.add(t);
        return () -> {
            synchronized (ManualScheduler.this) {
                t.cancelled = true;
            }
        };
    }

    /** Runs, in order, every task due within {@code d} (including ones they schedule), moving the clock along. */
    public void advance(Duration d) {
        Instant target;
        synchronized (this) {
            target = now.plus(d);
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due.isAfter(target)) {
                    now = target;
                    return;
                }
                tasks.poll();
                if (next.cancelled) {
                    continue;
                }
                if (next.due.isAfter(now)) {
                    now = next.due;
                }
            }
            next.body.run();
        }
    }

    /** Tasks scheduled and neither run nor cancelled. */
    public synchronized long pending() {
        return tasks.stream().filter(t -> !t.cancelled).count();
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("tests use UTC");
    }
}
