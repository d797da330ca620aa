package io.callrec.media.dtls;

import io.callrec.media.srtp.SrtpProfile;

import java.io.IOException;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The two bctls peers of a DTLS-SRTP handshake, server and client, sharing what RFC 5763/5764 ask of both: DTLS 1.2,
 * ECDHE with our ECDSA certificate, a certificate from the party checked against its {@code a=fingerprint} (not
 * against any CA: the SDP binds it), {@code use_srtp} with our profile preference, and the keying material exported
 * when the handshake completes.
 */
final class DtlsPeers {
    /** ECDSA suites only: our certificate is ECDSA; GCM first. */
    private static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    };

    private DtlsPeers() {
    }

    /** What a peer learns during the handshake; read after it returned or failed. */
    static final class Outcome {
        volatile boolean fingerprintMismatch;
        volatile SrtpProfile profile;
        volatile byte[] material;
    }

    /** What both peers are made with. */
    record Params(BcTlsCrypto crypto, DtlsIdentity identity, DtlsFingerprint expected, List<SrtpProfile> preference,
                  int timeoutMillis, Outcome outcome) {
    }

    private static TlsCredentialedSigner signer(Params p, TlsContext context) throws IOException {
        Certificate chain = new Certificate(new TlsCertificate[] {p.crypto().createCertificate(
                p.identity().certificateDer())});
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), p.crypto(), p.identity().privateKey(),
                chain, SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    private static void checkPeer(Certificate certificate, Params p) throws IOException {
        if (certificate == null || certificate.isEmpty()
                || !p.expected().matches(certificate.getCertificateAt(0).getEncoded())) {
            p.outcome().fingerprintMismatch = true;
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "the certificate is not the one a=fingerprint"
                    + " names");
        }
    }

    private static void export(TlsContext context, Outcome outcome) {
        SrtpProfile profile = outcome.profile;
        outcome.material = context.exportKeyingMaterial(DtlsSrtpKeys.EXPORTER_LABEL, null,
                DtlsSrtpKeys.materialLength(profile));
    }

    private static int[] profileIds(List<SrtpProfile> preference) {
        int[] ids = new int[preference.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = preference.get(i).dtlsProfileId();
        }
        return ids;
    }

    static final class Server extends DefaultTlsServer {
        private final Params p;

        Server(Params p) {
            super(p.crypto());
            this.p = p;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), CIPHER_SUITES);
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return p.timeoutMillis();
        }

        @Override
        public boolean shouldCheckSigAlgOfPeerCerts() {
            return false; // self-signed certificates, bound by fingerprint: how they are signed does not matter
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            return signer(p, context);
        }

        @Override
        public void processClientExtensions(Hashtable clientExtensions) throws IOException {
            super.processClientExtensions(clientExtensions);
            UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
            if (offered == null) {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, "no use_srtp extension");
            }
            for (SrtpProfile profile : p.preference()) {
                for (int id : offered.getProtectionProfiles()) {
                    if (id == profile.dtlsProfileId()) {
                        p.outcome().profile = profile;
                        return;
                    }
                }
            }
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "no SRTP protection profile in common");
        }

        @Override
        public Hashtable getServerExtensions() throws IOException {
            Hashtable extensions = super.getServerExtensions();
            TlsSRTPUtils.addUseSRTPExtension(extensions,
                    new UseSRTPData(new int[] {p.outcome().profile.dtlsProfileId()}, TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        public CertificateRequest getCertificateRequest() {
            // RFC 5763 §5: the client must present the certificate its a=fingerprint names.
            Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
            return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                    algorithms, null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            checkPeer(clientCertificate, p);
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            export(context, p.outcome());
        }
    }

    static final class Client extends DefaultTlsClient {
        private final Params p;

        Client(Params p) {
            super(p.crypto());
            this.p = p;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), CIPHER_SUITES);
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return p.timeoutMillis();
        }

        @Override
        public boolean shouldCheckSigAlgOfPeerCerts() {
            return false;
        }

        @Override
        public Hashtable getClientExtensions() throws IOException {
            Hashtable extensions = super.getClientExtensions();
            TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(profileIds(p.preference()), TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            UseSRTPData chosen = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
            if (chosen == null || chosen.getProtectionProfiles().length != 1) {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter, "the server chose no SRTP profile");
            }
            int id = chosen.getProtectionProfiles()[0];
            p.outcome().profile = p.preference().stream().filter(f -> f.dtlsProfileId() == id).findFirst()
                    .orElseThrow(() -> new TlsFatalAlert(AlertDescription.illegal_parameter,
                            "the server chose an SRTP profile we did not offer: " + id));
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    checkPeer(serverCertificate.getCertificate(), p);
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    return signer(p, context);
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            export(context, p.outcome());
        }
    }
}
