package io.callrec.sip;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.SIPStackTimerTask;
import gov.nist.javax.sip.stack.timers.SipTimer;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's timer with due times rounded up to a {@value #TICK_MILLIS} ms tick, so that every task due in the same
 * tick runs in one wake-up of the timer thread.
 *
 * <p>Why: the stack gives every live transaction a task that fires every 500 ms for as long as the transaction lives
 * (32 s after a final answer on UDP, RFC 3261 Timers J and L), and its default timer ({@code java.util.Timer}) sleeps
 * until exactly the next task's time, so with a few hundred calls the thread woke up for nearly every firing: a
 * thousand futex wake-ups a second, ~2.5 % of a core while 100 calls were recorded (docs/performance.md). RFC 3261
 * timers are lower bounds counted in units of T1 = 500 ms; running a task up to one tick late changes nothing a peer
 * can see.
 *
 * <p>A task that throws is logged and the others go on (the default timer printed the trace to stdout). Cancelled
 * tasks are dropped when their turn comes, as {@code java.util.Timer} does; {@link SIPStackTimerTask#cleanUpBeforeCancel}
 * is called at cancel time and the task reference released then, so a cancelled transaction is not kept alive.
 */
public final class CoalescingSipTimer implements SipTimer {
    static final long TICK_MILLIS = 20;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
    private static final Logger LOG = LoggerFactory.getLogger(CoalescingSipTimer.class);

    private final Object lock = new Object();
    private final PriorityQueue<Entry> queue = new PriorityQueue<>(); // guarded by lock
    private final long origin = System.nanoTime();
    private long sequence;            // guarded by lock: FIFO among tasks due in the same tick
    private long sleepingUntil;       // guarded by lock: the tick the thread waits for, Long.MAX_VALUE when idle
    private volatile boolean started;
    private long rounds;              // timer thread only (read by tests after the fact)
    private Thread thread;

    /** JAIN-SIP creates the timer by class name ({@code gov.nist.javax.sip.TIMER_CLASS_NAME}), then starts it. */
    public CoalescingSipTimer() {
    }

    @Override
    public void start(SipStackImpl stack, Properties configuration) {
        start();
    }

    void start() {
        synchronized (lock) {
            if (started) {
                return;
            }
            started = true;
            sleepingUntil = Long.MAX_VALUE;
            thread = new Thread(this::run, "sip-timer");
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Override
    public boolean isStarted() {
        return started;
    }

    @Override
    public void stop() {
        Thread t;
        synchronized (lock) {
            started = false;
            queue.clear();
            t = thread;
            lock.notifyAll();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean schedule(SIPStackTimerTask task, long delayMillis) {
        add(new Entry(task, 0), delayMillis);
        return true;
    }

    @Override
    public boolean scheduleWithFixedDelay(SIPStackTimerTask task, long delayMillis, long periodMillis) {
        if (periodMillis <= 0) {
            throw new IllegalArgumentException("period " + periodMillis + " ms: must be positive");
        }
        add(new Entry(task, TimeUnit.MILLISECONDS.toNanos(periodMillis)), delayMillis);
        return true;
    }

    @Override
    public boolean cancel(SIPStackTimerTask task) {
        if (!(task.getSipTimerTask() instanceof Entry entry)) {
            return false;
        }
        SIPStackTimerTask was = entry.task;
        if (was == null) {
            return false;
        }
        was.cleanUpBeforeCancel();
        entry.task = null;
        return true;
    }

    /** How many times the timer thread woke up and ran at least one task (tests). */
    long rounds() {
        synchronized (lock) {
            return rounds;
        }
    }

    private void add(Entry entry, long delayMillis) {
        entry.task.setSipTimerTask(entry);
        long due = dueTick(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMillis)));
        synchronized (lock) {
            if (!started) {
                throw new IllegalStateException("the SIP timer is stopped: no new task can be scheduled");
            }
            entry.due = due;
            entry.order = sequence++;
            queue.add(entry);
            // Wake the thread only when this task is due before the tick it sleeps towards: the common case (a new
            // transaction's 500 ms task behind older ones) costs no wake-up at all.
            if (due < sleepingUntil) {
                lock.notifyAll();
            }
        }
    }

    /** The first tick boundary at or after {@code nanos}. */
    private long dueTick(long nanos) {
        long sinceOrigin = nanos - origin;
        long ticks = (sinceOrigin + TICK_NANOS - 1) / TICK_NANOS;
        return origin + Math.max(0, ticks) * TICK_NANOS;
    }

    private void run() {
        List<Entry> due = new ArrayList<>();
        while (true) {
            synchronized (lock) {
                if (!takeDue(due)) {
                    return;
                }
                rounds++;
            }
            long now = System.nanoTime();
            for (int i = 0; i < due.size(); i++) {
                runOne(due.get(i), now);
            }
            due.clear();
        }
    }

    /** Waits until something is due, moves every entry due by now into {@code out}; false once stopped. */
    private boolean takeDue(List<Entry> out) {
        while (started) {
            Entry head = queue.peek();
            long now = System.nanoTime();
            if (head != null && head.due - now <= 0) {
                while (head != null && head.due - now <= 0) {
                    out.add(queue.poll());
                    head = queue.peek();
                }
                sleepingUntil = Long.MAX_VALUE;
                return true;
            }
            sleepingUntil = head == null ? Long.MAX_VALUE : head.due;
            try {
                if (head == null) {
                    lock.wait();
                } else {
                    long wait = head.due - now;
                    lock.wait(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private void runOne(Entry entry, long now) {
        SIPStackTimerTask task = entry.task;
        if (task == null) {
            return; // cancelled
        }
        try {
            task.runTask();
        } catch (RuntimeException | Error e) {
            LOG.warn("SIP timer task {} failed: {}", task.getClass().getName(), e.toString(), e);
        }
        if (entry.period > 0 && entry.task != null) {
            // From the tick it was due, not from now (a little after that tick): 500 ms stays 500 ms, not 520. A
            // round that ran late pushes the next one back (fixed delay, as the stack's default timer does).
            long next = dueTick(Math.max(entry.due + entry.period, now));
            synchronized (lock) {
                if (started && entry.task != null) {
                    entry.due = next;
                    entry.order = sequence++;
                    queue.add(entry);
                }
            }
        }
    }

    private static final class Entry implements Comparable<Entry> {
        volatile SIPStackTimerTask task;
        final long period;
        long due;   // guarded by the timer's lock while queued
        long order; // guarded by the timer's lock while queued

        Entry(SIPStackTimerTask task, long periodNanos) {
            this.task = task;
            this.period = periodNanos;
        }

        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(due - o.due, 0);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }
}
