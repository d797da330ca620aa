package io.callrec.sdp;

/**
 * A well-formed SDP offer that asks for what callrec cannot do (an {@code a=crypto} it cannot use, DTLS-SRTP): the
 * offerer gets {@code 488 Not Acceptable Here} with the reason in a {@code Warning} header. Its message never holds
 * a key.
 */
public final class SdpNotAcceptableException extends SdpParseException {
    private static final long serialVersionUID = 1L;

    /**
     * @param mediaIndex the m-line (0-based) that cannot be accepted
     * @param reason     why, for logs and the {@code Warning} header
     */
    public SdpNotAcceptableException(int mediaIndex, String reason) {
        super(0, "m-line " + mediaIndex + ": " + reason);
    }
}
