package io.callrec.control;

/**
 * The immediate answer to an INFO of the callrec package: 200, or 400/403/415 with a warning text for a
 * {@code Warning} header (spec §2). An answer never ends the call.
 *
 * @param warning the text for the {@code Warning} header, null for 200
 */
public record InfoAnswer(int status, String warning) {
    public static final InfoAnswer OK = new InfoAnswer(200, null);

    public InfoAnswer {
        if ((status == 200) != (warning == null)) {
            throw new IllegalArgumentException("status " + status + ": a warning goes with every error and only then");
        }
    }

    static InfoAnswer forbidden(String warning) {
        return new InfoAnswer(403, warning);
    }

    /** The {@code Warning} header value, e.g. {@code 399 callrec "unknown consentId"}; null for 200. */
    public String warningHeader() {
        return warning == null ? null : SipWarning.headerValue(warning);
    }
}
