package io.callrec.media.relay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What arrived from one party on one stream: packet and byte counts, RFC 3550 loss and interarrival jitter, drops.
 *
 * <p>Written only by the relay thread that owns the stream (the {@code on*}/{@code count*} methods), readable from
 * any thread. Published values live in a {@code long[]} written with release stores through a {@link VarHandle}
 * (not an {@code AtomicLongArray}: one object less for the packet path to reach): a single writer needs
 * no read-modify-write atomics, and readers see each value whole. Values read one after another may belong to
 * slightly different moments; {@link #snapshot()} is good enough for statistics, not for accounting identities.
 */
public final class StreamCounters {
    private static final int RTP_PACKETS = 0;
    private static final int RTP_BYTES = 1;
    private static final int RTCP_PACKETS = 2;
    private static final int EXPECTED = 3;
    private static final int LOST = 4;
    private static final int JITTER_MS_BITS = 5;
    private static final int LAST_SEEN_NANOS = 6;
    private static final int DROPPED_STRANGER = 7;
    private static final int DROPPED_MALFORMED = 8;
    private static final int DROPPED_OVERSIZED = 9;
    private static final int SSRC_CHANGES = 10;
    private static final int SLOTS = 11;

    /** {@link #lastSeenNanos()} of a stream that has accepted no packet yet. */
    static final long NEVER = Long.MIN_VALUE;
    private static final long NO_JITTER = Double.doubleToRawLongBits(Double.NaN);

    /** RFC 3550 A.1: a jump forward of fewer packets than this is loss, not a restart. */
    static final int MAX_DROPOUT = 3000;
    /** RFC 3550 A.1: a jump backward of fewer packets than this is reordering or a duplicate. */
    static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final TimeSource time;
    private final long[] published = new long[SLOTS];
    private volatile int clockRate;

    // Writer state, touched only by the owning relay thread (RFC 3550 A.1 and A.8 variables).
    private boolean sequenceStarted;
    private int ssrc;
    private int baseSeq;
    private int maxSeq;
    private int badSeq;
    private long cycles;
    private long received;
    private long carriedExpected;
    private long carriedReceived;
    private int jitterRate;
    private boolean jitterPrimed;
    private long previousArrivalNanos;
    private int previousTimestamp;
    private double jitter;

    StreamCounters(TimeSource time) {
        this.time = Objects.requireNonNull(time, "time");
        SLOT.set(published, LAST_SEEN_NANOS, NEVER);
        SLOT.set(published, JITTER_MS_BITS, NO_JITTER);
    }

    // ---- writer side (relay thread) -------------------------------------------------------------------------

    /** Accounts a valid RTP packet held in {@code packet[0..length)}. */
    void onRtp(ByteBuffer packet, int length, long nanos) {
        onRtp(PacketClassifier.sequenceNumber(packet), PacketClassifier.timestamp(packet),
                PacketClassifier.ssrc(packet), length, nanos);
    }

    void onRtp(int seq, int rtpTimestamp, int packetSsrc, int length, long nanos) {
        add(RTP_PACKETS, 1);
        add(RTP_BYTES, length);
        SLOT.setRelease(published, LAST_SEEN_NANOS, nanos);
        boolean newSource = !sequenceStarted || packetSsrc != ssrc;
        if (newSource) {
            if (sequenceStarted) {
                add(SSRC_CHANGES, 1);
            }
            ssrc = packetSsrc;
            jitterPrimed = false;
        }
        if (updateSequence(seq, newSource)) {
            SLOT.setRelease(published, EXPECTED, carriedExpected + expectedNow());
            SLOT.setRelease(published, LOST, Math.max(0, carriedExpected + expectedNow() - carriedReceived - received));
        }
        updateJitter(rtpTimestamp, nanos);
    }

    void onRtcp(long nanos) {
        add(RTCP_PACKETS, 1);
        SLOT.setRelease(published, LAST_SEEN_NANOS, nanos);
    }

    void countStranger() {
        add(DROPPED_STRANGER, 1);
    }

    void countMalformed() {
        add(DROPPED_MALFORMED, 1);
    }

    void countOversized() {
        add(DROPPED_OVERSIZED, 1);
    }

    /** Sets the RTP clock rate used for jitter; 0 = unknown. May be called from any thread. */
    void clockRate(int hz) {
        if (hz < 0) {
            throw new IllegalArgumentException("clock rate " + hz + " must not be negative");
        }
        clockRate = hz;
    }

    /** RFC 3550 A.1 without probation; returns false for a packet that does not count (unconfirmed big jump). */
    private boolean updateSequence(int seq, boolean newSource) {
        if (newSource) {
            restartSequence(seq);
            received++;
            return true;
        }
        int forward = (seq - maxSeq) & 0xffff;
        if (forward < MAX_DROPOUT) {
            if (seq < maxSeq) {
                cycles += SEQ_MOD;
            }
            maxSeq = seq;
        } else if (forward <= SEQ_MOD - MAX_MISORDER) {
            // A big jump: believe it only when the next packet continues from it (the sender restarted).
            if (seq != badSeq) {
                badSeq = (seq + 1) & 0xffff;
                return false;
            }
            restartSequence(seq);
        }
        // else: duplicate or reordered packet, counted as received without moving the highest sequence number.
        received++;
        return true;
    }

    private void restartSequence(int seq) {
        if (sequenceStarted) {
            carriedExpected += expectedNow();
            carriedReceived += received;
        }
        sequenceStarted = true;
        baseSeq = seq;
        maxSeq = seq;
        badSeq = SEQ_MOD + 1;
        cycles = 0;
        received = 0;
    }

    private long expectedNow() {
        return cycles + maxSeq - baseSeq + 1;
    }

    /** RFC 3550 A.8 over consecutive packets in arrival order, with the arrival difference converted to RTP units. */
    private void updateJitter(int rtpTimestamp, long nanos) {
        int rate = clockRate;
        if (rate != jitterRate) {
            jitterRate = rate;
            jitterPrimed = false;
            jitter = 0;
            SLOT.setRelease(published, JITTER_MS_BITS, rate == 0 ? NO_JITTER : Double.doubleToRawLongBits(0.0));
        }
        if (rate == 0) {
            return;
        }
        if (jitterPrimed) {
            double arrivalUnits = (nanos - previousArrivalNanos) * (rate / 1e9);
            double d = arrivalUnits - (rtpTimestamp - previousTimestamp); // int difference handles wrap-around
            jitter += (Math.abs(d) - jitter) / 16.0;
            SLOT.setRelease(published, JITTER_MS_BITS, Double.doubleToRawLongBits(jitter * 1000.0 / rate));
        }
        jitterPrimed = true;
        previousArrivalNanos = nanos;
        previousTimestamp = rtpTimestamp;
    }

    private void add(int slot, long delta) {
        SLOT.setRelease(published, slot, published[slot] + delta);
    }

    // ---- reader side (any thread) ---------------------------------------------------------------------------

    public long rtpPackets() {
        return (long) SLOT.getAcquire(published, RTP_PACKETS);
    }

    public long rtpBytes() {
        return (long) SLOT.getAcquire(published, RTP_BYTES);
    }

    public long rtcpPackets() {
        return (long) SLOT.getAcquire(published, RTCP_PACKETS);
    }

    /** RTP packets expected from the extended highest sequence number (over all SSRCs seen one after another). */
    public long expected() {
        return (long) SLOT.getAcquire(published, EXPECTED);
    }

    /** RFC 3550 cumulative loss: expected − received, never below 0 (duplicates could make it negative). */
    public long lost() {
        return (long) SLOT.getAcquire(published, LOST);
    }

    /** RFC 3550 interarrival jitter in milliseconds; empty while the clock rate is unknown. */
    public OptionalDouble jitterMs() {
        double value = Double.longBitsToDouble((long) SLOT.getAcquire(published, JITTER_MS_BITS));
        return Double.isNaN(value) ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /** The clock rate set for jitter, 0 if unknown. */
    public int clockRate() {
        return clockRate;
    }

    /** {@link System#nanoTime()}-based time of the last accepted packet (RTP or RTCP), or {@link Long#MIN_VALUE}. */
    public long lastSeenNanos() {
        return (long) SLOT.getAcquire(published, LAST_SEEN_NANOS);
    }

    public Optional<Instant> lastSeen() {
        long nanos = lastSeenNanos();
        return nanos == NEVER ? Optional.empty() : Optional.of(time.toInstant(nanos));
    }

    public long droppedStranger() {
        return (long) SLOT.getAcquire(published, DROPPED_STRANGER);
    }

    public long droppedMalformed() {
        return (long) SLOT.getAcquire(published, DROPPED_MALFORMED);
    }

    /** Datagrams above the largest size relayed. */
    public long droppedOversized() {
        return (long) SLOT.getAcquire(published, DROPPED_OVERSIZED);
    }

    /**
     * How often the RTP packets' SSRC differed from the previous packet's: a sender restart, or someone else's
     * packets from the party's latched source (an SSRC of another call, spoofed). Each change restarts loss
     * counting.
     */
    public long ssrcChanges() {
        return (long) SLOT.getAcquire(published, SSRC_CHANGES);
    }

    public Snapshot snapshot() {
        OptionalDouble jitterMs = jitterMs();
        return new Snapshot(rtpPackets(), rtpBytes(), rtcpPackets(), expected(), lost(),
                jitterMs.isPresent() ? jitterMs.getAsDouble() : null, clockRate(), lastSeen().orElse(null),
                droppedStranger(), droppedMalformed(), droppedOversized(), ssrcChanges());
    }

    /**
     * An immutable copy of the counters, e.g. for the stats JSON.
     *
     * @param jitterMs null while the clock rate is unknown
     * @param lastSeen null if nothing was accepted yet
     */
    public record Snapshot(long rtpPackets, long rtpBytes, long rtcpPackets, long expected, long lost,
                           Double jitterMs, int clockRate, Instant lastSeen,
                           long droppedStranger, long droppedMalformed, long droppedOversized,
                           long ssrcChanges) {
    }
}
