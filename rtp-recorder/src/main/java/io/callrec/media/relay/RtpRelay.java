package io.callrec.media.relay;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTP/RTCP relay: every call's media passes through it, unchanged, between the two parties.
 *
 * <p>A few selector threads ({@code rtp-relay-N}) carry all packets; each stream's four sockets live on one of them,
 * chosen round-robin, so everything about a stream is written by one thread. A sweeper thread
 * ({@code rtp-relay-sweeper}) reports idle sessions. The signalling side talks to it through {@link RelaySession}.
 */
public final class RtpRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtpRelay.class);
    private static final Duration SWEEP_PERIOD = Duration.ofSeconds(1);
    private static final long STOP_WAIT_MILLIS = 2000;

    private final RelayConfig config;
    private final TimeSource time;
    private final PortAllocator ports;
    private final RelayLoop[] loops;
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final ScheduledExecutorService sweeper;
    private final Set<RelaySession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final DtlsCounters dtls = new DtlsCounters();

    private RtpRelay(RelayConfig config, TimeSource time, RelayLoop[] loops) {
        this.config = config;
        this.time = time;
        this.loops = loops;
        this.ports = new PortAllocator(config.bindAddress(), config.portMin(), config.portMax());
        this.sweeper = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "rtp-relay-sweeper");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the selector thread(s) and the sweeper. */
    public static RtpRelay start(RelayConfig config) throws IOException {
        return start(config, TimeSource.system(), SWEEP_PERIOD);
    }

    static RtpRelay start(RelayConfig config, TimeSource time, Duration sweepPeriod) throws IOException {
        Objects.requireNonNull(config, "config");
        RelayLoop[] loops = new RelayLoop[config.threads()];
        try {
            for (int i = 0; i < loops.length; i++) {
                loops[i] = new RelayLoop("rtp-relay-" + i, time);
            }
        } catch (IOException e) {
            for (RelayLoop loop : loops) {
                if (loop != null) {
                    loop.stop(0);
                }
            }
            throw e;
        }
        RtpRelay relay = new RtpRelay(config, time, loops);
        for (RelayLoop loop : loops) {
            loop.start();
        }
        long period = sweepPeriod.toNanos();
        relay.sweeper.scheduleWithFixedDelay(relay::sweepSafely, period, period, TimeUnit.NANOSECONDS);
        LOG.info("RTP relay on {} ports {}-{} with {} thread(s)", config.bindAddress().getHostAddress(),
                config.portMin(), config.portMax(), config.threads());
        return relay;
    }

    /**
     * Opens the media session of one call.
     *
     * @param name     for logs (e.g. the Call-ID)
     * @param listener told when the session goes idle
     * @throws IllegalStateException if the relay is closed
     */
    public RelaySession openSession(String name, SessionListener listener) {
        ensureOpen();
        RelaySession session = new RelaySession(this, name, listener, time, config.inactivityTimeout());
        sessions.add(session);
        if (closed.get()) {
            session.close();
            ensureOpen();
        }
        return session;
    }

    public int activeSessions() {
        return sessions.size();
    }

    /** Ports bound for streams (RTP and RTCP, both sides): four per stream. */
    public int portsInUse() {
        return ports.portsInUse();
    }

    /** Counters over all sessions since start. */
    public RelayTotals totals() {
        LoopCounters[] counters = new LoopCounters[loops.length];
        for (int i = 0; i < loops.length; i++) {
            counters[i] = loops[i].counters();
        }
        return LoopCounters.sum(dtls, counters);
    }

    /** Handshake outcomes, counted by the streams' DTLS legs. */
    DtlsCounters dtlsCounters() {
        return dtls;
    }

    public RelayConfig config() {
        return config;
    }

    /** Closes every session and socket and stops the threads; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        sweeper.shutdownNow();
        for (RelaySession session : new ArrayList<>(sessions)) {
            session.close();
        }
        for (RelayLoop loop : loops) {
            loop.stop(STOP_WAIT_MILLIS);
        }
        LOG.info("RTP relay stopped: {}", totals());
    }

    RelayStream createStream(RelaySession session, int index, String mediaType) throws PortsExhaustedException {
        ensureOpen();
        PortAllocator.PortPair facingA = ports.allocate();
        PortAllocator.PortPair facingB;
        try {
            facingB = ports.allocate();
        } catch (PortsExhaustedException e) {
            closeQuietly(facingA);
            ports.release(facingA.rtpPort());
            throw e;
        }
        int kind = RelayLoop.kindOf(mediaType);
        RelayLoop loop;
        synchronized (loops) {
            loop = leastLoaded(kind);
            loop.streamOpened(kind);
        }
        try {
            return new RelayStream(session, index, mediaType, facingA, facingB, config.bindAddress(), loop, ports,
                    time, config.learningWindow().toNanos());
        } catch (RuntimeException | Error e) {
            loop.streamClosed(kind);
            throw e;
        }
    }

    /**
     * The loop for a new stream of {@code kind}: the one with the fewest streams of that kind, then the fewest in all,
     * then the next in turn. Plain round robin put every call's audio (m-line 0) on one thread and its video (m-line
     * 1) on the other with two threads, so one thread did twice the other's work in a video call load. Caller holds
     * the lock on {@link #loops}.
     */
    private RelayLoop leastLoaded(int kind) {
        int start = Math.floorMod(nextLoop.getAndIncrement(), loops.length);
        RelayLoop best = null;
        for (int i = 0; i < loops.length; i++) {
            RelayLoop candidate = loops[(start + i) % loops.length];
            if (best == null || candidate.streams(kind) < best.streams(kind)
                    || candidate.streams(kind) == best.streams(kind) && candidate.streams() < best.streams()) {
                best = candidate;
            }
        }
        return best;
    }

    void forget(RelaySession session) {
        sessions.remove(session);
    }

    boolean isRelayThread() {
        for (RelayLoop loop : loops) {
            if (loop.inLoopThread()) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code action} on the sweeper thread after {@code nanos}; at once (here) when the relay is closing. */
    void later(Runnable action, long nanos) {
        try {
            sweeper.schedule(action, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            action.run();
        }
    }

    /** Reports idle sessions; the sweeper calls it periodically, tests call it directly. */
    void sweep() {
        long now = time.nanoTime();
        for (RelaySession session : sessions) {
            session.checkInactive(now);
        }
    }

    List<Long> loopThreadIds() {
        List<Long> ids = new ArrayList<>(loops.length);
        for (RelayLoop loop : loops) {
            ids.add(loop.threadId());
        }
        return ids;
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // A throwing periodic task would be cancelled for good; keep sweeping.
            LOG.error("inactivity sweep failed", e);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("RTP relay is closed");
        }
    }

    private static void closeQuietly(PortAllocator.PortPair pair) {
        try {
            pair.rtp().close();
        } catch (IOException e) {
            LOG.debug("closing port {} failed: {}", pair.rtpPort(), e.toString());
        }
        try {
            pair.rtcp().close();
        } catch (IOException e) {
            LOG.debug("closing port {} failed: {}", pair.rtcpPort(), e.toString());
        }
    }
}
