package io.callrec.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsAChainInFileOrder() throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("Test CA");
        TestCertificates.Issued leaf = TestCertificates.signedBy(ca, "sip.example.com");
        Path file = TestCertificates.write(dir.resolve("chain.pem"), PemFiles.encode(leaf.certificate(), ca.certificate()));

        List<X509Certificate> chain = PemFiles.certificates(file);

        assertEquals(List.of(leaf.certificate(), ca.certificate()), chain);
    }

    @Test
    void readsAPkcs8Key() throws Exception {
        TestCertificates.Issued leaf = TestCertificates.selfSigned("127.0.0.1");
        Path file = leaf.writeKey(dir.resolve("key.pem"));

        PrivateKey key = PemFiles.privateKey(file);

        assertArrayEquals(leaf.keys().getPrivate().getEncoded(), key.getEncoded());
        assertTrue(java.nio.file.Files.readString(file).startsWith("-----BEGIN PRIVATE KEY-----"));
    }

    @Test
    void readsTraditionalRsaAndEcKeys() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaKeys = rsa.generateKeyPair();
        KeyPair ecKeys = Certificates.newKeyPair();
        for (KeyPair keys : List.of(rsaKeys, ecKeys)) {
            String pem = traditional(keys.getPrivate());
            assertTrue(pem.startsWith("-----BEGIN " + (keys == rsaKeys ? "RSA" : "EC") + " PRIVATE KEY-----"), pem);
            Path file = TestCertificates.write(dir.resolve(keys.getPrivate().getAlgorithm() + ".pem"), pem);

            PrivateKey key = PemFiles.privateKey(file);

            assertEquals(keys.getPrivate().getAlgorithm(), key.getAlgorithm());
            assertTrue(ServerIdentity.matches(key, keys.getPublic()), keys.getPrivate().getAlgorithm());
        }
    }

    @Test
    void aKeyFileWithTheCertificateOnlyIsRefused() {
        Path file = TestCertificates.selfSigned("127.0.0.1").writeCertificate(dir.resolve("cert.pem"));

        TlsSetupException e = assertThrows(TlsSetupException.class, () -> PemFiles.privateKey(file));

        assertTrue(e.getMessage().startsWith(file + ": no private key"), e.getMessage());
    }

    @Test
    void aCertificateFileWithAKeyOnlyIsRefused() {
        Path file = TestCertificates.selfSigned("127.0.0.1").writeKey(dir.resolve("key.pem"));

        TlsSetupException e = assertThrows(TlsSetupException.class, () -> PemFiles.certificates(file));

        assertTrue(e.getMessage().startsWith(file + ": no certificate"), e.getMessage());
    }

    @Test
    void anEncryptedKeyIsRefusedWithAHint() throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(Certificates.newKeyPair().getPrivate(),
                    new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(new BouncyCastleProvider())
                            .build("secret".toCharArray()));
        }
        Path file = TestCertificates.write(dir.resolve("encrypted.pem"), text.toString());

        TlsSetupException e = assertThrows(TlsSetupException.class, () -> PemFiles.privateKey(file));

        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
    }

    @Test
    void damagedBase64IsRefused() {
        Path file = TestCertificates.write(dir.resolve("bad.pem"),
                "-----BEGIN CERTIFICATE-----\nnot*base64!\n-----END CERTIFICATE-----\n");

        TlsSetupException e = assertThrows(TlsSetupException.class, () -> PemFiles.certificates(file));

        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    @Test
    void twoKeysInOneFileAreRefused() {
        String two = PemFiles.encode(Certificates.newKeyPair().getPrivate())
                + PemFiles.encode(Certificates.newKeyPair().getPrivate());
        Path file = TestCertificates.write(dir.resolve("two.pem"), two);

        TlsSetupException e = assertThrows(TlsSetupException.class, () -> PemFiles.privateKey(file));

        assertTrue(e.getMessage().contains("more than one private key"), e.getMessage());
    }

    /**
     * {@code BEGIN RSA PRIVATE KEY} / {@code BEGIN EC PRIVATE KEY}, as older openssl commands write them. The EC
     * form is built by hand: openssl names the curve inside it, which BouncyCastle's writer leaves out for a key
     * that came from the JDK.
     */
    private static String traditional(PrivateKey key) throws Exception {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            if (key instanceof ECPrivateKey ec) {
                org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                        ec.getS(), new X962Parameters(SECObjectIdentifiers.secp256r1));
                writer.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            } else {
                writer.writeObject(new JcaMiscPEMGenerator(key));
            }
        }
        return text.toString();
    }
}
