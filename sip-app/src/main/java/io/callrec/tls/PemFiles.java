package io.callrec.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObjectGenerator;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Reading and writing PEM files with BouncyCastle's parser, converted to JDK types through the JDK's own providers
 * (BouncyCastle is not registered as a security provider).
 */
public final class PemFiles {
    private PemFiles() {
    }

    /**
     * Every certificate of {@code file}, in file order (for a server chain: leaf first).
     *
     * @throws TlsSetupException the file holds no certificate, or one that does not parse
     */
    public static List<X509Certificate> certificates(Path file) throws TlsSetupException {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object object : objects(file)) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new TlsSetupException(file + ": certificate " + (certificates.size() + 1)
                            + " is not a valid X.509 certificate: " + e.getMessage(), e);
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsSetupException(file + ": no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(certificates);
    }

    /**
     * The one private key of {@code file}: PKCS#8 ({@code BEGIN PRIVATE KEY}) or the traditional OpenSSL forms
     * ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}).
     *
     * @throws TlsSetupException no key, more than one, an encrypted key, or one of a type the JDK cannot use
     */
    public static PrivateKey privateKey(Path file) throws TlsSetupException {
        PrivateKeyInfo found = null;
        for (Object object : objects(file)) {
            PrivateKeyInfo info;
            if (object instanceof PEMKeyPair pair) {
                info = pair.getPrivateKeyInfo();
            } else if (object instanceof PrivateKeyInfo plain) {
                info = plain;
            } else if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new TlsSetupException(file + ": the private key is encrypted; callrec needs it unencrypted"
                        + " (openssl pkey -in ENCRYPTED -out PLAIN), readable only by its user");
            } else {
                continue;
            }
            if (found != null) {
                throw new TlsSetupException(file + ": more than one private key; give the key of the certificate only");
            }
            found = info;
        }
        if (found == null) {
            throw new TlsSetupException(file + ": no private key (expected -----BEGIN PRIVATE KEY-----,"
                    + " BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
        }
        try {
            return new JcaPEMKeyConverter().getPrivateKey(found);
        } catch (PEMException e) {
            throw new TlsSetupException(file + ": private key of type " + found.getPrivateKeyAlgorithm().getAlgorithm()
                    + " cannot be used: " + e.getMessage(), e);
        }
    }

    /** PEM text of certificates ({@code BEGIN CERTIFICATE}), in the order given. */
    public static String encode(X509Certificate... certificates) {
        List<PemObjectGenerator> objects = new ArrayList<>();
        try {
            for (X509Certificate certificate : certificates) {
                objects.add(new JcaMiscPEMGenerator(certificate));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot PEM-encode a certificate: " + e.getMessage(), e);
        }
        return write(objects);
    }

    /** PEM text of an unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}). */
    public static String encode(PrivateKey key) {
        try {
            return write(List.of(new JcaPKCS8Generator(key, null)));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot PEM-encode a " + key.getAlgorithm() + " key", e);
        }
    }

    private static String write(List<PemObjectGenerator> objects) {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            for (PemObjectGenerator object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot PEM-encode: " + e.getMessage(), e);
        }
        return text.toString();
    }

    private static List<Object> objects(Path file) throws TlsSetupException {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
             PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            // PEMParser throws IOException for damaged base64 and IllegalArgumentException-like errors for bad DER.
            throw new TlsSetupException(file + ": not a readable PEM file: " + e.getMessage(), e);
        }
        return objects;
    }
}
