package io.callrec.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Knows whether storage is available: probes the backend every {@code interval}, and soon after anyone reports a
 * failure, so that a dead store is noticed in seconds rather than at the next tick. Listeners hear about changes of
 * availability only (the first result counts as a change), never repeats: the control layer turns them into
 * {@code storage-status} INFOs. Thread-safe.
 */
public final class AvailabilityMonitor implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Failures of many uploads at once must not turn into a probe storm. */
    static final Duration MIN_GAP_AFTER_FAILURE = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(AvailabilityMonitor.class);

    /** Called on the probing thread; must not block for long. */
    @FunctionalInterface
    public interface Listener {
        void onChange(StorageStatus status);
    }

    private final StorageBackend backend;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Duration interval;
    private final ScheduledExecutorService ownExecutor;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Object probeLock = new Object();

    private final Object lock = new Object();
    private StorageStatus current;          // guarded by lock; null until the first probe
    private Instant lastProbeAt;            // guarded by lock
    private Instant nextProbeAt;            // guarded by lock
    private Scheduler.Cancellable next;     // guarded by lock
    private boolean closed;                 // guarded by lock

    /**
     * @param scheduler runs the probes: its thread may block for a probe's timeout (a few seconds with S3)
     */
    public AvailabilityMonitor(StorageBackend backend, Scheduler scheduler, Clock clock, Duration interval) {
        this(backend, scheduler, clock, interval, null);
    }

    private AvailabilityMonitor(StorageBackend backend, Scheduler scheduler, Clock clock, Duration interval,
                                ScheduledExecutorService ownExecutor) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.interval = interval;
        this.ownExecutor = ownExecutor;
    }

    /** A started monitor with its own probing thread ({@code storage-monitor}), stopped by {@link #close()}. */
    public static AvailabilityMonitor start(StorageBackend backend, Duration interval) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storage-monitor");
            t.setDaemon(true);
            return t;
        });
        AvailabilityMonitor m = new AvailabilityMonitor(backend, Scheduler.of(executor), Clock.systemUTC(), interval,
                executor);
        m.start();
        return m;
    }

    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Schedules the first probe now. */
    public void start() {
        scheduleProbe(clock.instant());
    }

    /** The latest result; before the first probe, unavailable with reason "not checked yet". */
    public StorageStatus current() {
        synchronized (lock) {
            return current != null ? current : StorageStatus.down("not checked yet", clock.instant());
        }
    }

    /** When it is worth asking again ({@code retryAfter} of {@code storage-unavailable}): the next probe, ≥ 1 s. */
    public Duration retryAfter() {
        synchronized (lock) {
            Duration d = nextProbeAt == null ? interval : Duration.between(clock.instant(), nextProbeAt);
            return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
        }
    }

    /**
     * Someone's storage operation failed: probe again soon (at once, unless a probe ran less than a second ago),
     * so that listeners learn of an outage without waiting for the next tick.
     */
    public void reportFailure(String what) {
        LOG.debug("storage failure reported: {}", what);
        Instant now = clock.instant();
        synchronized (lock) {
            Instant at = lastProbeAt == null ? now : later(now, lastProbeAt.plus(MIN_GAP_AFTER_FAILURE));
            if (nextProbeAt != null && !nextProbeAt.isAfter(at)) {
                return; // a probe is due by then anyway
            }
            scheduleProbe(at);
        }
    }

    /** Probes now on the calling thread, tells listeners if availability changed, and returns the result. */
    public StorageStatus probeNow() {
        synchronized (probeLock) {
            StorageStatus s;
            try {
                s = backend.probe();
            } catch (RuntimeException e) {
                s = StorageStatus.down("probe failed: " + e.getClass().getSimpleName(), clock.instant());
            }
            StorageStatus before;
            synchronized (lock) {
                before = current;
                current = s;
                lastProbeAt = clock.instant();
            }
            if (before == null || before.available() != s.available()) {
                announce(s);
            }
            return s;
        }
    }

    private void scheduledProbe() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            next = null;
            nextProbeAt = null;
        }
        try {
            probeNow();
        } finally {
            synchronized (lock) {
                if (next == null) {
                    scheduleProbe(clock.instant().plus(interval));
                }
            }
        }
    }

    private void scheduleProbe(Instant at) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (next != null) {
                next.cancel();
            }
            nextProbeAt = at;
            Duration delay = Duration.between(clock.instant(), at);
            next = scheduler.schedule(this::scheduledProbe, delay.isNegative() ? Duration.ZERO : delay);
        }
    }

    private void announce(StorageStatus s) {
        if (s.available()) {
            LOG.info("storage {} is available", backend.describe());
        } else {
            LOG.warn("storage {} is unavailable: {}", backend.describe(), s.reason());
        }
        for (Listener l : listeners) {
            try {
                l.onChange(s);
            } catch (RuntimeException e) {
                LOG.error("storage status listener failed", e);
            }
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** Stops probing (and the own thread of a monitor made by {@link #start(StorageBackend, Duration)}). */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (next != null) {
                next.cancel();
                next = null;
            }
        }
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
            try {
                ownExecutor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
