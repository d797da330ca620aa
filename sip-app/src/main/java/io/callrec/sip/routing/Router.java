package io.callrec.sip.routing;

import io.callrec.config.IpLiteral;
import io.callrec.config.ServerConfig;
import io.callrec.config.StaticRoute;
import io.callrec.sip.SipFactories;
import io.callrec.sip.registrar.Binding;
import io.callrec.sip.registrar.Registrar;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.TelURL;
import javax.sip.address.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides where an INVITE goes; first match wins (spec section 1):
 * <ol>
 * <li>the Request-URI user has a binding in the registrar → those contacts;</li>
 * <li>a static route whose user regex fully matches → its URI; then the upstream, if configured.
 *     A target without a user part gets the dialled user ({@code sip:pbx} → {@code sip:1234@pbx});</li>
 * <li>the Request-URI host is an IP literal (or {@code localhost}) inside a direct-routing
 *     network → the Request-URI itself. Host names are never resolved here: DNS would let a
 *     caller steer the server anywhere a name points, and block the signalling thread;</li>
 * <li>otherwise not found.</li>
 * </ol>
 * With an upstream configured, step 2 takes every call that has a user part, so step 3 then only
 * serves Request-URIs without a user. A {@code tel:} URI only goes through step 2 (as
 * {@code sip:NUMBER@target;user=phone}). Any target that is this server's own SIP address and
 * port is a {@link RouteDecision.Loop}.
 */
public final class Router {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final ServerConfig config;
    private final Registrar registrar;
    private final AddressFactory addresses = SipFactories.addresses();

    public Router(ServerConfig config, Registrar registrar) {
        this.config = Objects.requireNonNull(config, "config");
        this.registrar = Objects.requireNonNull(registrar, "registrar");
    }

    /** @param requestUri the Request-URI as text, e.g. {@code sip:bob@127.0.0.1:5080;transport=tcp} */
    public RouteDecision route(String requestUri) {
        URI uri;
        try {
            uri = addresses.createURI(requestUri);
        } catch (ParseException e) {
            log.debug("unparseable Request-URI {}: {}", requestUri, e.getMessage());
            return new RouteDecision.NotFound();
        }
        if (uri instanceof SipURI sip) {
            return routeSip(sip);
        }
        if (uri instanceof TelURL tel) {
            String number = (tel.isGlobal() ? "+" : "") + tel.getPhoneNumber();
            return configuredRoute(number, true).orElse(new RouteDecision.NotFound());
        }
        return new RouteDecision.NotFound();
    }

    private RouteDecision routeSip(SipURI sip) {
        String user = sip.getUser();
        if (user != null && !user.isEmpty()) {
            List<Binding> bindings = registrar.lookup(user);
            if (!bindings.isEmpty()) {
                List<Binding> elsewhere = bindings.stream().filter(b -> !isOwnAddress(b.contactUri())).toList();
                return elsewhere.isEmpty() ? new RouteDecision.Loop() : new RouteDecision.ToRegistered(elsewhere);
            }
            Optional<RouteDecision> configured = configuredRoute(user, false);
            if (configured.isPresent()) {
                return configured.get();
            }
        }
        Optional<InetAddress> host = literalHost(sip.getHost());
        if (host.isPresent() && config.directRouting().stream().anyMatch(net -> net.contains(host.get()))) {
            // A Request-URI naming this server whose user is neither registered nor routed is simply unknown
            // here (404); Loop is kept for configuration that points back at us.
            return isOwnAddress(sip) ? new RouteDecision.NotFound() : new RouteDecision.ToUri(sip.toString(), "direct");
        }
        return new RouteDecision.NotFound();
    }

    /** Static routes in order, then the upstream. */
    private Optional<RouteDecision> configuredRoute(String user, boolean telephoneNumber) {
        List<StaticRoute> routes = config.routes();
        for (int i = 0; i < routes.size(); i++) {
            if (routes.get(i).user().matcher(user).matches()) {
                return Optional.of(toTarget(routes.get(i).targetUri(), user, telephoneNumber, "route " + (i + 1)));
            }
        }
        return config.upstream().map(upstream -> toTarget(upstream, user, telephoneNumber, "upstream"));
    }

    private RouteDecision toTarget(String targetUri, String user, boolean telephoneNumber, String via) {
        SipURI target;
        try {
            target = (SipURI) addresses.createURI(targetUri);
            if (target.getUser() == null || target.getUser().isEmpty()) {
                target = (SipURI) target.clone();
                target.setUser(user);
                if (telephoneNumber) {
                    target.setUserParam("phone");
                }
            }
        } catch (ParseException | ClassCastException e) {
            // ConfigLoader checked every target; reaching this means a config built by hand.
            throw new IllegalStateException(via + " target " + targetUri + " is not a SIP URI", e);
        }
        return isOwnAddress(target) ? new RouteDecision.Loop() : new RouteDecision.ToUri(target.toString(), via);
    }

    private boolean isOwnAddress(String contactUri) {
        try {
            return addresses.createURI(contactUri) instanceof SipURI sip && isOwnAddress(sip);
        } catch (ParseException e) {
            return false;
        }
    }

    /**
     * Same port as the server's SIP (or TLS) port and the server's host, or any local address when it listens on
     * all.
     */
    private boolean isOwnAddress(SipURI uri) {
        int port = port(uri);
        if (port != config.sipPort() && config.tls().map(tls -> tls.port() != port).orElse(true)) {
            return false;
        }
        String host = IpLiteral.stripBrackets(uri.getHost());
        if (host.equalsIgnoreCase(config.sipHost())) {
            return true;
        }
        Optional<InetAddress> target = literalHost(host);
        Optional<InetAddress> own = literalHost(config.sipHost());
        if (target.isEmpty() || own.isEmpty()) {
            return false;
        }
        if (own.get().isAnyLocalAddress()) {
            return isLocal(target.get());
        }
        return own.get().equals(target.get())
                || own.get().isLoopbackAddress() && target.get().isLoopbackAddress()
                        && config.sipHost().equalsIgnoreCase("localhost");
    }

    private static int port(SipURI uri) {
        if (uri.getPort() > 0) {
            return uri.getPort();
        }
        boolean tls = uri.isSecure() || "tls".equalsIgnoreCase(uri.getTransportParam());
        return tls ? 5061 : 5060;
    }

    /** IP literal, or {@code localhost} as 127.0.0.1; never a DNS lookup. */
    private static Optional<InetAddress> literalHost(String host) {
        if (host == null) {
            return Optional.empty();
        }
        if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
            return IpLiteral.parse("127.0.0.1");
        }
        return IpLiteral.parse(host);
    }

    private static boolean isLocal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
