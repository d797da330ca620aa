package io.callrec.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerIdentityTest {

    @TempDir
    Path dir;

    @Test
    void loadsAMatchingCertificateAndKey() throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("Test CA");
        TestCertificates.Issued leaf = TestCertificates.signedBy(ca, "sip.example.com");
        Path cert = TestCertificates.write(dir.resolve("chain.pem"), PemFiles.encode(leaf.certificate(), ca.certificate()));
        Path key = leaf.writeKey(dir.resolve("key.pem"));

        ServerIdentity identity = ServerIdentity.load(cert, key, Instant.now());

        assertEquals(leaf.certificate(), identity.certificate());
        assertEquals(2, identity.chain().size());
        assertFalse(identity.toString().contains(identity.privateKey().toString()));
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        Path cert = TestCertificates.selfSigned("127.0.0.1").writeCertificate(dir.resolve("cert.pem"));
        Path key = TestCertificates.selfSigned("127.0.0.1").writeKey(dir.resolve("other-key.pem"));

        TlsSetupException e = assertThrows(TlsSetupException.class, () -> ServerIdentity.load(cert, key, Instant.now()));

        assertEquals(cert + " and " + key + ": the private key does not belong to the certificate (CN=127.0.0.1)",
                e.getMessage());
    }

    @Test
    void aKeyOfAnotherTypeIsRefused() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Path cert = TestCertificates.selfSigned("127.0.0.1").writeCertificate(dir.resolve("cert.pem"));
        Path key = TestCertificates.write(dir.resolve("rsa.pem"), PemFiles.encode(rsa.generateKeyPair().getPrivate()));

        TlsSetupException e = assertThrows(TlsSetupException.class, () -> ServerIdentity.load(cert, key, Instant.now()));

        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    }

    @Test
    void anExpiredCertificateIsRefusedWithItsDate() {
        TestCertificates.Issued expired = TestCertificates.expired(TestCertificates.ca("Test CA"), "sip.example.com");
        Path cert = expired.writeCertificate(dir.resolve("cert.pem"));
        Path key = expired.writeKey(dir.resolve("key.pem"));

        TlsSetupException e = assertThrows(TlsSetupException.class, () -> ServerIdentity.load(cert, key, Instant.now()));

        assertEquals(cert + " and " + key + ": certificate expired on " + expired.certificate().getNotAfter().toInstant()
                + " (CN=sip.example.com)", e.getMessage());
    }

    @Test
    void aCertificateNotValidYetIsRefused() {
        Instant now = Instant.now();
        TestCertificates.Issued future = TestCertificates.selfSigned("127.0.0.1", now.plus(Duration.ofDays(2)),
                now.plus(Duration.ofDays(30)));

        TlsSetupException e = assertThrows(TlsSetupException.class,
                () -> future.identity().requireUsable(now, "test"));

        assertTrue(e.getMessage().startsWith("test: certificate not valid before "), e.getMessage());
    }

    @Test
    void anExpiredCaInTheChainIsRefused() {
        Instant now = Instant.now();
        TestCertificates.Issued oldCa = TestCertificates.ca("Old CA");
        TestCertificates.Issued leaf = TestCertificates.signedBy(oldCa, "sip.example.com", now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(30)));
        ServerIdentity identity = new ServerIdentity(leaf.keys().getPrivate(),
                java.util.List.of(leaf.certificate(), oldCa.certificate()));

        TlsSetupException e = assertThrows(TlsSetupException.class,
                () -> identity.requireUsable(now.plus(Duration.ofDays(2)), "test"));

        assertTrue(e.getMessage().startsWith("test: certificate expired on ")
                && e.getMessage().endsWith("(CN=Old CA)"), e.getMessage());
    }
}
