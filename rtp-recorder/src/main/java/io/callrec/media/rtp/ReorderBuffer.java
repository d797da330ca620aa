package io.callrec.media.rtp;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Puts the RTP packets of one stream (one SSRC) back in sequence order, within a bounded window of packets and of
 * time, and says where packets are missing. One per received stream, used by one thread.
 *
 * <p>The only clock is the {@code nowMicros} the caller passes: the arrival time of the packet being pushed, or of the
 * moment it polls. Nothing reads the system time, so replaying a journal of (packet, arrival) through the same calls
 * gives the same output.
 *
 * <p>Use: after each {@link #push}, call {@link #pop} until it returns null; also call {@code pop} from a timer while
 * no packets arrive, so that held packets leave once their hole is older than {@code maxHold}; at the end call
 * {@link #drain} until null. A packet is due when it is the next in sequence, or when the buffer is full, or when the
 * oldest packet held arrived {@code maxHold} ago or more (then the missing packets before it are given up as lost).
 * The very first packet of a stream waits like a hole does, so that an earlier packet overtaken on the way still gets
 * in front of it.
 *
 * <p>Sequence numbers are extended to 64 bits ({@link Slot#extendedSeq()}). A jump of more than
 * {@value #MAX_DROPOUT} forward or {@value #MAX_MISORDER} back is taken as a sender restart only when the next packet
 * continues from it (RFC 3550 A.1 probation); the caller can also declare one ({@link #restart()}, e.g. on an SSRC
 * change). After a restart the old stream's held packets come out first, then the new stream, whose first packet has
 * {@link Slot#restart()} set and whose extended numbers continue above the old ones.
 *
 * <p>Storage is bounded: up to {@code capacity} slots, each made the first time that many packets are held at once,
 * whose byte arrays grow to the largest packet they held and are kept, so steady state allocates nothing. In-order
 * packets reuse one slot; only reordering makes more (257 empty slots made up front took ~33 KiB per stream).
 */
public final class ReorderBuffer {
    public static final int DEFAULT_CAPACITY = 128;
    public static final long DEFAULT_MAX_HOLD_MICROS = 200_000;
    /** RFC 3550 A.1: a forward jump larger than this is a possible restart, not loss. */
    public static final int MAX_DROPOUT = 3000;
    /** A backward jump larger than this is a possible restart, not a late packet; also how far back duplicates of
     * packets already popped are recognised. */
    public static final int MAX_MISORDER = 1024;
    /** How close after the probation packet the next one must be to confirm a restart. */
    private static final int PROBATION_WINDOW = 16;

    public enum Verdict {
        /** Stored; it will come out of {@link #pop} in order. */
        ACCEPTED,
        /** Stored as the first packet(s) of a restarted sequence (confirmed big jump, or {@link #restart()}). */
        RESTART,
        /** The same sequence number is held or was popped recently; dropped. */
        DUPLICATE,
        /** Older than what was already popped (its place was given up as lost); dropped. */
        TOO_LATE,
        /** A big jump, kept aside until the next packet says whether the sender restarted. */
        PROBATION,
        /** The buffer was full because the caller did not pop after the previous push; dropped. */
        OVERFLOW,
        /** Not an RTP packet ({@link RtpHeader#isValid}); dropped. */
        MALFORMED
    }

    /** One held packet. A slot returned by {@link #pop}/{@link #drain} is valid until the next call on the buffer. */
    public static final class Slot {
        private byte[] data = new byte[0];
        private ByteBuffer view = ByteBuffer.wrap(data);
        private int length;
        private long arrivalMicros;
        private long extendedSeq;
        private long lostBefore;
        private boolean restart;

        private void copyFrom(ByteBuffer packet, long ext, long arrival) {
            int n = packet.remaining();
            if (data.length < n) {
                data = new byte[n];
                view = ByteBuffer.wrap(data);
            }
            packet.get(packet.position(), data, 0, n);
            length = n;
            extendedSeq = ext;
            arrivalMicros = arrival;
        }

        /** The whole RTP packet, header included, in {@code position()..limit()}; a view of the slot's storage. */
        public ByteBuffer packet() {
            return view.limit(length).position(0);
        }

        public long arrivalMicros() {
            return arrivalMicros;
        }

        /** The 16-bit sequence number extended without wrap; keeps increasing across restarts. */
        public long extendedSeq() {
            return extendedSeq;
        }

        /** How many sequence numbers were given up as lost right before this packet. */
        public long lostBefore() {
            return lostBefore;
        }

        /** True for the first packet of a restarted sequence: the stream before it has ended. */
        public boolean restart() {
            return restart;
        }
    }

    private final int capacity;
    private final long maxHoldMicros;
    /**
     * Held packets sorted by extended sequence number, from {@code head}, {@code held} of them; the rest are spare.
     * One more slot than the capacity, so that a confirmed restart can always store its two packets.
     */
    private final Slot[] ring;
    private int head;
    private int held;
    private Slot probation = new Slot();
    private boolean probationHeld;
    /** Bit per extended sequence number (mod MAX_MISORDER): popped (1) or given up (0), to tell duplicates from late. */
    private final long[] popped = new long[MAX_MISORDER / 64];

    private boolean started;
    private boolean restartRequested;
    private boolean anchored;
    private long nextExt;
    private long highestExt;
    private long epochStart;
    private boolean epochPopped;
    private boolean epochIsRestart;

    private long received;
    private long duplicates;
    private long late;
    private long lost;
    private long restarts;
    private long overflows;
    private long malformed;

    public ReorderBuffer() {
        this(DEFAULT_CAPACITY, DEFAULT_MAX_HOLD_MICROS);
    }

    /**
     * @param capacityPackets at most this many packets are held (2..8192)
     * @param maxHoldMicros   how long a hole in the sequence is waited for, in microseconds (≥ 0)
     */
    public ReorderBuffer(int capacityPackets, long maxHoldMicros) {
        if (capacityPackets < 2 || capacityPackets > 8192) {
            throw new IllegalArgumentException("capacity " + capacityPackets + " must be 2..8192 packets");
        }
        if (maxHoldMicros < 0) {
            throw new IllegalArgumentException("max hold " + maxHoldMicros + " µs must not be negative");
        }
        this.capacity = capacityPackets;
        this.maxHoldMicros = maxHoldMicros;
        this.ring = new Slot[capacityPackets + 1];
    }

    /**
     * Copies the RTP packet in {@code rtpPacket.position()..limit()} in (the buffer is not kept and its position is
     * not moved).
     *
     * @param nowMicros the packet's arrival time; must not decrease from call to call
     */
    public Verdict push(ByteBuffer rtpPacket, long nowMicros) {
        if (!RtpHeader.isValid(rtpPacket)) {
            malformed++;
            return Verdict.MALFORMED;
        }
        received++;
        int seq = RtpHeader.sequenceNumber(rtpPacket);
        if (!started || restartRequested) {
            if (held == ring.length) {
                overflows++;
                return Verdict.OVERFLOW;
            }
            dropProbation();
            Verdict verdict = started ? Verdict.RESTART : Verdict.ACCEPTED;
            startEpoch(seq);
            store(rtpPacket, highestExt, nowMicros);
            return verdict;
        }
        long ext = SeqNum.extendSequence(highestExt, seq);
        long jump = ext - highestExt;
        if (jump > MAX_DROPOUT || jump < -MAX_MISORDER) {
            return probation(rtpPacket, seq, nowMicros);
        }
        dropProbation();
        return store(rtpPacket, ext, nowMicros);
    }

    /** The next packet in order if it is due at {@code nowMicros} (see the class comment), else null. */
    public Slot pop(long nowMicros) {
        return next(nowMicros, false);
    }

    /** End of stream: the next held packet in order whether due or not; null when empty. */
    public Slot drain() {
        Slot slot = next(0, true);
        if (slot == null) {
            dropProbation();
        }
        return slot;
    }

    /**
     * Declares that the sender restarted (e.g. a new SSRC): the next pushed packet starts a new sequence, after the
     * packets still held. Packets of the old sequence arriving later are the caller's to filter (by SSRC).
     */
    public void restart() {
        if (started) {
            restartRequested = true;
        }
    }

    /** Packets currently held (not counting one in probation). */
    public int held() {
        return held;
    }

    /** Valid RTP packets pushed, whatever their verdict. */
    public long received() {
        return received;
    }

    public long duplicates() {
        return duplicates;
    }

    /** Packets dropped because their place was already given up, and unconfirmed big jumps. */
    public long late() {
        return late;
    }

    /** Sequence numbers skipped as lost (the sum of {@link Slot#lostBefore()}). */
    public long lost() {
        return lost;
    }

    public long restarts() {
        return restarts;
    }

    public long overflows() {
        return overflows;
    }

    public long malformed() {
        return malformed;
    }

    // ---- internals ------------------------------------------------------------------------------------------------

    private Verdict store(ByteBuffer packet, long ext, long now) {
        if (!epochPopped && ext < epochStart) {
            // The new sequence has not started coming out: an earlier packet overtaken on the way goes in front.
            epochStart = ext;
        }
        if (epochPopped && ext < nextExt) {
            if (nextExt - ext <= MAX_MISORDER && wasPopped(ext)) {
                duplicates++;
                return Verdict.DUPLICATE;
            }
            late++;
            return Verdict.TOO_LATE;
        }
        // Find the place from the tail: packets mostly arrive in order, so this loop rarely runs more than once.
        int position = held;
        while (position > 0) {
            long previous = at(position - 1).extendedSeq;
            if (previous == ext) {
                duplicates++;
                return Verdict.DUPLICATE;
            }
            if (previous < ext) {
                break;
            }
            position--;
        }
        if (held == ring.length) {
            overflows++;
            return Verdict.OVERFLOW;
        }
        Slot slot = spare();
        slot.copyFrom(packet, ext, now);
        for (int i = held; i > position; i--) {
            ring[index(i)] = ring[index(i - 1)];
        }
        ring[index(position)] = slot;
        held++;
        highestExt = Math.max(highestExt, ext);
        return Verdict.ACCEPTED;
    }

    private Verdict probation(ByteBuffer packet, int seq, long now) {
        if (probationHeld && held <= ring.length - 2) {
            int step = SeqNum.distance(RtpHeader.sequenceNumber(probation.packet()), seq);
            if (step > 0 && step <= PROBATION_WINDOW) {
                probationHeld = false;
                startEpoch(RtpHeader.sequenceNumber(probation.packet()));
                probation.extendedSeq = highestExt;
                Slot tail = spare();
                ring[index(held)] = probation;
                probation = tail;
                held++;
                store(packet, SeqNum.extendSequence(highestExt, seq), now);
                return Verdict.RESTART;
            }
        }
        dropProbation();
        probation.copyFrom(packet, 0, now);
        probationHeld = true;
        return Verdict.PROBATION;
    }

    private void dropProbation() {
        if (probationHeld) {
            probationHeld = false;
            late++;
        }
    }

    /** Starts numbering a new sequence above everything seen so far; its first packet gets {@code highestExt}. */
    private void startEpoch(int seq) {
        long ext = started ? (((highestExt >> 16) + 2) << 16) + seq : seq;
        if (started) {
            restarts++;
        }
        epochIsRestart = started;
        started = true;
        restartRequested = false;
        highestExt = ext;
        epochStart = ext;
        epochPopped = false;
    }

    private Slot next(long now, boolean force) {
        if (held == 0) {
            return null;
        }
        Slot first = ring[head];
        boolean oldSequence = first.extendedSeq < epochStart;
        boolean startsSequence = !oldSequence && !epochPopped;
        boolean due = force || oldSequence
                || (!startsSequence && first.extendedSeq == nextExt)
                || held >= capacity
                || now - oldestArrival() >= maxHoldMicros;
        if (!due) {
            return null;
        }
        head = index(1);
        held--;
        if (held == 0) {
            // Empty: start again at slot 0, so in-order packets keep reusing one slot, warm in the cache, instead of
            // cycling through all of them (each cold again by its turn, and each grown to a packet's size).
            head = 0;
        }
        long gap = first.extendedSeq - nextExt;
        // Sequences are numbered at least 2^16 apart, so a gap this big is the start of a sequence that restarted
        // while the one before was still held (several restarts in a row).
        boolean olderStart = anchored && gap >= 1 << 15;
        first.restart = olderStart || (startsSequence && epochIsRestart);
        if (startsSequence) {
            Arrays.fill(popped, 0);
            epochPopped = true;
        }
        first.lostBefore = anchored && !startsSequence && !olderStart ? gap : 0;
        forgetPopped(anchored ? nextExt : first.extendedSeq, first.extendedSeq);
        lost += first.lostBefore;
        markPopped(first.extendedSeq);
        anchored = true;
        nextExt = first.extendedSeq + 1;
        return first;
    }

    private long oldestArrival() {
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < held; i++) {
            oldest = Math.min(oldest, at(i).arrivalMicros);
        }
        return oldest;
    }

    private boolean wasPopped(long ext) {
        int bit = (int) (ext & (MAX_MISORDER - 1));
        return (popped[bit >>> 6] & (1L << bit)) != 0;
    }

    private void markPopped(long ext) {
        int bit = (int) (ext & (MAX_MISORDER - 1));
        popped[bit >>> 6] |= 1L << bit;
    }

    private void forgetPopped(long from, long to) {
        for (long ext = Math.max(from, to - MAX_MISORDER); ext < to; ext++) {
            int bit = (int) (ext & (MAX_MISORDER - 1));
            popped[bit >>> 6] &= ~(1L << bit);
        }
    }

    /** The first free slot, made on first use: a stream in order only ever needs a couple of them. */
    private Slot spare() {
        int i = index(held);
        Slot slot = ring[i];
        if (slot == null) {
            slot = new Slot();
            ring[i] = slot;
        }
        return slot;
    }

    private Slot at(int i) {
        return ring[index(i)];
    }

    private int index(int i) {
        int j = head + i;
        return j >= ring.length ? j - ring.length : j;
    }
}
