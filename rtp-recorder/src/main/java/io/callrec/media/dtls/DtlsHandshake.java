package io.callrec.media.dtls;

import io.callrec.media.srtp.SrtpProfile;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * One DTLS-SRTP handshake (RFC 5764) over a datagram transport, blocking until it is done: the party's certificate
 * is checked against its {@code a=fingerprint}, the SRTP protection profile agreed with {@code use_srtp}, and the
 * keying material exported and split into the leg's two master keys. bctls retransmits lost flights itself.
 */
public final class DtlsHandshake {
    /** The bound on a whole handshake: bctls's retransmissions back off from 1 s, so a few losses fit. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * @param keys      the leg's keys
     * @param transport the DTLS association, to read after the handshake (a retransmitted final flight is answered
     *                  by reading it) and to close
     */
    public record Result(DtlsSrtpKeys keys, DTLSTransport transport) {
    }

    private DtlsHandshake() {
    }

    /**
     * Runs the handshake on the calling thread.
     *
     * @param role       ours: a client sends the ClientHello, a server waits for it
     * @param expected   the party's {@code a=fingerprint}
     * @param preference the SRTP profiles we accept, preferred first (a server chooses by it among the client's; a
     *                   client offers them in this order)
     * @throws DtlsHandshakeException if it gave no keys, with the reason
     */
    public static Result run(DatagramTransport transport, DtlsRole role, DtlsIdentity identity,
                             DtlsFingerprint expected, List<SrtpProfile> preference, Duration timeout)
            throws DtlsHandshakeException {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(expected, "expected");
        List<SrtpProfile> profiles = List.copyOf(preference);
        int millis = Math.toIntExact(timeout.toMillis());
        BcTlsCrypto crypto = new BcTlsCrypto(RANDOM);
        DtlsPeers.Outcome outcome = new DtlsPeers.Outcome();
        DtlsPeers.Params params = new DtlsPeers.Params(crypto, identity, expected, profiles, millis, outcome);
        DTLSTransport dtls;
        try {
            if (role == DtlsRole.SERVER) {
                dtls = new DTLSServerProtocol().accept(
                        new DtlsPeers.Server(params), transport);
            } else {
                dtls = new DTLSClientProtocol().connect(
                        new DtlsPeers.Client(params), transport);
            }
        } catch (IOException | RuntimeException e) {
            if (outcome.fingerprintMismatch) {
                throw new DtlsHandshakeException(DtlsHandshakeException.Reason.FINGERPRINT_MISMATCH,
                        "the party's certificate does not match its a=fingerprint " + expected, e);
            }
            if (e instanceof TlsTimeoutException || e instanceof InterruptedIOException) {
                throw new DtlsHandshakeException(DtlsHandshakeException.Reason.TIMEOUT,
                        "no DTLS handshake within " + timeout.toMillis() + " ms as " + role, e);
            }
            throw new DtlsHandshakeException(DtlsHandshakeException.Reason.FAILED,
                    "DTLS handshake as " + role + " failed: " + e, e);
        }
        byte[] material = outcome.material;
        if (outcome.profile == null || material == null) {
            throw new DtlsHandshakeException(DtlsHandshakeException.Reason.FAILED,
                    "DTLS handshake as " + role + " ended without SRTP keying material", null);
        }
        return new Result(DtlsSrtpKeys.split(outcome.profile, material, role), dtls);
    }
}
