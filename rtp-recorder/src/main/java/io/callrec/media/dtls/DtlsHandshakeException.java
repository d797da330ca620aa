package io.callrec.media.dtls;

/** A DTLS-SRTP handshake that gave no keys, and why. */
public final class DtlsHandshakeException extends Exception {
    /** Why a handshake failed; each is counted apart. */
    public enum Reason {
        /** The party's certificate is not the one its {@code a=fingerprint} names (or it sent none). */
        FINGERPRINT_MISMATCH,
        /** Not done within the bound. */
        TIMEOUT,
        /** Anything else: an alert, no common SRTP profile or cipher suite, a malformed message. */
        FAILED
    }

    private final Reason reason;

    public DtlsHandshakeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
