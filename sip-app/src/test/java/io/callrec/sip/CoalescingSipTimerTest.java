package io.callrec.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.stack.SIPStackTimerTask;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CoalescingSipTimerTest {
    private final CoalescingSipTimer timer = new CoalescingSipTimer();

    @BeforeEach
    void start() {
        timer.start();
    }

    @AfterEach
    void stop() {
        timer.stop();
    }

    @Test
    void aTaskRunsOnceAndNeverBeforeItsDelay() throws Exception {
        long t0 = System.nanoTime();
        Counting task = new Counting();
        assertTrue(timer.schedule(task, 150));
        assertTrue(task.runs.await(5, TimeUnit.SECONDS), "ran");
        long after = TimeUnit.NANOSECONDS.toMillis(task.firstRunNanos - t0);
        assertTrue(after >= 150, "ran after " + after + " ms, before its 150 ms");
        Thread.sleep(200);
        assertEquals(1, task.count.get(), "a one-shot task runs once");
    }

    @Test
    void tasksDueInTheSameTickRunInOneWakeUp() throws Exception {
        long before = timer.rounds();
        CountDownLatch all = new CountDownLatch(200);
        // 200 tasks due within ~2 ms (as the transactions of a burst of calls): they fall into one tick, or two
        // when the burst straddles a tick's edge; a timer that slept until each task's own time would wake many times.
        for (int i = 0; i < 200; i++) {
            timer.schedule(task(all::countDown), 300 + i % 2);
        }
        assertTrue(all.await(5, TimeUnit.SECONDS));
        assertTrue(timer.rounds() - before <= 2, (timer.rounds() - before) + " wake-ups for 200 tasks due within 2 ms");
    }

    @Test
    void aPeriodicTaskRepeatsEveryPeriodUntilCancelled() throws Exception {
        Counting task = new Counting();
        long t0 = System.nanoTime();
        timer.scheduleWithFixedDelay(task, 0, 100);
        Thread.sleep(1050);
        int runs = task.count.get();
        // 0, 100, ..., 1000 ms: 11 runs if on time; fewer only if the machine stalled the thread, never more
        assertTrue(runs >= 5 && runs <= 11, runs + " runs in 1.05 s of a 100 ms period");
        synchronized (task.at) {
            for (int k = 0; k < task.at.size(); k++) {
                long since = TimeUnit.NANOSECONDS.toMillis(task.at.get(k) - t0);
                assertTrue(since >= 100L * k, "run " + k + " came early, " + since + " ms after scheduling");
            }
        }
        assertTrue(timer.cancel(task));
        assertEquals(1, task.cleanUps.get(), "the stack's clean-up runs at cancel time");
        int atCancel = task.count.get();
        Thread.sleep(300);
        assertEquals(atCancel, task.count.get(), "nothing runs after cancel");
        assertFalse(timer.cancel(task), "a second cancel changes nothing");
    }

    @Test
    void aPeriodOfFiveHundredMillisStaysFiveHundred() throws Exception {
        Counting task = new Counting();
        timer.scheduleWithFixedDelay(task, 0, 500);
        Thread.sleep(2600);
        timer.cancel(task);
        // Rounding the next run from "now" instead of from the tick it was due would make it 520 ms: 5 runs in
        // 2.6 s would become fewer and the gaps would show it.
        List<Long> gaps = task.gapsMillis();
        assertTrue(gaps.size() >= 3, "runs: " + (gaps.size() + 1));
        long median = gaps.stream().sorted().toList().get(gaps.size() / 2);
        assertTrue(median >= 499 && median <= 510, "median gap " + median + " ms of " + gaps);
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheOthers() throws Exception {
        timer.schedule(task(() -> {
            throw new IllegalStateException("boom (expected by the test)");
        }), 10);
        Counting after = new Counting();
        timer.schedule(after, 60);
        assertTrue(after.runs.await(5, TimeUnit.SECONDS), "a later task still runs");
    }

    @Test
    void aTaskMayScheduleAnotherFromItsRun() throws Exception {
        Counting inner = new Counting();
        timer.schedule(task(() -> timer.schedule(inner, 10)), 10);
        assertTrue(inner.runs.await(5, TimeUnit.SECONDS));
    }

    @Test
    void anEarlierTaskWakesATimerSleepingTowardsALaterOne() throws Exception {
        timer.schedule(new Counting(), 10_000);
        Thread.sleep(50); // the thread now sleeps towards +10 s
        long t0 = System.nanoTime();
        Counting soon = new Counting();
        timer.schedule(soon, 30);
        assertTrue(soon.runs.await(5, TimeUnit.SECONDS));
        long took = TimeUnit.NANOSECONDS.toMillis(soon.firstRunNanos - t0);
        assertTrue(took < 3000, "ran after " + took + " ms, not at the far task's time");
    }

    @Test
    void nothingRunsOrIsScheduledAfterStop() throws Exception {
        Counting task = new Counting();
        timer.schedule(task, 100);
        timer.stop();
        assertFalse(timer.isStarted());
        Thread.sleep(200);
        assertEquals(0, task.count.get());
        assertThrows(IllegalStateException.class, () -> timer.schedule(new Counting(), 1));
    }

    private static SIPStackTimerTask task(Runnable body) {
        return new SIPStackTimerTask() {
            @Override
            public void runTask() {
                body.run();
            }

            @Override
            public Object getThreadHash() {
                return null;
            }
        };
    }

    private static final class Counting extends SIPStackTimerTask {
        @Override
        public Object getThreadHash() {
            return null;
        }

        final AtomicInteger count = new AtomicInteger();
        final AtomicInteger cleanUps = new AtomicInteger();
        final CountDownLatch runs = new CountDownLatch(1);
        final List<Long> at = Collections.synchronizedList(new ArrayList<>());
        volatile long firstRunNanos;

        @Override
        public void runTask() {
            long now = System.nanoTime();
            if (count.getAndIncrement() == 0) {
                firstRunNanos = now;
            }
            at.add(now);
            runs.countDown();
        }

        @Override
        public void cleanUpBeforeCancel() {
            cleanUps.incrementAndGet();
        }

        List<Long> gapsMillis() {
            List<Long> gaps = new ArrayList<>();
            synchronized (at) {
                for (int i = 1; i < at.size(); i++) {
                    gaps.add(TimeUnit.NANOSECONDS.toMillis(at.get(i) - at.get(i - 1)));
                }
            }
            return gaps;
        }
    }
}
