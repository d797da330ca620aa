package io.callrec.media.srtp;

/**
 * An {@code a=crypto} attribute (RFC 4568) we cannot use: malformed, or asking for something callrec does not
 * support (MKI, a short key lifetime, a key derivation rate, unencrypted or unauthenticated SRTP). The message
 * says which, for logs and SIP {@code Warning} headers.
 */
public final class SdesException extends Exception {
    private static final long serialVersionUID = 1L;

    public SdesException(String message) {
        super(message);
    }
}
