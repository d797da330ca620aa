package io.callrec.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * SIP over TLS, present in {@link ServerConfig#tls()} when it is on. Only paths are kept here: the certificate and
 * keys are read (and checked) when the server starts, so that a config never holds key material.
 *
 * @param port     the TLS listening port (TCP), 5061 by default
 * @param identity what the server presents: PEM files, or a self-signed certificate kept in the data directory
 * @param trust    PEM file of the certificates (CAs or peers' own) that peers are verified against; empty: the JDK's
 *                 default CAs for outgoing connections, and client certificates are not asked for
 * @param clients  whether incoming connections must present a certificate
 */
public record TlsConfig(int port, Identity identity, Optional<Path> trust, ClientAuth clients) {

    public TlsConfig {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(clients, "clients");
        if (clients != ClientAuth.NONE && trust.isEmpty()) {
            throw new IllegalArgumentException("client certificates " + clients + " need a trust file");
        }
    }

    /** The server's certificate and key. */
    public sealed interface Identity permits PemFiles, SelfSigned { }

    /** {@code --tls-cert} (the chain, leaf first) and {@code --tls-key} (PKCS#8 or PKCS#1, unencrypted). */
    public record PemFiles(Path certificate, Path key) implements Identity {
        public PemFiles {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(key, "key");
        }
    }

    /** {@code --tls-self-signed}: generated on first start for the server's host name; for testing only. */
    public record SelfSigned() implements Identity { }

    /** {@code --tls-client-auth}: what an incoming TLS connection must show. */
    public enum ClientAuth {
        /** No certificate is asked for. */
        NONE,
        /** A certificate is asked for; one that does not verify is refused, none at all is accepted. */
        OPTIONAL,
        /** A certificate that verifies against the trust file is required. */
        REQUIRED;

        static Optional<ClientAuth> fromFlagValue(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "none" -> Optional.of(NONE);
                case "optional" -> Optional.of(OPTIONAL);
                case "required" -> Optional.of(REQUIRED);
                default -> Optional.empty();
            };
        }
    }
}
