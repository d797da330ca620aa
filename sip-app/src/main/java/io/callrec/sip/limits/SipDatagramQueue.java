package io.callrec.sip.limits;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue between JAIN-SIP's UDP reader thread and its listener threads, in place of the stack's own unbounded
 * one (see {@link BoundedUdpProcessorFactory}). The stack's reader would read every datagram into a fresh 64 KiB
 * array and, under a flood it cannot parse fast enough, queue those without limit (only dropping them after 8 s):
 * 5000 a second is 2.6 GB. Here:
 * <ul>
 *   <li>a datagram the {@link Filter} refuses (a request from a source far over its rate limit) is dropped before
 *       it is queued or parsed;</li>
 *   <li>a queued datagram keeps only its own bytes, not the reader's array, which {@link BoundedUdpProcessor}
 *       receives every datagram into;</li>
 *   <li>at most {@code capacity} wait; beyond, new ones are dropped (UDP senders retransmit);</li>
 *   <li>one that waited longer than {@code maxAge} is dropped when taken: its sender has retransmitted it by then.</li>
 * </ul>
 * Drops are counted and reported in the log at most once a minute.
 */
public final class SipDatagramQueue extends LinkedBlockingQueue<DatagramQueuedMessageDispatch> {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(SipDatagramQueue.class);
    private static final long REPORT_INTERVAL_MILLIS = 60_000;

    /** Decides on a datagram before it is queued; runs on the stack's only UDP reader thread, so must be quick. */
    @FunctionalInterface
    public interface Filter {
        boolean admit(InetAddress source, byte[] data, int offset, int length);
    }

    private final int capacity;
    private final long maxAgeMillis;
    private final transient Filter filter;
    private final LongAdder filtered = new LongAdder();
    private final LongAdder full = new LongAdder();
    private final LongAdder stale = new LongAdder();
    private final AtomicLong lastReport = new AtomicLong(Long.MIN_VALUE);

    public SipDatagramQueue(int capacity, Duration maxAge, Filter filter) {
        super(capacity);
        this.capacity = capacity;
        this.maxAgeMillis = maxAge.toMillis();
        this.filter = Objects.requireNonNull(filter, "filter");
    }

    /**
     * Takes ownership of {@code d}: its packet's buffer is replaced by a copy of just the datagram. Once this returns,
     * nothing here refers to the packet's former array, so the reader receives the next datagram into it.
     */
    @Override
    public boolean offer(DatagramQueuedMessageDispatch d) {
        DatagramPacket p = d.packet;
        if (!filter.admit(p.getAddress(), p.getData(), p.getOffset(), p.getLength())) {
            filtered.increment();
            return false;
        }
        p.setData(Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength()));
        if (super.offer(d)) {
            return true;
        }
        full.increment();
        long now = System.currentTimeMillis();
        long last = lastReport.get();
        boolean due = last == Long.MIN_VALUE || now - last >= REPORT_INTERVAL_MILLIS;
        if (due && lastReport.compareAndSet(last, now)) {
            log.warn("SIP UDP queue full ({} datagrams waiting for the parser): dropping new ones; {} dropped so far",
                    capacity, full.sum());
        }
        return false;
    }

    @Override
    public DatagramQueuedMessageDispatch take() throws InterruptedException {
        while (true) {
            DatagramQueuedMessageDispatch d = super.take();
            if (fresh(d)) {
                return d;
            }
        }
    }

    @Override
    public DatagramQueuedMessageDispatch poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            DatagramQueuedMessageDispatch d = super.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (d == null || fresh(d)) {
                return d;
            }
        }
    }

    private boolean fresh(DatagramQueuedMessageDispatch d) {
        if (System.currentTimeMillis() - d.getReceptionTime() <= maxAgeMillis) {
            return true;
        }
        stale.increment();
        return false;
    }

    /** For {@code /health}: the bound and what was dropped at each step. */
    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("capacity", capacity);
        out.put("waiting", size());
        out.put("droppedFiltered", filtered.sum());
        out.put("droppedFull", full.sum());
        out.put("droppedStale", stale.sum());
        return out;
    }
}
