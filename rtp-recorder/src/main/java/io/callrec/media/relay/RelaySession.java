package io.callrec.media.relay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media of one call: its streams (one per SDP m-line), the recording tap and the inactivity watch.
 * All methods are thread-safe.
 */
public final class RelaySession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelaySession.class);
    /** How long a closing thread waits for the relay threads to let go of the sockets before closing them itself. */
    private static final long CLOSE_WAIT_MILLIS = 2000;
    private static final VarHandle LAST_ACTIVITY;

    static {
        try {
            LAST_ACTIVITY = MethodHandles.lookup().findVarHandle(RelaySession.class, "lastActivityNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RtpRelay relay;
    private final String name;
    private final SessionListener listener;
    private final TimeSource time;
    private final Map<Integer, RelayStream> streams = new TreeMap<>(); // guarded by this
    private volatile boolean closed;
    private volatile RecordingTap tap;
    private volatile long timeoutNanos;
    /**
     * When the session was made or a party named a new address ({@link #touch}). Packets are not written here: the
     * relay threads already store each party's last-seen time in its {@link StreamCounters}, and a second store per
     * packet into a line the sweeper reads would cost every packet for the sake of a check made once a period.
     */
    private volatile long lastActivityNanos;
    // Sweeper thread only.
    private boolean inactiveReported;
    private long inactiveReportedFor;

    RelaySession(RtpRelay relay, String name, SessionListener listener, TimeSource time, Duration timeout) {
        this.relay = relay;
        this.name = Objects.requireNonNull(name, "name");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.time = time;
        this.timeoutNanos = timeout.toNanos();
        this.lastActivityNanos = time.nanoTime();
    }

    RtpRelay relay() {
        return relay;
    }

    /** The name given at creation, for logs (e.g. the Call-ID). */
    public String name() {
        return name;
    }

    /**
     * Gets or creates the stream for SDP m-line {@code index}; creating allocates two port pairs (RTP even,
     * RTCP = RTP + 1), one facing each side. If the index holds a stream of another media type (a rejected m-line slot
     * reused), that stream is replaced.
     *
     * @throws PortsExhaustedException if no port pair is left
     * @throws IllegalStateException   if the session is closed
     */
    public RelayStream stream(int index, String mediaType) throws PortsExhaustedException {
        Objects.requireNonNull(mediaType, "mediaType");
        if (index < 0) {
            throw new IllegalArgumentException("m-line index " + index + " must not be negative");
        }
        RelayStream created;
        RelayStream replaced;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("session " + name + " is closed");
            }
            RelayStream existing = streams.get(index);
            if (existing != null && existing.mediaType().equals(mediaType)) {
                return existing;
            }
            created = relay.createStream(this, index, mediaType);
            replaced = streams.put(index, created);
            created.startReading();
        }
        if (replaced != null) {
            awaitClosed(List.of(replaced));
        }
        return created;
    }

    public Optional<RelayStream> existing(int index) {
        synchronized (this) {
            return Optional.ofNullable(streams.get(index));
        }
    }

    /** The m-line was rejected or removed: frees its ports. Nothing happens if there is no such stream. */
    public void removeStream(int index) {
        RelayStream removed;
        synchronized (this) {
            removed = streams.remove(index);
        }
        if (removed != null) {
            awaitClosed(List.of(removed));
        }
    }

    /** The streams ordered by m-line index. */
    public List<RelayStream> streams() {
        synchronized (this) {
            return List.copyOf(streams.values());
        }
    }

    /** Sets the recording tap; null = no tap. Takes effect for the next packet. */
    public void setTap(RecordingTap tap) {
        this.tap = tap;
    }

    /** Overrides the inactivity timeout (e.g. longer while on hold); {@link Duration#ZERO} = never. */
    public void setInactivityTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout " + timeout + " must not be negative");
        }
        this.timeoutNanos = timeout.toNanos();
    }

    /** The timeout {@link SessionListener#onInactive} currently applies to this session; ZERO = never. */
    public Duration inactivityTimeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    /** The time of the last packet accepted on any stream, or of the session's creation or last new remote address. */
    public Instant lastActivity() {
        return time.toInstant(lastActivityNanos());
    }

    private long lastActivityNanos() {
        long last = lastActivityNanos;
        for (RelayStream stream : streams()) {
            for (Side side : Side.values()) {
                long seen = stream.counters(side).lastSeenNanos();
                if (seen != StreamCounters.NEVER && seen - last > 0) {
                    last = seen;
                }
            }
        }
        return last;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Frees every port; idempotent, safe from any thread (on a relay thread, e.g. from a tap, it does not wait). */
    @Override
    public void close() {
        List<RelayStream> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(streams.values());
            streams.clear();
        }
        tap = null;
        relay.forget(this);
        awaitClosed(toClose);
    }

    /**
     * Ends the session's media, keeping its ports open {@code linger} longer when a packet was relayed within that
     * time: packets already on their way when the call ended (the far end's echo of the last words, the last packet
     * sent before the BYE) still reach the other side instead of a closed port (rtpengine keeps a deleted call's
     * ports for its {@code delete-delay} for the same reason). The tap and the inactivity check stop at once; a
     * session that carried nothing lately closes at once. Idempotent with {@link #close()}.
     */
    public void closeAfterInFlight(Duration linger) {
        tap = null;
        timeoutNanos = 0;
        long lingerNanos = linger.toNanos();
        if (lingerNanos <= 0 || closed || !relayedWithin(lingerNanos)) {
            close();
            return;
        }
        relay.later(this::close, lingerNanos);
    }

    /**
     * By the streams' last accepted packets, not {@link #lastActivity()}: that also moves when the session is made
     * and when a re-offer names a new address, so a call hung up right after setup would linger with nothing in flight.
     */
    private boolean relayedWithin(long nanos) {
        long since = time.nanoTime() - nanos;
        for (RelayStream stream : streams()) {
            for (Side side : Side.values()) {
                long last = stream.counters(side).lastSeenNanos();
                if (last != StreamCounters.NEVER && last - since > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "RelaySession[" + name + "]";
    }

    RecordingTap tap() {
        return tap;
    }

    void touch(long nanos) {
        LAST_ACTIVITY.setRelease(this, nanos);
    }

    /** Sweeper thread: reports inactivity once per idle period. */
    void checkInactive(long nowNanos) {
        long timeout = timeoutNanos;
        if (timeout == 0 || closed) {
            return;
        }
        long last = lastActivityNanos();
        long idle = nowNanos - last;
        if (idle < timeout || (inactiveReported && inactiveReportedFor == last)) {
            return;
        }
        inactiveReported = true;
        inactiveReportedFor = last;
        try {
            listener.onInactive(this, Duration.ofNanos(idle));
        } catch (RuntimeException e) {
            LOG.warn("inactivity listener of {} failed", name, e);
        }
    }

    private void awaitClosed(List<RelayStream> toClose) {
        List<CountDownLatch> pending = new ArrayList<>(toClose.size());
        for (RelayStream stream : toClose) {
            pending.add(stream.beginClose());
        }
        if (relay.isRelayThread()) {
            return; // a relay thread cannot wait for relay threads; the ports follow after its next select
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        boolean interrupted = false;
        for (int i = 0; i < toClose.size(); i++) {
            boolean done = false;
            try {
                done = pending.get(i).await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (!done) {
                LOG.warn("relay thread did not close {} in time; closing it directly", toClose.get(i));
                toClose.get(i).forceClose();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
