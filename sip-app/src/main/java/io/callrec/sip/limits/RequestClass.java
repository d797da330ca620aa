package io.callrec.sip.limits;

import java.util.Locale;

/** The requests that per-source rate limits count, each class against its own limit. */
public enum RequestClass {
    /** Initial INVITEs: each may become a call. */
    INVITE,
    REGISTER,
    /** OPTIONS, and every other request outside a dialog (MESSAGE, SUBSCRIBE, stray BYE...). */
    OPTIONS;

    /**
     * The class a request counts in, or null when it is not limited: requests inside a dialog (their To has a tag),
     * ACK and CANCEL (they belong to an INVITE already counted).
     */
    public static RequestClass of(String method, boolean inDialog) {
        if (inDialog || "ACK".equals(method) || "CANCEL".equals(method)) {
            return null;
        }
        return switch (method) {
            case "INVITE" -> INVITE;
            case "REGISTER" -> REGISTER;
            default -> OPTIONS;
        };
    }

    /** Lower case, as in {@code /health} and the {@code --rate-limit-*} flags. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
