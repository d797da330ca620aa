package io.callrec.control;

/** Where a party's identity was taken from (spec §5), so an auditor knows how much to trust it. */
public enum IdentitySource {
    /** The From header: asserted by nobody. */
    FROM("from"),
    /** {@code P-Asserted-Identity} from a trusted peer. */
    P_ASSERTED_IDENTITY("p-asserted-identity"),
    /** The user name that passed digest authentication with the built-in registrar. */
    DIGEST_USER("digest-user");

    private final String logName;

    IdentitySource(String logName) {
        this.logName = logName;
    }

    /** The spelling in the consent log. */
    public String logName() {
        return logName;
    }
}
