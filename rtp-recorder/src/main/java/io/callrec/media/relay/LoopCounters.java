package io.callrec.media.relay;

import java.util.concurrent.atomic.AtomicLongArray;

/** The totals of one relay thread: written only by that thread (release stores, no atomics), read by anyone. */
final class LoopCounters {
    static final int PACKETS = 0;
    static final int BYTES = 1;
    static final int STRANGER = 2;
    static final int MALFORMED = 3;
    static final int NO_DESTINATION = 4;
    static final int SEND_FAILED = 5;
    static final int TAP_ERRORS = 6;
    static final int ERRORS = 7;
    static final int OVERSIZED = 8;
    private static final int SLOTS = 9;

    private final AtomicLongArray values = new AtomicLongArray(SLOTS);

    void add(int slot, long delta) {
        values.setRelease(slot, values.getPlain(slot) + delta);
    }

    void increment(int slot) {
        add(slot, 1);
    }

    long get(int slot) {
        return values.getAcquire(slot);
    }

    static RelayTotals sum(LoopCounters... loops) {
        long[] t = new long[SLOTS];
        for (LoopCounters loop : loops) {
            for (int i = 0; i < SLOTS; i++) {
                t[i] += loop.get(i);
            }
        }
        return new RelayTotals(t[PACKETS], t[BYTES], t[STRANGER], t[MALFORMED], t[OVERSIZED], t[NO_DESTINATION],
                t[SEND_FAILED], t[TAP_ERRORS], t[ERRORS]);
    }
}
