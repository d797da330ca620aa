package io.callrec.media.codec;

/**
 * A payload (or a parameter set inside one) that does not parse. Thrown by the codec parsers and caught by
 * {@link PayloadParser}, which counts it: it never leaves {@link Depacketizer#push}.
 *
 * <p>It carries no stack trace: it is raised for bad input from the network, possibly at packet rate, and the
 * message (what was read, how many bytes were needed and left) says all there is to know.
 */
public final class MalformedPayloadException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedPayloadException(String message) {
        super(message, null, false, false);
    }

    /** "{@code what} needs {@code needed} bytes, {@code left} left". */
    static MalformedPayloadException truncated(String what, int needed, int left) {
        return new MalformedPayloadException(what + " needs " + needed + " bytes, " + left + " left");
    }
}
