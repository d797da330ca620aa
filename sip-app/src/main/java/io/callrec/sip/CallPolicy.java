package io.callrec.sip;

import gov.nist.javax.sip.message.SIPMessage;
import io.callrec.config.Cidr;
import io.callrec.config.IpLiteral;
import io.callrec.config.ServerConfig;
import io.callrec.sip.auth.AuthResult;
import io.callrec.sip.auth.DigestAlgorithm;
import io.callrec.sip.auth.DigestAuthenticator;
import io.callrec.sip.limits.AuthLockout;
import io.callrec.sip.limits.DigestGuard;
import io.callrec.sip.registrar.Binding;
import io.callrec.sip.registrar.RegisterHandler;
import io.callrec.sip.registrar.Registrar;
import io.callrec.sip.routing.RouteDecision;
import io.callrec.sip.routing.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.RequestEvent;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who may do what and where calls go: registrar, digest authentication, trusted peers and routing, decided once
 * per request so that the B2BUA only carries calls.
 *
 * <p>Authentication: with users configured, REGISTER always needs credentials (401), and an INVITE from a source
 * outside the trusted peers needs them too (407). Without users, the server relies on routing alone: it only ever
 * relays to registered users, configured routes and the direct-routing networks, so it is never an open relay.
 */
public final class CallPolicy {
    private static final Logger log = LoggerFactory.getLogger(CallPolicy.class);

    private final ServerConfig config;
    private final Router router;
    private final RegisterHandler registerHandler;
    private final DigestAuthenticator authenticator;
    private final DigestGuard guard;
    private final List<Cidr> trusted;

    /** @param lockout failed digest authentications are counted there, and locked-out requests refused */
    public CallPolicy(ServerConfig config, Registrar registrar, Clock clock, byte[] digestSecret, AuthLockout lockout) {
        this.config = config;
        this.router = new Router(config, registrar);
        this.registerHandler = new RegisterHandler(registrar);
        this.authenticator = config.authenticationEnabled()
                ? new DigestAuthenticator(config.realm(), config.users(), clock, digestSecret,
                        DigestAuthenticator.DEFAULT_REPLAY_CACHE_NONCES,
                        config.digestAlgorithms().stream().map(a -> DigestAlgorithm.fromToken(a).orElseThrow()).toList())
                : null;
        this.guard = authenticator == null ? null : new DigestGuard(authenticator, lockout);
        this.trusted = new ArrayList<>(config.trustedPeers());
        config.upstream().flatMap(CallPolicy::hostOf).ifPresent(host -> {
            // The configured PBX is trusted by definition: its identities and Callrec-* headers are honoured.
            try {
                for (InetAddress a : InetAddress.getAllByName(host)) {
                    trusted.add(Cidr.parse(IpLiteral.format(a)));
                }
            } catch (UnknownHostException e) {
                log.warn("upstream host {} does not resolve; it is not trusted until restart", host);
            }
        });
    }

    Duration rtpTimeout() {
        return config.rtpTimeout();
    }

    /** The session interval the server asks the callee for when the caller asked for none; ZERO = none. */
    Duration sessionExpires() {
        return config.sessionExpires();
    }

    Duration minSessionExpires() {
        return config.minSe();
    }

    int maxCalls() {
        return config.maxCalls();
    }

    Response register(Request req, RequestEvent evt) {
        InetSocketAddress source = sourceOf(req);
        String transport = transportOf(req);
        if (authenticator == null) {
            return registerHandler.handle(req, source, transport);
        }
        if (guard.refuses(req, source.getAddress())) {
            return SipFactories.response(Response.FORBIDDEN, req);
        }
        AuthResult result = guard.verify(req, source.getAddress());
        if (result instanceof AuthResult.Ok ok) {
            return registerHandler.handle(req, source, transport, Optional.of(ok.user()));
        }
        if (result instanceof AuthResult.Failed f) {
            return forbidden(req, source, f.reason());
        }
        return authenticator.challenge(req, false, result instanceof AuthResult.Stale);
    }

    /** Empty when the request may go on; otherwise the challenge or refusal to send. */
    Optional<Response> authorize(Request req, RequestEvent evt) {
        if (authenticator == null || trusted(evt)) {
            return Optional.empty();
        }
        InetAddress source = sourceOf(req).getAddress();
        if (guard.refuses(req, source)) {
            return Optional.of(SipFactories.response(Response.FORBIDDEN, req));
        }
        AuthResult result = guard.verify(req, source);
        if (result instanceof AuthResult.Ok) {
            return Optional.empty();
        }
        if (result instanceof AuthResult.Failed f) {
            return Optional.of(forbidden(req, sourceOf(req), f.reason()));
        }
        return Optional.of(authenticator.challenge(req, true, result instanceof AuthResult.Stale));
    }

    private static Response forbidden(Request req, InetSocketAddress source, String reason) {
        log.info("{} from {} refused: digest {}", req.getMethod(), source, reason);
        return SipFactories.response(Response.FORBIDDEN, req);
    }

    /** Where an initial INVITE goes, or the status that refuses it. */
    Target route(Request req) {
        RouteDecision decision = router.route(req.getRequestURI().toString());
        if (decision instanceof RouteDecision.ToRegistered r) {
            Binding best = r.bindings().get(0);
            return new Target(0, null, best.contactUri(), "registered " + best.aor().user(), Optional.of(best));
        }
        if (decision instanceof RouteDecision.ToUri u) {
            return new Target(0, null, u.uri(), u.via(), Optional.empty());
        }
        int status = decision instanceof RouteDecision.Loop ? Response.LOOP_DETECTED : Response.NOT_FOUND;
        return new Target(status, null, null, null, Optional.empty());
    }

    boolean trusted(RequestEvent evt) {
        return isTrusted(sourceOf(evt.getRequest()).getAddress());
    }

    /**
     * Whether {@code Callrec-*} headers of this request are honoured (spec §2): from trusted peers and from users who
     * passed digest authentication, never from anyone else.
     */
    boolean mayRequestRecording(RequestEvent evt) {
        return trusted(evt) || authenticator != null;
    }

    /** The address a request came from (its transport source), for logs. */
    java.net.InetSocketAddress source(Request req) {
        return sourceOf(req);
    }

    /** Where the caller's identity comes from: the digest user when authenticated, else its From. */
    io.callrec.control.IdentitySource identitySource(RequestEvent evt) {
        return authenticator != null && !trusted(evt) ? io.callrec.control.IdentitySource.DIGEST_USER
                : io.callrec.control.IdentitySource.FROM;
    }



    boolean trustedTarget(String uri) {
        return hostOf(uri).flatMap(IpLiteral::parse).map(this::isTrusted).orElse(false);
    }

    private boolean isTrusted(InetAddress address) {
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The address and port a request came from (its transport source, not what its headers claim). */
    public static InetSocketAddress sourceOf(Request req) {
        SIPMessage m = (SIPMessage) req;
        InetAddress a = m.getPeerPacketSourceAddress() != null ? m.getPeerPacketSourceAddress() : m.getRemoteAddress();
        int port = m.getPeerPacketSourcePort() > 0 ? m.getPeerPacketSourcePort() : m.getRemotePort();
        return new InetSocketAddress(a, port);
    }

    static String transportOf(Request req) {
        ViaHeader via = (ViaHeader) req.getHeader(ViaHeader.NAME);
        return via == null ? "UDP" : via.getTransport();
    }

    private static Optional<String> hostOf(String uri) {
        try {
            URI parsed = SipFactories.addresses().createURI(uri);
            if (parsed instanceof SipURI s) {
                return Optional.of(IpLiteral.stripBrackets(s.getHost()));
            }
        } catch (ParseException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * @param status  0 when routed; otherwise the final response code to answer with
     * @param binding the registration the call goes to, when it goes to a registered user: its source address is
     *                the flow through which the UA can be reached
     */
    record Target(int status, String reason, String uri, String via, Optional<Binding> binding) { }
}
