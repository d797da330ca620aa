package io.callrec.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's PKIX trust manager, plus a validity check of every certificate the peer sent. The JDK accepts a
 * certificate that is itself in the trust store without looking at its dates, so a pinned peer certificate
 * (the usual way to trust a self-signed one) would be accepted long after it expired.
 */
final class ValidityCheckingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final Clock clock;

    ValidityCheckingTrustManager(X509ExtendedTrustManager pkix, Clock clock) {
        this.pkix = pkix;
        this.clock = clock;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkDates(chain);
        pkix.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkDates(chain);
        pkix.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkDates(chain);
        pkix.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkDates(chain);
        pkix.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkDates(chain);
        pkix.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkDates(chain);
        pkix.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }

    private void checkDates(X509Certificate[] chain) throws CertificateException {
        Date now = Date.from(clock.instant());
        for (X509Certificate certificate : chain) {
            // Throws CertificateExpiredException / CertificateNotYetValidException, which the handshake reports.
            certificate.checkValidity(now);
        }
    }
}
