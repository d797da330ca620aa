package io.callrec.sip.auth;

import io.callrec.sip.SipFactories;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sip.address.URI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIP digest authentication (RFC 3261 section 22 with RFC 7616's SHA-256 and RFC 2617's MD5),
 * qop {@code auth}. Nonces are stateless ({@link StatelessNonces}: HMAC-signed time stamp, valid 5 minutes); passwords are
 * kept as given and HA1 is computed per request. Thread-safe.
 *
 * <p>Typical use in the B2BUA:
 * <pre>{@code
 * switch (auth.verify(request)) {
 *     case AuthResult.Ok ok -> proceed as ok.user()
 *     case AuthResult.Missing m -> send(auth.challenge(request, false))
 *     case AuthResult.Stale s -> send(auth.challenge(request, true))
 *     case AuthResult.Failed f -> log f.reason(); send 403
 * }
 * }</pre>
 */
public final class DigestAuthenticator {

    /** Nonces remembered for replay detection when no size is given. */
    public static final int DEFAULT_REPLAY_CACHE_NONCES = 10_000;

    private static final Logger log = LoggerFactory.getLogger(DigestAuthenticator.class);
    private static final Pattern NONCE_COUNT = Pattern.compile("[0-9a-fA-F]{8}");
    private static final String QOP_AUTH = "auth";

    private final String realm;
    private final List<DigestAlgorithm> challengeOrder;
    private final Map<String, String> users;
    private final Clock clock;
    private final StatelessNonces nonces;
    private final NonceCountTracker nonceCounts;
    private final HeaderFactory headers = SipFactories.headers();

    /** With replay detection over the last {@value #DEFAULT_REPLAY_CACHE_NONCES} nonces. */
    public DigestAuthenticator(String realm, Map<String, String> users, Clock clock, byte[] secret) {
        this(realm, users, clock, secret, DEFAULT_REPLAY_CACHE_NONCES);
    }

    /**
     * @param secret            HMAC key for nonces, at least 16 bytes; keep it across restarts so
     *                          that nonces handed out before one stay valid
     * @param replayCacheNonces how many nonces to track nonce counts for; 0 turns replay detection off
     */
    public DigestAuthenticator(String realm, Map<String, String> users, Clock clock, byte[] secret,
            int replayCacheNonces) {
        this(realm, users, clock, secret, replayCacheNonces, List.of(DigestAlgorithm.values()));
    }

    /**
     * @param challengeOrder the algorithms to challenge with, most preferred first (RFC 7616 §3.7: a UA takes the
     *                       first one it supports, and older UAs only ever look at the first)
     */
    public DigestAuthenticator(String realm, Map<String, String> users, Clock clock, byte[] secret,
            int replayCacheNonces, List<DigestAlgorithm> challengeOrder) {
        if (challengeOrder.isEmpty()) {
            throw new IllegalArgumentException("no digest algorithm to challenge with");
        }
        this.challengeOrder = List.copyOf(challengeOrder);
        this.realm = Objects.requireNonNull(realm, "realm");
        this.users = Map.copyOf(users);
        this.clock = Objects.requireNonNull(clock, "clock");
        if (secret.length < 16) {
            throw new IllegalArgumentException("nonce secret has " + secret.length + " bytes, needs at least 16");
        }
        if (replayCacheNonces < 0) {
            throw new IllegalArgumentException("replayCacheNonces " + replayCacheNonces + " is negative");
        }
        this.nonces = new StatelessNonces(secret, realm);
        this.nonceCounts = replayCacheNonces == 0 ? null : new NonceCountTracker(replayCacheNonces);
    }

    /** 401 for REGISTER, 407 for every other method: {@link #challenge(Request, boolean, boolean)} with {@code proxy} chosen by method. */
    public Response challenge(Request request, boolean stale) {
        return challenge(request, !Request.REGISTER.equals(request.getMethod()), stale);
    }

    /**
     * A challenge offering SHA-256 first, then MD5, with one fresh nonce, {@code qop="auth"}.
     *
     * @param proxy {@code true}: 407 with {@code Proxy-Authenticate}; {@code false}: 401 with {@code WWW-Authenticate}
     * @param stale {@code true} after {@link AuthResult.Stale}: the UA may retry without prompting its user
     */
    public Response challenge(Request request, boolean proxy, boolean stale) {
        Response response = SipFactories.response(
                proxy ? Response.PROXY_AUTHENTICATION_REQUIRED : Response.UNAUTHORIZED, request);
        String nonce = nonces.issue(clock.instant());
        try {
            for (DigestAlgorithm algorithm : challengeOrder) {
                WWWAuthenticateHeader header = proxy
                        ? headers.createProxyAuthenticateHeader("Digest")
                        : headers.createWWWAuthenticateHeader("Digest");
                header.setRealm(realm);
                header.setNonce(nonce);
                header.setAlgorithm(algorithm.token());
                header.setQop(QOP_AUTH);
                if (stale) {
                    header.setStale(true);
                }
                response.addHeader(header);
            }
        } catch (ParseException e) {
            throw new IllegalStateException("realm or nonce refused by JAIN-SIP: " + e.getMessage(), e);
        }
        return response;
    }

    /**
     * Checks the request's {@code Authorization} or {@code Proxy-Authorization} credentials for this
     * realm. Credentials for other realms are someone else's and count as missing.
     */
    public AuthResult verify(Request request) {
        Optional<AuthorizationHeader> found = credentialsForRealm(request);
        if (found.isEmpty()) {
            return new AuthResult.Missing();
        }
        AuthorizationHeader credentials = found.get();
        AuthResult result = check(request, credentials);
        if (result instanceof AuthResult.Failed failed) {
            log.info("digest authentication failed for user '{}' ({} {}): {}", credentials.getUsername(),
                    request.getMethod(), request.getRequestURI(), failed.reason());
        }
        return result;
    }

    /**
     * The user name in the request's credentials for this realm ({@code ""} when they name none), or empty when it
     * carries none. Nothing is checked: this is what the request claims.
     */
    public Optional<String> claimedUser(Request request) {
        return credentialsForRealm(request).map(c -> c.getUsername() == null ? "" : c.getUsername());
    }

    private AuthResult check(Request request, AuthorizationHeader credentials) {
        String nonce = credentials.getNonce();
        if (nonce == null) {
            return new AuthResult.Failed("no nonce");
        }
        StatelessNonces.Check nonceCheck = nonces.check(nonce, clock.instant());
        if (nonceCheck == StatelessNonces.Check.FORGED) {
            return new AuthResult.Failed("nonce not issued by this server");
        }
        String username = credentials.getUsername();
        String password = username == null ? null : users.get(username);
        if (password == null) {
            return new AuthResult.Failed("unknown user");
        }
        Optional<DigestAlgorithm> algorithm = DigestAlgorithm.fromToken(credentials.getAlgorithm());
        if (algorithm.isEmpty()) {
            return new AuthResult.Failed("unsupported algorithm " + credentials.getAlgorithm());
        }
        String digestUri = credentials.getParameter("uri");
        if (digestUri == null || !sameUri(digestUri, request.getRequestURI())) {
            return new AuthResult.Failed("digest uri " + digestUri + " is not the Request-URI");
        }
        String qop = credentials.getQop();
        String nc = credentials.getParameter("nc");
        String cnonce = credentials.getCNonce();
        if (qop != null) {
            if (!QOP_AUTH.equalsIgnoreCase(qop)) {
                return new AuthResult.Failed("unsupported qop " + qop);
            }
            if (nc == null || !NONCE_COUNT.matcher(nc).matches() || cnonce == null) {
                return new AuthResult.Failed("qop=auth without a valid nc and cnonce");
            }
        }
        String expected = DigestCalculator.response(algorithm.get(), username, realm, password,
                request.getMethod(), digestUri, nonce, nc, cnonce, qop == null ? null : QOP_AUTH);
        String given = credentials.getResponse() == null ? "" : credentials.getResponse().toLowerCase(Locale.ROOT);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII))) {
            return new AuthResult.Failed("wrong response (password)");
        }
        if (nonceCheck == StatelessNonces.Check.EXPIRED) {
            return new AuthResult.Stale();
        }
        if (qop != null && nonceCounts != null && !nonceCounts.firstUse(nonce, Long.parseLong(nc, 16))) {
            return new AuthResult.Failed("nonce count " + nc + " used before");
        }
        return new AuthResult.Ok(username);
    }

    private Optional<AuthorizationHeader> credentialsForRealm(Request request) {
        List<AuthorizationHeader> candidates = new ArrayList<>();
        for (String name : List.of(AuthorizationHeader.NAME, ProxyAuthorizationHeader.NAME)) {
            for (Iterator<?> it = request.getHeaders(name); it.hasNext(); ) {
                candidates.add((AuthorizationHeader) it.next());
            }
        }
        return candidates.stream()
                .filter(h -> "Digest".equalsIgnoreCase(h.getScheme()) && realm.equals(h.getRealm()))
                .findFirst();
    }

    /** Equal as text, or per RFC 3261 19.1.4 URI comparison (a UA may re-encode the URI). */
    private static boolean sameUri(String digestUri, URI requestUri) {
        if (digestUri.equals(requestUri.toString())) {
            return true;
        }
        try {
            return SipFactories.addresses().createURI(digestUri).equals(requestUri);
        } catch (ParseException e) {
            return false;
        }
    }
}
