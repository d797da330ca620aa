package io.callrec.media.srtp;

import java.util.regex.Pattern;

/**
 * An {@code a=crypto} attribute (RFC 4568) we cannot use: malformed, or asking for something callrec does not
 * support (MKI, a short key lifetime, a key derivation rate, unencrypted or unauthenticated SRTP). The message
 * says which, for logs and SIP {@code Warning} headers. Every {@code inline:} key in the message is hidden, whatever
 * part of a malformed attribute the message quotes: a key must not reach a log or the other end of a SIP exchange.
 */
public final class SdesException extends Exception {
    private static final long serialVersionUID = 1L;
    private static final Pattern INLINE_KEY = Pattern.compile("inline:[^ |;]*", Pattern.CASE_INSENSITIVE);

    public SdesException(String message) {
        super(redact(message));
    }

    /** {@code text} with the value of every {@code inline:} key parameter replaced by {@code <hidden>}. */
    static String redact(String text) {
        return INLINE_KEY.matcher(text).replaceAll("inline:<hidden>");
    }
}
