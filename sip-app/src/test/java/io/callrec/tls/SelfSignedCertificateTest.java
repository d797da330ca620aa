package io.callrec.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificateTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

    @Test
    void theFirstStartGeneratesACertificateForTheHostAndAPrivateKey() throws Exception {
        Path keys = dir.resolve("keys");

        ServerIdentity identity = SelfSignedCertificate.loadOrCreate(keys, "127.0.0.1", clock);

        assertTrue(Certificates.names(identity.certificate(), "127.0.0.1"));
        assertEquals("CN=127.0.0.1", identity.certificate().getSubjectX500Principal().getName());
        assertEquals(identity.certificate().getSubjectX500Principal(), identity.certificate().getIssuerX500Principal());
        assertEquals(clock.instant().plus(SelfSignedCertificate.VALIDITY), identity.certificate().getNotAfter().toInstant());
        Path key = keys.resolve(SelfSignedCertificate.KEY_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals(identity.certificate(), PemFiles.certificates(keys.resolve(SelfSignedCertificate.CERTIFICATE_FILE)).get(0));
    }

    @Test
    void aRestartReusesTheStoredCertificate() throws Exception {
        ServerIdentity first = SelfSignedCertificate.loadOrCreate(dir, "callrec.example.com", clock);
        clock.advance(Duration.ofDays(100));

        ServerIdentity second = SelfSignedCertificate.loadOrCreate(dir, "callrec.example.com", clock);

        assertEquals(first.certificate(), second.certificate());
        assertEquals(first.privateKey(), second.privateKey());
    }

    @Test
    void anExpiringCertificateIsReplaced() throws Exception {
        ServerIdentity first = SelfSignedCertificate.loadOrCreate(dir, "127.0.0.1", clock);
        clock.advance(SelfSignedCertificate.VALIDITY.minus(Duration.ofHours(1)));

        ServerIdentity second = SelfSignedCertificate.loadOrCreate(dir, "127.0.0.1", clock);

        assertNotEquals(first.certificate(), second.certificate());
        assertTrue(second.certificate().getNotAfter().toInstant().isAfter(clock.instant().plus(Duration.ofDays(300))));
    }

    @Test
    void anotherHostGetsANewCertificate() throws Exception {
        SelfSignedCertificate.loadOrCreate(dir, "127.0.0.1", clock);

        ServerIdentity second = SelfSignedCertificate.loadOrCreate(dir, "::1", clock);

        assertTrue(Certificates.names(second.certificate(), "::1"));
        assertTrue(Certificates.names(second.certificate(), "0:0:0:0:0:0:0:1"));
    }

    @Test
    void aDamagedKeyFileIsReplaced() throws Exception {
        SelfSignedCertificate.loadOrCreate(dir, "127.0.0.1", clock);
        Files.writeString(dir.resolve(SelfSignedCertificate.KEY_FILE), "garbage");

        ServerIdentity second = SelfSignedCertificate.loadOrCreate(dir, "127.0.0.1", clock);

        second.requireUsable(clock.instant(), "regenerated");
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(SelfSignedCertificate.KEY_FILE))));
    }
}
