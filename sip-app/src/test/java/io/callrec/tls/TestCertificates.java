package io.callrec.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/** Certificates for tests, made with {@link Certificates}: a CA, peers it signs, expired and self-signed ones. */
public final class TestCertificates {
    private static final Duration DAY = Duration.ofDays(1);

    private TestCertificates() {
    }

    /** A key pair with its certificate. */
    public record Issued(KeyPair keys, X509Certificate certificate) {

        public ServerIdentity identity() {
            return new ServerIdentity(keys.getPrivate(), List.of(certificate));
        }

        public Path writeCertificate(Path file) {
            return write(file, PemFiles.encode(certificate));
        }

        /** PKCS#8 PEM. */
        public Path writeKey(Path file) {
            return write(file, PemFiles.encode(keys.getPrivate()));
        }

        /**
         * A TLS client context that presents this certificate whatever CAs the server asks for (the JDK's own key
         * manager would rather send none than one of another CA, and a test of refusal needs it sent), and trusts
         * {@code trusted}.
         */
        public SSLContext presentingContext(X509Certificate... trusted) {
            try {
                KeyStore anchors = KeyStore.getInstance("PKCS12");
                anchors.load(null, null);
                for (int i = 0; i < trusted.length; i++) {
                    anchors.setCertificateEntry("t" + i, trusted[i]);
                }
                TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
                trust.init(anchors);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(new KeyManager[] {new FixedKeyManager(keys.getPrivate(), certificate)},
                        trust.getTrustManagers(), null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Always the one key and certificate, for client and server alike. */
    private static final class FixedKeyManager extends X509ExtendedKeyManager {
        private static final String ALIAS = "fixed";
        private final PrivateKey key;
        private final X509Certificate certificate;

        FixedKeyManager(PrivateKey key, X509Certificate certificate) {
            this.key = key;
            this.certificate = certificate;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return new X509Certificate[] {certificate};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }
    }

    /** A CA valid from an hour ago for a day. */
    public static Issued ca(String name) {
        KeyPair keys = Certificates.newKeyPair();
        Instant now = Instant.now();
        return new Issued(keys, Certificates.issue(name, keys.getPublic(), true, now.minus(Duration.ofHours(1)),
                now.plus(DAY), keys.getPrivate(), Certificates.subjectFor(name)));
    }

    /** An end entity for {@code host} signed by {@code ca}, valid from an hour ago for a day. */
    public static Issued signedBy(Issued ca, String host) {
        Instant now = Instant.now();
        return signedBy(ca, host, now.minus(Duration.ofHours(1)), now.plus(DAY));
    }

    public static Issued signedBy(Issued ca, String host, Instant notBefore, Instant notAfter) {
        KeyPair keys = Certificates.newKeyPair();
        return new Issued(keys, Certificates.issue(host, keys.getPublic(), false, notBefore, notAfter,
                ca.keys().getPrivate(), ca.certificate().getSubjectX500Principal()));
    }

    /** Signed by {@code ca}, but expired yesterday. */
    public static Issued expired(Issued ca, String host) {
        Instant now = Instant.now();
        return signedBy(ca, host, now.minus(DAY.multipliedBy(30)), now.minus(DAY));
    }

    public static Issued selfSigned(String host, Instant notBefore, Instant notAfter) {
        KeyPair keys = Certificates.newKeyPair();
        return new Issued(keys, Certificates.selfSigned(host, keys, notBefore, notAfter));
    }

    public static Issued selfSigned(String host) {
        Instant now = Instant.now();
        return selfSigned(host, now.minus(Duration.ofHours(1)), now.plus(DAY));
    }

    public static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
