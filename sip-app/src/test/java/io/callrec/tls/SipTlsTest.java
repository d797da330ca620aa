package io.callrec.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.config.TlsConfig.ClientAuth;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** Real handshakes on loopback between contexts made by {@link SipTls}: who is accepted, who is refused. */
class SipTlsTest {

    private final TestCertificates.Issued ca = TestCertificates.ca("Test CA");
    private final TestCertificates.Issued server = TestCertificates.signedBy(ca, "127.0.0.1");

    @Test
    void onlyTls12And13WithForwardSecretAeadSuites() throws Exception {
        SipTls tls = tls(server, Optional.empty(), ClientAuth.NONE);

        assertEquals(List.of("TLSv1.3", "TLSv1.2"), tls.protocols());
        assertTrue(tls.cipherSuites().contains("TLS_AES_128_GCM_SHA256"), tls.cipherSuites().toString());
        assertTrue(tls.cipherSuites().contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), tls.cipherSuites().toString());
        for (String suite : tls.cipherSuites()) {
            assertTrue(suite.matches("TLS_(AES|CHACHA20)_.*|TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_\\d+_GCM|CHACHA20_POLY1305)_.*"),
                    suite);
        }
    }

    @Test
    void aClientWithACertificateOfTheTrustedCaIsAccepted() throws Exception {
        SipTls serverSide = tls(server, Optional.of(List.of(ca.certificate())), ClientAuth.REQUIRED);
        SipTls client = tls(TestCertificates.signedBy(ca, "client.example.com"),
                Optional.of(List.of(ca.certificate())), ClientAuth.NONE);

        assertNull(handshake(serverSide, client));
    }

    @Test
    void aClientCertificateOfAnotherCaIsRefused() throws Exception {
        SipTls serverSide = tls(server, Optional.of(List.of(ca.certificate())), ClientAuth.OPTIONAL);
        TestCertificates.Issued stranger = TestCertificates.signedBy(TestCertificates.ca("Other CA"), "client");
        SipTls client = presenting(stranger);

        assertInstanceOf(SSLHandshakeException.class, handshake(serverSide, client));
    }

    @Test
    void anExpiredClientCertificateOfTheTrustedCaIsRefused() throws Exception {
        SipTls serverSide = tls(server, Optional.of(List.of(ca.certificate())), ClientAuth.OPTIONAL);
        SipTls client = presenting(TestCertificates.expired(ca, "client"));

        assertInstanceOf(SSLHandshakeException.class, handshake(serverSide, client));
    }

    @Test
    void anExpiredPinnedCertificateIsRefused() throws Exception {
        // The JDK alone accepts a certificate that is itself a trust anchor whatever its dates.
        TestCertificates.Issued pinned = TestCertificates.selfSigned("client",
                java.time.Instant.now().minus(java.time.Duration.ofDays(30)),
                java.time.Instant.now().minus(java.time.Duration.ofDays(1)));
        SipTls serverSide = tls(server, Optional.of(List.of(pinned.certificate())), ClientAuth.REQUIRED);
        SipTls client = presenting(pinned);

        Exception refused = handshake(serverSide, client);

        assertInstanceOf(SSLHandshakeException.class, refused);
        assertInstanceOf(CertificateExpiredException.class, rootCause(refused), refused.toString());
    }

    @Test
    void aClientWithoutCertificateIsAcceptedWhenOptionalAndRefusedWhenRequired() throws Exception {
        SipTls client = tls(TestCertificates.selfSigned("unused"), Optional.of(List.of(ca.certificate())),
                ClientAuth.NONE);
        SipTls anonymous = new SipTls(0, client.identity(), clientWithoutCertificate(), client.protocols(),
                client.cipherSuites(), ClientAuth.NONE);

        assertNull(handshake(tls(server, Optional.of(List.of(ca.certificate())), ClientAuth.OPTIONAL), anonymous));
        assertInstanceOf(SSLHandshakeException.class,
                handshake(tls(server, Optional.of(List.of(ca.certificate())), ClientAuth.REQUIRED), anonymous));
    }

    @Test
    void outgoingConnectionsVerifyTheServerAgainstTheTrustFile() throws Exception {
        TestCertificates.Issued impostor = TestCertificates.signedBy(TestCertificates.ca("Other CA"), "127.0.0.1");
        SipTls client = tls(TestCertificates.signedBy(ca, "client"), Optional.of(List.of(ca.certificate())),
                ClientAuth.NONE);

        assertNull(handshakeBoth(tls(server, Optional.empty(), ClientAuth.NONE), client).clientSide);
        assertInstanceOf(SSLHandshakeException.class,
                handshakeBoth(tls(impostor, Optional.empty(), ClientAuth.NONE), client).clientSide);
    }

    private static SipTls tls(TestCertificates.Issued identity, Optional<List<X509Certificate>> trust, ClientAuth clients)
            throws TlsSetupException {
        return SipTls.create(0, identity.identity(), trust, clients, Clock.systemUTC());
    }

    /** A client that sends its certificate even when the server asks for another CA's. */
    private SipTls presenting(TestCertificates.Issued identity) throws TlsSetupException {
        SipTls defaults = tls(identity, Optional.of(List.of(ca.certificate())), ClientAuth.NONE);
        return new SipTls(0, defaults.identity(), identity.presentingContext(ca.certificate()), defaults.protocols(),
                defaults.cipherSuites(), ClientAuth.NONE);
    }

    private static javax.net.ssl.SSLContext clientWithoutCertificate() throws Exception {
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        javax.net.ssl.TrustManager trustAll = new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        context.init(null, new javax.net.ssl.TrustManager[] {trustAll}, null);
        return context;
    }

    /** What each side saw; the server's verdict is the one that counts for client certificates. */
    private record Outcome(Exception serverSide, Exception clientSide) {
    }

    /** One connection; the server's handshake failure, or null when it accepted the client. */
    private static Exception handshake(SipTls serverSide, SipTls client) throws Exception {
        return handshakeBoth(serverSide, client).serverSide;
    }

    private static Outcome handshakeBoth(SipTls serverSide, SipTls client) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) serverSide.context().getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSSLParameters(serverSide.parameters());
            listener.setWantClientAuth(serverSide.clients() == ClientAuth.OPTIONAL);
            if (serverSide.clients() == ClientAuth.REQUIRED) {
                listener.setNeedClientAuth(true);
            }
            CompletableFuture<Exception> server = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.setSoTimeout(3000);
                    accepted.startHandshake();
                    accepted.getOutputStream().write(42);
                    accepted.getOutputStream().flush();
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            Exception clientSide = null;
            try (SSLSocket socket = (SSLSocket) client.context().getSocketFactory().createSocket()) {
                socket.setSSLParameters(client.parameters());
                socket.setSoTimeout(3000);
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 3000);
                socket.startHandshake();
                // TLS 1.3 finishes the client's side before the server has judged its certificate: read to know.
                if (socket.getInputStream().read() != 42) {
                    clientSide = new IOException("connection closed by the server");
                }
            } catch (IOException e) {
                clientSide = e;
            }
            return new Outcome(server.get(5, TimeUnit.SECONDS), clientSide);
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
