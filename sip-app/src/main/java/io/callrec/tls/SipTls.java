package io.callrec.tls;

import io.callrec.config.TlsConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Everything the SIP stack needs for TLS: the port, an {@link SSLContext} built from our own certificate and trust
 * anchors (never from the JVM-wide {@code javax.net.ssl.*} properties), and the protocols, cipher suites and
 * client-certificate mode to apply to every socket.
 *
 * <p>TLS 1.3 and 1.2 only; the suites are the AEAD ones with forward secrecy (ECDHE + AES-GCM or ChaCha20),
 * intersected with what the JDK offers.
 *
 * @param identity the certificate the server presents, also as a client on outgoing connections
 * @param clients  what incoming connections must show
 */
public record SipTls(int port, ServerIdentity identity, SSLContext context, List<String> protocols,
        List<String> cipherSuites, TlsConfig.ClientAuth clients) {

    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    static final List<String> PREFERRED_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    private static final char[] IN_MEMORY = new char[0];

    public SipTls {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(clients, "clients");
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
    }

    /**
     * Reads (or for {@code --tls-self-signed} generates) the certificate and the trust file of {@code config}.
     *
     * @param keysDir where the self-signed certificate is kept
     * @param host    the name the self-signed certificate is made for
     * @throws TlsSetupException naming the file and the problem: missing key, key not matching, expired...
     */
    public static SipTls load(TlsConfig config, Path keysDir, String host, Clock clock) throws TlsSetupException {
        ServerIdentity identity = config.identity() instanceof TlsConfig.PemFiles files
                ? ServerIdentity.load(files.certificate(), files.key(), clock.instant())
                : SelfSignedCertificate.loadOrCreate(keysDir, host, clock);
        Optional<List<X509Certificate>> trust = Optional.empty();
        if (config.trust().isPresent()) {
            trust = Optional.of(PemFiles.certificates(config.trust().get()));
        }
        return create(config.port(), identity, trust, config.clients(), clock);
    }

    /**
     * @param trust the certificates peers are verified against; empty: the JDK's default CAs
     */
    public static SipTls create(int port, ServerIdentity identity, Optional<List<X509Certificate>> trust,
            TlsConfig.ClientAuth clients, Clock clock) throws TlsSetupException {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", identity.privateKey(), IN_MEMORY,
                    identity.chain().toArray(new Certificate[0]));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, IN_MEMORY);
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
            if (trust.isPresent()) {
                KeyStore anchors = KeyStore.getInstance("PKCS12");
                anchors.load(null, null);
                for (int i = 0; i < trust.get().size(); i++) {
                    anchors.setCertificateEntry("trusted-" + i, trust.get().get(i));
                }
                trustManagers.init(anchors);
            } else {
                trustManagers.init((KeyStore) null);
            }
            List<TrustManager> checked = new ArrayList<>();
            for (TrustManager manager : trustManagers.getTrustManagers()) {
                checked.add(manager instanceof X509ExtendedTrustManager pkix
                        ? new ValidityCheckingTrustManager(pkix, clock) : manager);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), checked.toArray(new TrustManager[0]), null);
            SSLParameters supported = context.getSupportedSSLParameters();
            Set<String> supportedSuites = Set.of(supported.getCipherSuites());
            Set<String> supportedProtocols = Set.of(supported.getProtocols());
            List<String> suites = PREFERRED_SUITES.stream().filter(supportedSuites::contains).toList();
            List<String> protocols = PROTOCOLS.stream().filter(supportedProtocols::contains).toList();
            if (suites.isEmpty() || protocols.isEmpty()) {
                throw new TlsSetupException("this JDK offers none of the TLS protocols " + PROTOCOLS + " or suites "
                        + PREFERRED_SUITES + "; it offers " + Arrays.toString(supported.getProtocols()));
            }
            return new SipTls(port, identity, context, protocols, suites, clients);
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsSetupException("cannot set up TLS with " + identity + ": " + e.getMessage(), e);
        }
    }

    /** The parameters every socket gets: our protocols and suites, the server's preference order first. */
    public SSLParameters parameters() {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(protocols.toArray(new String[0]));
        parameters.setCipherSuites(cipherSuites.toArray(new String[0]));
        parameters.setUseCipherSuitesOrder(true);
        return parameters;
    }
}
