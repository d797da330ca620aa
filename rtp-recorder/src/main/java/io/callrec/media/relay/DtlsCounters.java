package io.callrec.media.relay;

import io.callrec.media.dtls.DtlsHandshakeException;

import java.util.concurrent.atomic.AtomicLong;

/** Handshake outcomes of an {@link RtpRelay}: written by the handshake threads, read by anyone. */
final class DtlsCounters {
    private final AtomicLong handshakes = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong fingerprintMismatch = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();

    void succeeded() {
        handshakes.incrementAndGet();
    }

    void failed(DtlsHandshakeException.Reason reason) {
        failed.incrementAndGet();
        switch (reason) {
            case FINGERPRINT_MISMATCH -> fingerprintMismatch.incrementAndGet();
            case TIMEOUT -> timedOut.incrementAndGet();
            case FAILED -> { }
        }
    }

    DtlsTotals totals(long stray, long dropped) {
        return new DtlsTotals(handshakes.get(), failed.get(), fingerprintMismatch.get(), timedOut.get(), stray,
                dropped);
    }
}
