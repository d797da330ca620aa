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
    static final int SRTP_DECRYPTED = 9;
    static final int SRTP_ENCRYPTED = 10;
    static final int SRTP_AUTH_FAILED = 11;
    static final int SRTP_REPLAYED = 12;
    static final int SRTP_TOO_OLD = 13;
    static final int SRTP_MALFORMED = 14;
    static final int SRTP_KEY_EXHAUSTED = 15;
    static final int SRTP_TOO_MANY_SSRCS = 16;
    static final int SRTP_SEND_REFUSED = 17;
    static final int SRTP_AWAITING_KEYS = 18;
    static final int DTLS_STRAY = 19;
    static final int DTLS_DROPPED = 20;
    private static final int SLOTS = 21;

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

    /** The totals of {@code loops}, with the handshake outcomes of {@code dtls}. */
    static RelayTotals sum(DtlsCounters dtls, LoopCounters... loops) {
        long[] t = new long[SLOTS];
        for (LoopCounters loop : loops) {
            for (int i = 0; i < SLOTS; i++) {
                t[i] += loop.get(i);
            }
        }
        SrtpTotals srtp = new SrtpTotals(t[SRTP_DECRYPTED], t[SRTP_ENCRYPTED], t[SRTP_AUTH_FAILED], t[SRTP_REPLAYED],
                t[SRTP_TOO_OLD], t[SRTP_MALFORMED], t[SRTP_KEY_EXHAUSTED], t[SRTP_TOO_MANY_SSRCS], t[SRTP_SEND_REFUSED],
                t[SRTP_AWAITING_KEYS]);
        return new RelayTotals(t[PACKETS], t[BYTES], t[STRANGER], t[MALFORMED], t[OVERSIZED], t[NO_DESTINATION],
                t[SEND_FAILED], t[TAP_ERRORS], t[ERRORS], srtp, dtls.totals(t[DTLS_STRAY], t[DTLS_DROPPED]));
    }
}
