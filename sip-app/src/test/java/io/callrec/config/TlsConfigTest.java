package io.callrec.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS flags as {@link ConfigLoader} resolves them: what turns TLS on, defaults, and one-line errors. */
class TlsConfigTest {

    @TempDir
    Path dir;

    private String cert;
    private String key;
    private String trust;

    @BeforeEach
    void files() throws Exception {
        // Only existence is checked at this stage; the content when the server starts.
        cert = Files.writeString(dir.resolve("cert.pem"), "cert").toString();
        key = Files.writeString(dir.resolve("key.pem"), "key").toString();
        trust = Files.writeString(dir.resolve("trust.pem"), "trust").toString();
    }

    @Test
    void tlsIsOffByDefault() throws Exception {
        assertEquals(Optional.empty(), ConfigLoader.load().tls());
    }

    @Test
    void aCertificateAndKeyTurnTlsOnOnPort5061WithoutClientCertificates() throws Exception {
        TlsConfig tls = ConfigLoader.load("--tls-cert", cert, "--tls-key", key).tls().orElseThrow();

        assertEquals(new TlsConfig(5061, new TlsConfig.PemFiles(Path.of(cert), Path.of(key)), Optional.empty(),
                TlsConfig.ClientAuth.NONE), tls);
    }

    @Test
    void aTrustFileAsksForClientCertificatesUnlessToldOtherwise() throws Exception {
        assertEquals(TlsConfig.ClientAuth.OPTIONAL, ConfigLoader.load("--tls-self-signed", "--tls-trust", trust)
                .tls().orElseThrow().clients());
        assertEquals(TlsConfig.ClientAuth.REQUIRED, ConfigLoader.load("--tls-self-signed", "--tls-trust", trust,
                "--tls-client-auth", "required").tls().orElseThrow().clients());
        assertEquals(TlsConfig.ClientAuth.NONE, ConfigLoader.load("--tls-self-signed", "--tls-trust", trust,
                "--tls-client-auth", "NONE").tls().orElseThrow().clients());
    }

    @Test
    void selfSignedWithItsOwnPort() throws Exception {
        TlsConfig tls = ConfigLoader.load("--tls-self-signed", "--tls-port", "5071").tls().orElseThrow();

        assertEquals(new TlsConfig(5071, new TlsConfig.SelfSigned(), Optional.empty(), TlsConfig.ClientAuth.NONE), tls);
    }

    @Test
    void theConfigFileTakesTheSameKeys() throws Exception {
        Path file = Files.writeString(dir.resolve("callrec.conf"),
                "tls-cert = " + cert + "\ntls-key = " + key + "\ntls-trust = " + trust + "\ntls-port = 5062\n");

        TlsConfig tls = ConfigLoader.load("--config", file.toString()).tls().orElseThrow();

        assertEquals(5062, tls.port());
        assertEquals(Optional.of(Path.of(trust)), tls.trust());
    }

    @Test
    void aCertificateWithoutKeyIsRefused() {
        assertProblem("--tls-cert: needs --tls-key, the private key of the certificate", "--tls-cert", cert);
        assertProblem("--tls-key: needs --tls-cert, the certificate of the key", "--tls-key", key);
    }

    @Test
    void aCertificateAndSelfSignedTogetherAreRefused() {
        assertProblem("--tls-self-signed: conflicts with --tls-cert/--tls-key; give either a certificate or"
                + " --tls-self-signed", "--tls-cert", cert, "--tls-key", key, "--tls-self-signed");
    }

    @Test
    void tlsSettingsWithoutTlsAreRefused() {
        String off = ": TLS is off; turn it on with --tls-cert and --tls-key, or --tls-self-signed";
        assertProblem("--tls-port" + off, "--tls-port", "5061");
        assertProblem("--tls-trust" + off, "--tls-trust", trust);
        assertProblem("--tls-client-auth" + off, "--tls-client-auth", "required");
        assertProblem("--tls-port" + off, "--tls-self-signed", "false", "--tls-port", "5061");
    }

    @Test
    void missingFilesAreNamed() {
        String missing = dir.resolve("nope.pem").toString();
        assertProblem("--tls-key: " + missing + ": no such file", "--tls-cert", cert, "--tls-key", missing);
        assertProblem("--tls-trust: " + missing + ": no such file", "--tls-self-signed", "--tls-trust", missing);
    }

    @Test
    void theTlsPortMustDifferFromTheSipPort() {
        assertProblem("--tls-port: 5070 is both the SIP port (UDP, TCP) and the TLS port; TLS needs a port of its own",
                "--sip-port", "5070", "--tls-self-signed", "--tls-port", "5070");
        assertProblem("--sip-port: 5061 is both the SIP port (UDP, TCP) and the TLS port; TLS needs a port of its own",
                "--sip-port", "5061", "--tls-self-signed");
    }

    @Test
    void clientCertificatesNeedATrustFile() {
        assertProblem("--tls-client-auth: required needs --tls-trust, the certificates client certificates are"
                + " verified against", "--tls-self-signed", "--tls-client-auth", "required");
        assertProblem("--tls-client-auth: 'sometimes' is not none, optional or required",
                "--tls-self-signed", "--tls-trust", trust, "--tls-client-auth", "sometimes");
    }

    private static void assertProblem(String message, String... args) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(args));
        assertEquals(message, e.getMessage());
    }
}
