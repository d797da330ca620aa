package io.callrec.config;

import io.callrec.control.ControlSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The server's whole configuration, immutable and already validated by {@link ConfigLoader}.
 * docs/configuration.md describes every field with its flag, config key and default.
 *
 * <p>Hosts are kept bare (IPv6 without brackets, e.g. {@code ::1}); use
 * {@link IpLiteral#forUri(String)} when putting one into a URI.
 *
 * @param users digest users, name to password, in the order given; non-empty turns digest
 *              authentication on. {@link #toString()} never shows the passwords.
 * @param digestAlgorithms the digest challenges offered, most preferred first ({@code MD5}, {@code SHA-256}):
 *              MD5 first by default because many UAs (SIPp among them) answer only the first challenge
 * @param dataDir where keys and spool files live: the path of {@code file:} storage, otherwise
 *                {@code ./callrec-data}
 * @param tls     SIP over TLS, when it is on
 * @param limits  rate limits, digest lockout, recording and connection caps
 * @param renditions browser renditions of recordings: on or off, and which ffmpeg
 * @param atRest  encryption at rest of recordings: which key files encrypt and decrypt
 * @param storageSettings the free-space floor and whether downloads are redirected to storage
 */
public record ServerConfig(
        String sipHost, int sipPort,
        String mediaHost,
        int rtpPortMin, int rtpPortMax,
        String httpHost, int httpPort,
        URI publicUrl,
        URI storage,
        ControlSettings control,
        boolean rawCapture,
        Duration linkTtl,
        List<Cidr> trustedPeers,
        Duration drainTimeout,
        List<StaticRoute> routes,
        Optional<String> upstream,
        List<Cidr> directRouting,
        Map<String, String> users,
        String realm,
        Duration rtpTimeout,
        Duration sessionExpires,
        Duration minSe,
        int maxCalls,
        Path dataDir,
        List<String> digestAlgorithms,
        Optional<TlsConfig> tls,
        LimitSettings limits,
        RenditionSettings renditions,
        AtRestConfig atRest,
        StorageSettings storageSettings) {

    public ServerConfig {
        Objects.requireNonNull(sipHost, "sipHost");
        Objects.requireNonNull(mediaHost, "mediaHost");
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(publicUrl, "publicUrl");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(linkTtl, "linkTtl");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(rtpTimeout, "rtpTimeout");
        Objects.requireNonNull(sessionExpires, "sessionExpires");
        Objects.requireNonNull(minSe, "minSe");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(renditions, "renditions");
        Objects.requireNonNull(atRest, "atRest");
        Objects.requireNonNull(storageSettings, "storageSettings");
        trustedPeers = List.copyOf(trustedPeers);
        routes = List.copyOf(routes);
        directRouting = List.copyOf(directRouting);
        digestAlgorithms = List.copyOf(digestAlgorithms);
        // Map.copyOf would lose the order the operator wrote the users in.
        users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
    }

    /** The consent policy (part of {@link #control()}). */
    public ConsentPolicy consent() {
        return control.policy();
    }

    /** True when SIP requests must carry digest credentials of one of {@link #users()}. */
    public boolean authenticationEnabled() {
        return !users.isEmpty();
    }

    /** True for {@code file:} storage, false for {@code s3:}. */
    public boolean fileStorage() {
        return "file".equals(storage.getScheme());
    }

    /** Like the generated form, but passwords are replaced by {@code ***}: configs end up in logs. */
    @Override
    public String toString() {
        String maskedUsers = users.keySet().stream().map(name -> name + "=***")
                .collect(Collectors.joining(", ", "{", "}"));
        return "ServerConfig[sipHost=" + sipHost + ", sipPort=" + sipPort + ", mediaHost=" + mediaHost
                + ", rtpPortMin=" + rtpPortMin + ", rtpPortMax=" + rtpPortMax
                + ", httpHost=" + httpHost + ", httpPort=" + httpPort + ", publicUrl=" + publicUrl
                + ", storage=" + storage + ", consent=" + control.policy() + ", consentTimeout=" + control.consentTimeout() + ", rawCapture=" + rawCapture
                + ", linkTtl=" + linkTtl + ", trustedPeers=" + trustedPeers + ", drainTimeout=" + drainTimeout
                + ", routes=" + routes + ", upstream=" + upstream + ", directRouting=" + directRouting
                + ", users=" + maskedUsers + ", realm=" + realm + ", rtpTimeout=" + rtpTimeout
                + ", sessionExpires=" + sessionExpires + ", minSe=" + minSe + ", maxCalls=" + maxCalls
                + ", dataDir=" + dataDir + ", digestAlgorithms=" + digestAlgorithms + ", tls=" + tls
                + ", limits=" + limits
                + ", renditions=" + renditions
                + ", atRest=" + atRest
                + ", storageSettings=" + storageSettings + "]";
    }
}
