package io.callrec.control;

import java.util.Locale;

/** How a consent decision reached the server (spec §5). */
public enum ConsentChannel {
    /** A callrec INFO ({@code consent-response}, {@code consent-withdraw}), or no answer to one. */
    INFO,
    /** DTMF digits on the peer's leg ({@code 1}, {@code 2}, {@code **0}). */
    DTMF,
    /** An in-dialog text MESSAGE (yes/no), or no answer to the prompt MESSAGE. */
    MESSAGE,
    /** {@code Callrec-Consent: granted} in the callee's 2xx. */
    HEADER,
    /** Consent policy {@code one-party}: the requester's own request suffices. */
    POLICY,
    /** {@code a=recordpref:off} in the peer's SDP (RFC 7866). */
    SDP;

    public String logName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
