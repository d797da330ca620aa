package io.callrec.tls;

import io.callrec.link.LinkKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate of {@code --tls-self-signed}: generated on first start for the server's host name and kept in
 * the data directory's {@code keys/}, so that peers that pinned it keep working after a restart:
 *
 * <pre>
 * keys/
 *   tls-self-signed.crt   the certificate (PEM)
 *   tls-self-signed.key   its EC P-256 key (PEM, PKCS#8), mode 0600
 * </pre>
 *
 * A new one replaces them when the stored one is expired (or expires within a day), does not name the host, or
 * cannot be read.
 */
public final class SelfSignedCertificate {
    static final String CERTIFICATE_FILE = "tls-self-signed.crt";
    static final String KEY_FILE = "tls-self-signed.key";
    static final Duration VALIDITY = Duration.ofDays(365);
    private static final Duration RENEW_BEFORE = Duration.ofDays(1);
    private static final Logger log = LoggerFactory.getLogger(SelfSignedCertificate.class);

    private SelfSignedCertificate() {
    }

    /**
     * The stored certificate for {@code host}, or a new one written to {@code keysDir}. Logs one WARN either way:
     * a self-signed certificate is for testing.
     */
    public static ServerIdentity loadOrCreate(Path keysDir, String host, Clock clock) throws TlsSetupException {
        Path certificateFile = keysDir.resolve(CERTIFICATE_FILE);
        Path keyFile = keysDir.resolve(KEY_FILE);
        Instant now = clock.instant();
        String reason = "none was stored";
        if (Files.exists(certificateFile) && Files.exists(keyFile)) {
            try {
                ServerIdentity stored = ServerIdentity.load(certificateFile, keyFile, now.plus(RENEW_BEFORE));
                if (Certificates.names(stored.certificate(), host)) {
                    warn(certificateFile, host, "reused");
                    return stored;
                }
                reason = "the stored one names another host";
            } catch (TlsSetupException e) {
                reason = "the stored one cannot serve: " + e.getMessage();
            }
        }
        KeyPair keys = Certificates.newKeyPair();
        // An hour back: a peer whose clock is a little behind still accepts it.
        X509Certificate certificate = Certificates.selfSigned(host, keys, now.minus(Duration.ofHours(1)),
                now.plus(VALIDITY));
        try {
            Files.createDirectories(keysDir);
            LinkKeys.writePrivate(keyFile, PemFiles.encode(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII));
            Files.writeString(certificateFile, PemFiles.encode(certificate), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TlsSetupException("cannot write the self-signed certificate to " + keysDir + ": " + e, e);
        }
        warn(certificateFile, host, "generated (" + reason + ")");
        return new ServerIdentity(keys.getPrivate(), List.of(certificate));
    }

    private static void warn(Path certificateFile, String host, String how) {
        log.warn("SIP over TLS uses a SELF-SIGNED certificate for {} ({}: {}), FOR TESTING ONLY: peers cannot verify"
                + " who they talk to unless they pin this certificate; configure --tls-cert and --tls-key for"
                + " production", host, how, certificateFile);
    }
}
