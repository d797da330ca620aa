package io.callrec.tls;

/**
 * A certificate, key or trust file that cannot be used for TLS. The message names the file and what is wrong with
 * it in words an operator can act on (never key material), e.g.
 * {@code /etc/callrec/sip.crt: certificate expired on 2025-01-31T00:00:00Z (CN=sip.example.com)}.
 */
public final class TlsSetupException extends Exception {

    public TlsSetupException(String message) {
        super(message);
    }

    public TlsSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
