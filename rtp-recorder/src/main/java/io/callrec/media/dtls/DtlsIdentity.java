package io.callrec.media.dtls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * callrec's DTLS certificate: an ECDSA P-256 key and a self-signed certificate, made in memory when first needed and
 * kept for the life of the process ({@link #shared()}). Its SHA-256 fingerprint goes into every {@code a=fingerprint}
 * we send; nothing else vouches for it (RFC 5763 §5: the SDP binds the certificate). A restart makes a new one,
 * which only calls set up after the restart see. The private key is never written anywhere.
 */
public final class DtlsIdentity {
    /** Long enough for any call; peers check the fingerprint, not the dates (RFC 5763 §5). */
    private static final Duration VALIDITY = Duration.ofDays(30);

    private final byte[] certificateDer;
    private final AsymmetricKeyParameter privateKey;
    private final DtlsFingerprint fingerprint;

    private DtlsIdentity(byte[] certificateDer, AsymmetricKeyParameter privateKey) {
        this.certificateDer = certificateDer;
        this.privateKey = privateKey;
        this.fingerprint = DtlsFingerprint.of("sha-256", certificateDer);
    }

    private static final class Shared {
        static final DtlsIdentity INSTANCE = generate(new SecureRandom());
    }

    /** The identity of this process, made on first use (about 10 ms). */
    public static DtlsIdentity shared() {
        return Shared.INSTANCE;
    }

    /** A new key pair and self-signed certificate ({@code CN=callrec}), valid from an hour ago for 30 days. */
    public static DtlsIdentity generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=callrec");
            X509CertificateHolder holder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, random).abs(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").setSecureRandom(random)
                            .build(pair.getPrivate()));
            return new DtlsIdentity(holder.getEncoded(), PrivateKeyFactory.createKey(pair.getPrivate().getEncoded()));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make an ECDSA P-256 certificate: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The certificate, DER encoded (a copy). */
    public byte[] certificateDer() {
        return certificateDer.clone();
    }

    /** Its SHA-256 fingerprint, for {@code a=fingerprint}. */
    public DtlsFingerprint fingerprint() {
        return fingerprint;
    }

    /** The private key, for the handshake's signer only. */
    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    @Override
    public String toString() {
        return "DtlsIdentity[" + fingerprint + "]";
    }
}
