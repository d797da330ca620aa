package io.callrec.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the server presents in a TLS handshake: its private key and certificate chain, leaf first.
 * {@link #toString()} never shows the key.
 */
public record ServerIdentity(PrivateKey privateKey, List<X509Certificate> chain) {

    public ServerIdentity {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least the server's certificate");
        }
    }

    /**
     * Reads {@code --tls-cert} and {@code --tls-key} and checks that they can serve at {@code now}
     * ({@link #requireUsable}).
     */
    public static ServerIdentity load(Path certificateFile, Path keyFile, Instant now) throws TlsSetupException {
        ServerIdentity identity = new ServerIdentity(PemFiles.privateKey(keyFile), PemFiles.certificates(certificateFile));
        identity.requireUsable(now, certificateFile + " and " + keyFile);
        return identity;
    }

    /** The server's own certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /**
     * Fails when peers would refuse this identity or the handshake could not be made: the key is not the
     * certificate's, or a certificate of the chain is expired or not valid yet.
     *
     * @param origin names the files in the message
     */
    public void requireUsable(Instant now, String origin) throws TlsSetupException {
        if (!matches(privateKey, certificate().getPublicKey())) {
            throw new TlsSetupException(origin + ": the private key does not belong to the certificate ("
                    + certificate().getSubjectX500Principal().getName() + ")");
        }
        for (X509Certificate certificate : chain) {
            String subject = certificate.getSubjectX500Principal().getName();
            if (now.isAfter(certificate.getNotAfter().toInstant())) {
                throw new TlsSetupException(origin + ": certificate expired on "
                        + certificate.getNotAfter().toInstant() + " (" + subject + ")");
            }
            if (now.isBefore(certificate.getNotBefore().toInstant())) {
                throw new TlsSetupException(origin + ": certificate not valid before "
                        + certificate.getNotBefore().toInstant() + " (" + subject + ")");
            }
        }
    }

    /** A signature made with the key verifies with the public key: works for RSA, EC and EdDSA alike. */
    static boolean matches(PrivateKey key, PublicKey publicKey) throws TlsSetupException {
        if (!key.getAlgorithm().equalsIgnoreCase(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "ED25519", "ED448", "EDDSA" -> key.getAlgorithm();
            default -> throw new TlsSetupException("keys of type " + key.getAlgorithm()
                    + " are not supported for TLS here (RSA, EC, Ed25519, Ed448)");
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // Keys of the same type that do not fit together (another curve, say) fail here rather than verify.
            return false;
        }
    }

    @Override
    public String toString() {
        return "ServerIdentity[" + certificate().getSubjectX500Principal().getName() + ", chain of " + chain.size()
                + ", " + privateKey.getAlgorithm() + " key]";
    }
}
