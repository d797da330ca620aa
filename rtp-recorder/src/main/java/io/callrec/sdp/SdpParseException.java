package io.callrec.sdp;

/**
 * An SDP body that cannot be used: malformed, or beyond the bounds we accept from the network ({@link
 * SdpNotAcceptableException}: well formed, but asking for what we cannot do).
 */
public class SdpParseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int lineNumber;
    private final String reason;

    /**
     * @param lineNumber 1-based line of the problem, or 0 when it concerns the whole body
     * @param reason     what is wrong, for logs and SIP {@code Warning} headers
     */
    public SdpParseException(int lineNumber, String reason) {
        super(lineNumber > 0 ? "SDP line " + lineNumber + ": " + reason : "SDP: " + reason);
        this.lineNumber = lineNumber;
        this.reason = reason;
    }

    /** 1-based line number of the problem, or 0 when it concerns the whole body (e.g. its size). */
    public int lineNumber() {
        return lineNumber;
    }

    /** The reason without the line prefix. */
    public String reason() {
        return reason;
    }
}
