package io.callrec.tls;

import io.callrec.config.IpLiteral;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Making X.509 certificates with BouncyCastle's builder: the self-signed certificate of {@code --tls-self-signed},
 * and in tests CAs, peers and expired certificates. Keys come from the JDK (EC P-256).
 */
public final class Certificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {
    }

    /** A fresh EC key pair on P-256: small, fast, and accepted by every TLS 1.2+ implementation. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no EC P-256 key generator", e);
        }
    }

    /** A certificate for {@code host} signed with its own key. */
    public static X509Certificate selfSigned(String host, KeyPair keys, Instant notBefore, Instant notAfter) {
        return issue(host, keys.getPublic(), false, notBefore, notAfter, keys.getPrivate(), subjectFor(host));
    }

    /**
     * A certificate for {@code host} (subject {@code CN=host}, subject alternative name: IP address or DNS name)
     * usable for TLS servers and clients.
     *
     * @param ca          a CA certificate (may sign others) rather than an end entity
     * @param signerKey   the issuer's private key; the subject's own for a self-signed certificate
     * @param issuer      the issuer's subject name
     */
    public static X509Certificate issue(String host, PublicKey subjectKey, boolean ca, Instant notBefore,
            Instant notAfter, PrivateKey signerKey, X500Principal issuer) {
        X500Principal subject = subjectFor(host);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(63, RANDOM).add(
                BigInteger.ONE), Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature
                    : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            if (!ca) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            }
            GeneralName name = IpLiteral.parse(host).isPresent()
                    ? new GeneralName(GeneralName.iPAddress, IpLiteral.stripBrackets(host))
                    : new GeneralName(GeneralName.dNSName, host);
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(name));
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(signerKey)).build(signerKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (CertIOException | OperatorCreationException | java.security.cert.CertificateException e) {
            throw new IllegalStateException("cannot make a certificate for " + host + ": " + e.getMessage(), e);
        }
    }

    /** {@code CN=host}. */
    public static X500Principal subjectFor(String host) {
        try {
            return new X500Principal(new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, host).build()
                    .getEncoded());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("no X.500 name for " + host, e);
        }
    }

    /** True when the certificate's subject alternative names include {@code host} (IP address or DNS name). */
    public static boolean names(X509Certificate certificate, String host) {
        String wanted = IpLiteral.parse(host).map(IpLiteral::format).orElse(host.toLowerCase(Locale.ROOT));
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return false;
            }
            for (List<?> entry : names) {
                Object value = entry.get(1);
                if (value instanceof String text) {
                    String normalised = IpLiteral.parse(text).map(IpLiteral::format).orElse(text.toLowerCase(Locale.ROOT));
                    if (normalised.equals(wanted)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    private static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "ED25519", "ED448", "EDDSA" -> key.getAlgorithm();
            default -> throw new IllegalArgumentException("cannot sign with a " + key.getAlgorithm() + " key");
        };
    }
}
