package io.callrec.config;

import io.callrec.atrest.AtRestKey;
import io.callrec.atrest.KeyFileException;
import io.callrec.control.ControlSettings;
import io.callrec.control.FeatureCode;
import io.callrec.control.FeatureCodes;
import io.callrec.control.PeerAnswerParser;
import io.callrec.control.PlainTexts;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.sip.PeerUnavailableException;
import javax.sip.SipFactory;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;

/**
 * Turns raw settings (flags already merged over the config file) into a validated
 * {@link ServerConfig}. Each check fails with one line naming the flag or file line.
 */
final class ConfigResolver {

    static final String DEFAULT_SIP_HOST = "127.0.0.1";
    static final List<String> LOOPBACK_NETWORKS = List.of("127.0.0.0/8", "::1/128");
    static final Path DEFAULT_DATA_DIR = Path.of("./callrec-data");

    private static final Pattern PORT_RANGE = Pattern.compile("(\\d{1,9})-(\\d{1,9})");
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern ROUTE_TARGET = Pattern.compile("=(?i:sips?):");
    private static final Pattern SIP_USER = Pattern.compile("[A-Za-z0-9\\-_.!~*'()&=+$,;?/%]+");
    private static final Pattern S3_BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern S3_REGION = Pattern.compile("[a-z0-9-]{1,32}");
    private static final Set<String> S3_PARAMETERS = Set.of("endpoint", "region");
    private static final Duration RFC4028_MIN_SE = Duration.ofSeconds(90);
    private static final Duration MIN_CONSENT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration MAX_CONSENT_TIMEOUT = Duration.ofMinutes(10);
    private static final int MAX_PROMPT_CHARS = 300;
    private static final Pattern RATE_LIMIT = Pattern.compile("(\\d{1,6})(?::(\\d{1,7}))?");
    private static final Pattern AUTH_LOCKOUT = Pattern.compile("(\\d{1,6})/(\\S+)");
    private static final String GENERATE = "generate:";

    private final Map<String, List<Setting>> settings;

    /** @param settings per key, in order; single-valued keys hold at most one setting */
    ConfigResolver(Map<String, List<Setting>> settings) {
        this.settings = settings;
    }

    ServerConfig resolve() throws ConfigException {
        String sipHost = host("sip-host").orElse(DEFAULT_SIP_HOST);
        int sipPort = port("sip-port", 5060);
        String mediaHost = mediaHost(sipHost);
        int[] rtpPorts = rtpPorts();
        String httpHost = host("http-host").orElse(sipHost);
        int httpPort = port("http-port", 8080);
        URI publicUrl = publicUrl(httpHost, httpPort);
        URI storage = storage();
        ControlSettings control = control(consent());
        boolean rawCapture = bool("raw-capture", false);
        Duration linkTtl = duration("link-ttl", Duration.ofHours(72));
        if (linkTtl.isZero()) {
            throw single("link-ttl").orElseThrow().problem("must be longer than 0");
        }
        List<Cidr> trustedPeers = networks("trusted-peers");
        Duration drainTimeout = duration("drain-timeout", Duration.ofSeconds(30));
        List<StaticRoute> routes = routes();
        Optional<String> upstream = single("upstream").isPresent()
                ? Optional.of(sipUri(single("upstream").orElseThrow())) : Optional.empty();
        List<Cidr> directRouting = networks("direct-routing");
        Map<String, String> users = users();
        String realm = realm(sipHost);
        List<String> digestAlgorithms = digestAlgorithms();
        Duration rtpTimeout = duration("rtp-timeout", Duration.ofSeconds(60));
        Duration minSe = sessionInterval("min-se", RFC4028_MIN_SE);
        Duration sessionExpires = sessionInterval("session-expires", Duration.ofSeconds(1800));
        if (sessionExpires.compareTo(minSe) < 0) {
            Setting at = single("session-expires").or(() -> single("min-se")).orElseThrow();
            throw at.problem(Durations.format(sessionExpires) + " session interval is below --min-se "
                    + Durations.format(minSe));
        }
        int maxCalls = positiveInt("max-calls", 2000);
        Path dataDir = dataDir(storage);
        Optional<TlsConfig> tls = tls(sipPort);
        RenditionSettings renditions = renditions();
        AtRestConfig atRest = atRest();
        return new ServerConfig(sipHost, sipPort, mediaHost, rtpPorts[0], rtpPorts[1], httpHost, httpPort,
                publicUrl, storage, control, rawCapture, linkTtl, trustedPeers, drainTimeout, routes, upstream,
                directRouting, users, realm, rtpTimeout, sessionExpires, minSe, maxCalls, dataDir,
                digestAlgorithms, tls, limits(), renditions, atRest, storageSettings(storage));
    }

    private LimitSettings limits() throws ConfigException {
        LimitSettings d = LimitSettings.DEFAULTS;
        int failures = d.authFailures();
        Duration window = d.authWindow();
        Optional<Setting> lockout = single("auth-lockout");
        if (lockout.isPresent()) {
            String text = lockout.get().text().trim();
            Matcher m = AUTH_LOCKOUT.matcher(text);
            if (text.equals("0")) {
                failures = 0;
            } else if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
                throw lockout.get().problem("'" + text + "' is not FAILURES/DURATION (e.g. 5/60s) or 0");
            } else {
                failures = Integer.parseInt(m.group(1));
                try {
                    window = Durations.parse(m.group(2));
                } catch (IllegalArgumentException e) {
                    throw lockout.get().problem(e.getMessage());
                }
                if (window.isZero()) {
                    throw lockout.get().problem("the window must be longer than 0");
                }
            }
        }
        Duration lockoutTime = duration("auth-lockout-time", d.authLockout());
        if (lockoutTime.isZero()) {
            throw single("auth-lockout-time").orElseThrow().problem("must be longer than 0");
        }
        return new LimitSettings(rateLimit("rate-limit-invite", d.invite()),
                rateLimit("rate-limit-register", d.register()), rateLimit("rate-limit-options", d.options()),
                failures, window, lockoutTime, positiveInt("max-recordings", d.maxRecordings()),
                positiveInt("max-tcp-connections", d.maxTcpConnections()), tcpIdleTimeout(d.tcpIdleTimeout()));
    }

    private Duration tcpIdleTimeout(Duration defaultValue) throws ConfigException {
        Duration idle = duration("tcp-idle-timeout", defaultValue);
        if (idle.compareTo(LimitSettings.MIN_TCP_IDLE) < 0 || idle.compareTo(LimitSettings.MAX_TCP_IDLE) > 0) {
            throw single("tcp-idle-timeout").orElseThrow().problem("must be between 1s and 24h");
        }
        return idle;
    }

    private RateLimit rateLimit(String key, RateLimit defaultValue) throws ConfigException {
        Optional<Setting> setting = single(key);
        if (setting.isEmpty()) {
            return defaultValue;
        }
        String text = setting.get().text().trim();
        Matcher m = RATE_LIMIT.matcher(text);
        if (!m.matches()) {
            throw setting.get().problem("'" + text + "' is not RATE or RATE:BURST (e.g. 50 or 50:100), or 0 for off");
        }
        int rate = Integer.parseInt(m.group(1));
        if (m.group(2) == null) {
            return RateLimit.of(rate);
        }
        int burst = Integer.parseInt(m.group(2));
        if (rate == 0 || burst < 1) {
            throw setting.get().problem("'" + text + "': a limit needs a rate and a burst of at least 1 (0 alone"
                    + " turns it off)");
        }
        return new RateLimit(rate, burst);
    }

    private Optional<Setting> single(String key) {
        List<Setting> values = settings.getOrDefault(key, List.of());
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    private List<Setting> all(String key) {
        return settings.getOrDefault(key, List.of());
    }

    private Optional<String> host(String key) throws ConfigException {
        Optional<Setting> setting = single(key);
        if (setting.isEmpty()) {
            return Optional.empty();
        }
        String text = setting.get().text().trim();
        Optional<java.net.InetAddress> literal = IpLiteral.parse(text);
        if (literal.isPresent()) {
            return Optional.of(IpLiteral.stripBrackets(text));
        }
        // All digits and dots yet no valid IPv4: a typo such as 10.0.0.256, not a host name.
        if (text.matches("[\\d.]+") || !HOST_NAME.matcher(text).matches()) {
            throw setting.get().problem("'" + text + "' is not an IP address or host name");
        }
        return Optional.of(text);
    }

    private String mediaHost(String sipHost) throws ConfigException {
        Optional<String> given = host("media-host");
        String mediaHost = given.orElse(sipHost);
        if (IpLiteral.isWildcard(mediaHost)) {
            String why = given.isPresent() ? mediaHost + " is a wildcard address"
                    : "not set, and --sip-host " + mediaHost + " is a wildcard address";
            throw new ConfigException("--media-host: " + why
                    + " that SDP cannot advertise; set the address peers send RTP to");
        }
        return mediaHost;
    }

    private int port(String key, int defaultPort) throws ConfigException {
        Optional<Setting> setting = single(key);
        if (setting.isEmpty()) {
            return defaultPort;
        }
        String text = setting.get().text().trim();
        if (!text.matches("\\d{1,9}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw setting.get().problem(text + " is not a port number (1-65535)");
        }
        return Integer.parseInt(text);
    }

    private int[] rtpPorts() throws ConfigException {
        Optional<Setting> setting = single("rtp-ports");
        if (setting.isEmpty()) {
            return new int[] {20000, 29999};
        }
        String text = setting.get().text().trim();
        Matcher m = PORT_RANGE.matcher(text);
        if (!m.matches()) {
            throw setting.get().problem("'" + text + "' is not a port range LOW-HIGH (e.g. 20000-29999)");
        }
        int low = Integer.parseInt(m.group(1));
        int high = Integer.parseInt(m.group(2));
        for (int port : new int[] {low, high}) {
            if (port < 1024 || port > 65535) {
                throw setting.get().problem(port + " is outside 1024-65535");
            }
        }
        if (low % 2 != 0) {
            throw setting.get().problem("LOW " + low + " must be even (RTP takes the even port, RTCP the next)");
        }
        if (low >= high) {
            throw setting.get().problem("LOW " + low + " must be below HIGH " + high);
        }
        return new int[] {low, high};
    }

    private URI publicUrl(String httpHost, int httpPort) throws ConfigException {
        Optional<Setting> setting = single("public-url");
        if (setting.isEmpty()) {
            if (IpLiteral.isWildcard(httpHost)) {
                throw new ConfigException("--public-url: not set, and the HTTP address " + httpHost
                        + " is a wildcard that links cannot use; set the URL people open");
            }
            return URI.create("http://" + IpLiteral.forUri(httpHost) + ":" + httpPort);
        }
        String text = setting.get().text().trim();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw setting.get().problem("'" + text + "' is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw setting.get().problem("'" + text + "' is not an http:// or https:// URL with a host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw setting.get().problem("'" + text + "' must not have a query, fragment or user info");
        }
        if (IpLiteral.isWildcard(uri.getHost())) {
            throw setting.get().problem("'" + text + "' names a wildcard address that links cannot use");
        }
        // Links are {public-url}/recordings/...: a trailing slash would double it.
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return URI.create(scheme + "://" + uri.getRawAuthority() + path);
    }

    private URI storage() throws ConfigException {
        Optional<Setting> setting = single("storage");
        if (setting.isEmpty()) {
            return URI.create("file:./callrec-data");
        }
        String text = setting.get().text().trim();
        String expected = " (file:PATH or s3://BUCKET?endpoint=URL&region=R)";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw setting.get().problem("'" + text + "' is not a URI" + expected);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "file" -> checkFileStorage(setting.get(), uri);
            case "s3" -> checkS3Storage(setting.get(), uri);
            default -> throw setting.get().problem("'" + text + "' is not a storage URI" + expected);
        }
        return uri;
    }

    private static void checkFileStorage(Setting setting, URI uri) throws ConfigException {
        String path = filePath(uri);
        if (path == null || path.isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw setting.problem("'" + setting.text().trim() + "' is not file:PATH");
        }
        if (!uri.isOpaque() && uri.getAuthority() != null && !uri.getAuthority().equals("localhost")) {
            throw setting.problem("'" + setting.text().trim() + "' names a remote host; only local paths work");
        }
        try {
            Path.of(path);
        } catch (InvalidPathException e) {
            throw setting.problem("'" + path + "' is not a valid path");
        }
    }

    private static void checkS3Storage(Setting setting, URI uri) throws ConfigException {
        String text = setting.text().trim();
        String bucket = uri.getAuthority();
        if (uri.isOpaque() || bucket == null || !S3_BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw setting.problem("'" + text + "' needs a valid bucket name: s3://BUCKET?endpoint=URL&region=R");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw setting.problem("'" + text + "' has a path; give only s3://BUCKET?endpoint=URL&region=R");
        }
        if (uri.getRawFragment() != null) {
            throw setting.problem("'" + text + "' must not have a fragment");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        for (String pair : query == null || query.isEmpty() ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!S3_PARAMETERS.contains(name)) {
                throw setting.problem("unknown parameter '" + name + "' (known: endpoint, region)");
            }
            if (parameters.put(name, value) != null) {
                throw setting.problem("parameter '" + name + "' is given twice");
            }
        }
        String endpoint = parameters.get("endpoint");
        if (endpoint != null) {
            URI endpointUri;
            try {
                endpointUri = new URI(endpoint);
            } catch (URISyntaxException e) {
                throw setting.problem("endpoint '" + endpoint + "' is not a URL");
            }
            String scheme = endpointUri.getScheme() == null ? "" : endpointUri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || endpointUri.getHost() == null) {
                throw setting.problem("endpoint '" + endpoint + "' is not an http:// or https:// URL with a host");
            }
        }
        String region = parameters.get("region");
        if (region != null && !S3_REGION.matcher(region).matches()) {
            throw setting.problem("region '" + region + "' is not a region name (e.g. us-east-1)");
        }
    }

    /** The local path of a {@code file:} URI: opaque {@code file:./x} or hierarchical {@code file:///x}. */
    private static String filePath(URI uri) {
        return uri.isOpaque() ? uri.getSchemeSpecificPart() : uri.getPath();
    }

    private static Path dataDir(URI storage) {
        return "file".equalsIgnoreCase(storage.getScheme()) ? Path.of(filePath(storage)) : DEFAULT_DATA_DIR;
    }

    private ConsentPolicy consent() throws ConfigException {
        Optional<Setting> setting = single("consent");
        if (setting.isEmpty()) {
            return ConsentPolicy.REQUIRED;
        }
        return ConsentPolicy.fromFlagValue(setting.get().text()).orElseThrow(() -> setting.get().problem(
                "'" + setting.get().text().trim() + "' is not a consent policy (required or one-party)"));
    }

    /**
     * The recording control's settings. FeatureCodes and PeerAnswerParser own their rules (digits, prefixes, words on
     * both lists); their refusals become this setting's one-line error.
     */
    private ControlSettings control(ConsentPolicy policy) throws ConfigException {
        ControlSettings defaults = ControlSettings.defaults(policy);
        Duration timeout = duration("consent-timeout", defaults.consentTimeout());
        if (timeout.compareTo(MIN_CONSENT_TIMEOUT) < 0 || timeout.compareTo(MAX_CONSENT_TIMEOUT) > 0) {
            throw single("consent-timeout").orElseThrow().problem(Durations.format(timeout)
                    + " is outside " + Durations.format(MIN_CONSENT_TIMEOUT) + "-" + Durations.format(MAX_CONSENT_TIMEOUT)
                    + " (a person has to read the question and answer it)");
        }
        FeatureCodes codes = featureCodes();
        PeerAnswerParser answers = answerWords();
        String prompt = PlainTexts.DEFAULT_PROMPT;
        Optional<Setting> promptSetting = single("consent-prompt");
        if (promptSetting.isPresent()) {
            prompt = promptSetting.get().text().strip();
            if (prompt.isEmpty() || prompt.length() > MAX_PROMPT_CHARS) {
                throw promptSetting.get().problem("the prompt must be 1 to " + MAX_PROMPT_CHARS + " characters");
            }
            if (!prompt.contains("{from}")) {
                throw promptSetting.get().problem("the prompt must name the requester with {from}");
            }
        }
        return new ControlSettings(policy, timeout, defaults.storageStatusInterval(), defaults.storageRetryAfter(),
                codes, answers, new PlainTexts(prompt, codes));
    }

    private FeatureCodes featureCodes() throws ConfigException {
        Optional<Setting> setting = single("feature-codes");
        if (setting.isEmpty()) {
            return FeatureCodes.defaults();
        }
        Map<FeatureCode, String> overrides = new EnumMap<>(FeatureCode.class);
        for (String part : setting.get().text().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = eq < 0 ? part.trim() : part.substring(0, eq).trim();
            Optional<FeatureCode> code = FeatureCode.fromConfigName(name);
            if (eq < 0 || code.isEmpty()) {
                throw setting.get().problem("'" + part.trim() + "' is not NAME=DIGITS with NAME one of "
                        + FeatureCode.configNames());
            }
            if (overrides.put(code.get(), part.substring(eq + 1).trim()) != null) {
                throw setting.get().problem(name + " is given twice");
            }
        }
        try {
            return FeatureCodes.of(overrides);
        } catch (IllegalArgumentException e) {
            throw setting.get().problem(e.getMessage());
        }
    }

    private PeerAnswerParser answerWords() throws ConfigException {
        Optional<Setting> yes = single("consent-yes-words");
        Optional<Setting> no = single("consent-no-words");
        if (yes.isEmpty() && no.isEmpty()) {
            return PeerAnswerParser.defaults();
        }
        try {
            return new PeerAnswerParser(words(yes, "yes"), words(no, "no"));
        } catch (IllegalArgumentException e) {
            throw yes.or(() -> no).orElseThrow().problem(e.getMessage());
        }
    }

    private static List<String> words(Optional<Setting> setting, String defaultWord) throws ConfigException {
        if (setting.isEmpty()) {
            return List.of(defaultWord);
        }
        List<String> words = new ArrayList<>();
        for (String part : setting.get().text().split(",")) {
            if (!part.isBlank()) {
                words.add(part.strip());
            }
        }
        if (words.isEmpty()) {
            throw setting.get().problem("needs at least one word");
        }
        return words;
    }

    private boolean bool(String key, boolean defaultValue) throws ConfigException {
        Optional<Setting> setting = single(key);
        if (setting.isEmpty()) {
            return defaultValue;
        }
        String text = setting.get().text().trim();
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw setting.get().problem("'" + text + "' is not true or false");
        };
    }

    private Duration duration(String key, Duration defaultValue) throws ConfigException {
        Optional<Setting> setting = single(key);
        if (setting.isEmpty()) {
            return defaultValue;
        }
        try {
            return Durations.parse(setting.get().text());
        } catch (IllegalArgumentException e) {
            throw setting.get().problem(e.getMessage());
        }
    }

    /** RFC 4028 intervals travel as whole seconds and may not go below 90 s. */
    private Duration sessionInterval(String key, Duration defaultValue) throws ConfigException {
        Duration value = duration(key, defaultValue);
        Optional<Setting> setting = single(key);
        if (setting.isPresent()) {
            if (value.toMillis() % 1000 != 0) {
                throw setting.get().problem(Durations.format(value) + " is not a whole number of seconds");
            }
            if (value.compareTo(RFC4028_MIN_SE) < 0) {
                throw setting.get().problem(Durations.format(value) + " is below 90s, the RFC 4028 minimum");
            }
        }
        return value;
    }

    private int positiveInt(String key, int defaultValue) throws ConfigException {
        Optional<Setting> setting = single(key);
        if (setting.isEmpty()) {
            return defaultValue;
        }
        String text = setting.get().text().trim();
        if (!text.matches("\\d{1,9}") || Integer.parseInt(text) < 1) {
            throw setting.get().problem(text + " is not a whole number of at least 1");
        }
        return Integer.parseInt(text);
    }

    private List<Cidr> networks(String key) throws ConfigException {
        Optional<Setting> setting = single(key);
        List<Cidr> networks = new ArrayList<>();
        if (setting.isEmpty()) {
            for (String network : LOOPBACK_NETWORKS) {
                networks.add(Cidr.parse(network));
            }
            return networks;
        }
        for (String part : setting.get().text().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                networks.add(Cidr.parse(part));
            } catch (IllegalArgumentException e) {
                throw setting.get().problem(e.getMessage());
            }
        }
        return networks;
    }

    private List<StaticRoute> routes() throws ConfigException {
        List<StaticRoute> routes = new ArrayList<>();
        for (Setting setting : all("route")) {
            String text = setting.text().trim();
            Matcher target = ROUTE_TARGET.matcher(text);
            if (!target.find()) {
                throw setting.problem(text.contains("=")
                        ? "'" + text + "' routes to something other than a sip: or sips: URI"
                        : "'" + text + "' is not USER_REGEX=SIP_URI");
            }
            String regex = text.substring(0, target.start());
            if (regex.isEmpty()) {
                throw setting.problem("'" + text + "' has an empty user regex");
            }
            Pattern pattern;
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw setting.problem("bad regex '" + regex + "': " + e.getDescription() + " near index " + e.getIndex());
            }
            String uri = sipUri(new Setting(setting.key(), text.substring(target.start() + 1), setting.origin()));
            routes.add(new StaticRoute(pattern, uri));
        }
        return routes;
    }

    private static String sipUri(Setting setting) throws ConfigException {
        String text = setting.text().trim();
        try {
            if (addressFactory().createURI(text) instanceof SipURI sip && sip.getHost() != null && !sip.getHost().isEmpty()) {
                return text;
            }
        } catch (ParseException e) {
            // Reported below with the same words as a URI of another scheme.
        }
        throw setting.problem("'" + text + "' is not a sip: or sips: URI");
    }

    private Map<String, String> users() throws ConfigException {
        Map<String, String> users = new LinkedHashMap<>();
        for (Setting setting : all("user")) {
            String text = setting.text().trim();
            int colon = text.indexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw setting.problem("expected NAME:PASSWORD, both non-empty");
            }
            String name = text.substring(0, colon);
            String password = text.substring(colon + 1);
            if (!SIP_USER.matcher(name).matches()) {
                throw setting.problem("user name '" + name + "' may only hold letters, digits and -_.!~*'()&=+$,;?/%");
            }
            if (password.chars().anyMatch(Character::isISOControl)) {
                throw setting.problem("the password of " + name + " holds a control character");
            }
            if (users.put(name, password) != null) {
                throw setting.problem("user " + name + " is given twice");
            }
        }
        return users;
    }

    private String realm(String sipHost) throws ConfigException {
        Optional<Setting> setting = single("realm");
        if (setting.isEmpty()) {
            return sipHost;
        }
        String text = setting.get().text().trim();
        if (text.isEmpty() || text.contains("\"") || text.contains("\\") || text.chars().anyMatch(Character::isISOControl)) {
            throw setting.get().problem("'" + text + "' is not a realm (non-empty, no quotes or backslashes)");
        }
        return text;
    }

    private List<String> digestAlgorithms() throws ConfigException {
        Optional<Setting> setting = single("digest-algorithms");
        if (setting.isEmpty()) {
            return List.of("MD5", "SHA-256");
        }
        List<String> out = new ArrayList<>();
        for (String part : setting.get().text().split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT);
            if (!name.equals("MD5") && !name.equals("SHA-256")) {
                throw setting.get().problem("'" + part.trim() + "' is not a digest algorithm (MD5, SHA-256)");
            }
            if (out.contains(name)) {
                throw setting.get().problem(name + " is given twice");
            }
            out.add(name);
        }
        return List.copyOf(out);
    }

    /**
     * TLS is on with a certificate and key, or with a self-signed certificate; the other TLS settings only make
     * sense then. Files are checked for being readable here; their content when the server starts.
     */
    private Optional<TlsConfig> tls(int sipPort) throws ConfigException {
        Optional<Setting> cert = single("tls-cert");
        Optional<Setting> key = single("tls-key");
        boolean selfSigned = bool("tls-self-signed", false);
        if (cert.isPresent() != key.isPresent()) {
            throw cert.isPresent() ? cert.get().problem("needs --tls-key, the private key of the certificate")
                    : key.get().problem("needs --tls-cert, the certificate of the key");
        }
        if (selfSigned && cert.isPresent()) {
            throw single("tls-self-signed").orElseThrow().problem(
                    "conflicts with --tls-cert/--tls-key; give either a certificate or --tls-self-signed");
        }
        if (cert.isEmpty() && !selfSigned) {
            for (String dependent : List.of("tls-port", "tls-trust", "tls-client-auth")) {
                if (single(dependent).isPresent()) {
                    throw single(dependent).get().problem(
                            "TLS is off; turn it on with --tls-cert and --tls-key, or --tls-self-signed");
                }
            }
            return Optional.empty();
        }
        int port = port("tls-port", 5061);
        if (port == sipPort) {
            Setting at = single("tls-port").or(() -> single("sip-port")).orElseThrow();
            throw at.problem(port + " is both the SIP port (UDP, TCP) and the TLS port; TLS needs a port of its own");
        }
        TlsConfig.Identity identity = cert.isPresent()
                ? new TlsConfig.PemFiles(readableFile(cert.get()), readableFile(key.get()))
                : new TlsConfig.SelfSigned();
        Optional<Path> trust = single("tls-trust").isPresent()
                ? Optional.of(readableFile(single("tls-trust").get())) : Optional.empty();
        Optional<Setting> clientAuth = single("tls-client-auth");
        TlsConfig.ClientAuth clients = trust.isPresent() ? TlsConfig.ClientAuth.OPTIONAL : TlsConfig.ClientAuth.NONE;
        if (clientAuth.isPresent()) {
            clients = TlsConfig.ClientAuth.fromFlagValue(clientAuth.get().text()).orElseThrow(() -> clientAuth.get()
                    .problem("'" + clientAuth.get().text().trim() + "' is not none, optional or required"));
            if (clients != TlsConfig.ClientAuth.NONE && trust.isEmpty()) {
                throw clientAuth.get().problem(clientAuth.get().text().trim()
                        + " needs --tls-trust, the certificates client certificates are verified against");
            }
        }
        return Optional.of(new TlsConfig(port, identity, trust, clients));
    }

    /** {@code --storage-floor} (a size, 0 = off) and {@code --download-redirect}, which only S3 can honour. */
    private StorageSettings storageSettings(URI storage) throws ConfigException {
        long floor = StorageSettings.DEFAULT_FLOOR_BYTES;
        Optional<Setting> floorSetting = single("storage-floor");
        if (floorSetting.isPresent()) {
            try {
                floor = ByteSizes.parse(floorSetting.get().text());
            } catch (IllegalArgumentException e) {
                throw floorSetting.get().problem(e.getMessage());
            }
        }
        boolean redirect = bool("download-redirect", false);
        if (redirect && !"s3".equalsIgnoreCase(storage.getScheme())) {
            throw single("download-redirect").orElseThrow().problem("only s3: storage can presign; with "
                    + storage.getScheme() + ": storage callrec serves the files itself (drop the flag)");
        }
        return new StorageSettings(floor, redirect);
    }

    /** {@code --ffmpeg} must name an executable file; whether it is ffmpeg is checked when the server starts. */
    private RenditionSettings renditions() throws ConfigException {
        boolean enabled = bool("renditions", true);
        Optional<Setting> ffmpeg = single("ffmpeg");
        if (ffmpeg.isEmpty()) {
            return new RenditionSettings(enabled, Optional.empty());
        }
        if (!enabled) {
            throw ffmpeg.get().problem("renditions are off (--renditions false); drop --ffmpeg or turn them on");
        }
        Path path = readableFile(ffmpeg.get());
        if (!Files.isExecutable(path)) {
            throw ffmpeg.get().problem(ffmpeg.get().text().trim() + ": not executable by this user");
        }
        return new RenditionSettings(true, Optional.of(path));
    }

    /**
     * {@code encrypt-at-rest} (KEYFILE or generate:KEYFILE) and {@code decrypt-at-rest}. Every key file that exists
     * is read here, so that a key open to others or of the wrong size is a bad setting (exit 2) naming the flag.
     */
    private AtRestConfig atRest() throws ConfigException {
        Optional<Path> encrypt = Optional.empty();
        boolean generate = false;
        Optional<Setting> setting = single("encrypt-at-rest");
        if (setting.isPresent()) {
            String text = setting.get().text().trim();
            generate = text.startsWith(GENERATE);
            String file = generate ? text.substring(GENERATE.length()) : text;
            if (file.isEmpty()) {
                throw setting.get().problem("needs a key file: KEYFILE or generate:KEYFILE");
            }
            Path path = path(setting.get(), file);
            if (!generate || Files.exists(path)) {
                checkKey(setting.get(), readableFile(setting.get(), file));
            }
            encrypt = Optional.of(path);
        }
        List<Path> decrypt = new ArrayList<>();
        for (Setting s : all("decrypt-at-rest")) {
            decrypt.add(checkKey(s, readableFile(s)));
        }
        return new AtRestConfig(encrypt, generate, decrypt);
    }

    private static Path checkKey(Setting setting, Path file) throws ConfigException {
        try {
            AtRestKey.read(file);
        } catch (KeyFileException e) {
            throw setting.problem(e.getMessage());
        }
        return file;
    }

    private static Path path(Setting setting, String text) throws ConfigException {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw setting.problem("'" + text + "' is not a valid path");
        }
    }

    private static Path readableFile(Setting setting) throws ConfigException {
        return readableFile(setting, setting.text().trim());
    }

    private static Path readableFile(Setting setting, String text) throws ConfigException {
        Path path = path(setting, text);
        if (!Files.isRegularFile(path)) {
            throw setting.problem(text + ": no such file");
        }
        if (!Files.isReadable(path)) {
            throw setting.problem(text + ": not readable by this user");
        }
        return path;
    }

    private static AddressFactory addressFactory() {
        return AddressFactoryHolder.INSTANCE;
    }

    /** Created on first use: only configs with routes or an upstream need JAIN-SIP's parser. */
    private static final class AddressFactoryHolder {
        static final AddressFactory INSTANCE = create();

        private static AddressFactory create() {
            SipFactory factory = SipFactory.getInstance();
            factory.setPathName("gov.nist");
            try {
                return factory.createAddressFactory();
            } catch (PeerUnavailableException e) {
                throw new IllegalStateException("JAIN-SIP reference implementation missing from the class path", e);
            }
        }
    }
}
