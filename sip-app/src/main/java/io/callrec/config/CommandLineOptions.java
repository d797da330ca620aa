package io.callrec.config;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The flags, declared for picocli. Every value is taken as text: {@link ConfigResolver} validates
 * it, so that flags and config file lines get the same checks and the same one-line errors.
 * The fields only give picocli somewhere to put values; {@link ConfigLoader} reads the parse result.
 */
@Command(name = "callrec",
        mixinStandardHelpOptions = true,
        versionProvider = CallrecVersion.class,
        sortOptions = false,
        usageHelpWidth = 100,
        description = "SIP/RTP B2BUA that records video calls per party, in sync.%n",
        footer = {"",
            "A config file (--config) holds the same settings as 'key = value' lines, keys being the",
            "flag names without dashes ('sip-port = 5070'); '#' starts a comment line. Flags win over",
            "the file; --route, --user and --decrypt-at-rest accumulate, the file's first. Durations:",
            "250ms, 30s, 5m, 72h, 1d, plain seconds (30) or ISO-8601 (PT30S). Sizes: bytes (1048576)",
            "or 512KiB, 256MiB, 1GiB, 2TiB. See docs/configuration.md."})
final class CommandLineOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Read settings from FILE first.")
    String config;

    @Option(names = "--sip-host", paramLabel = "ADDR",
            description = "Address SIP listens on, UDP and TCP (default: 127.0.0.1, loopback only, so that"
                    + " nothing is reachable from the network until an address is chosen).")
    String sipHost;

    @Option(names = "--sip-port", paramLabel = "N", description = "SIP port, UDP and TCP (default: 5060).")
    String sipPort;

    @Option(names = "--media-host", paramLabel = "ADDR",
            description = "Address RTP binds to and advertises in SDP (default: --sip-host).")
    String mediaHost;

    @Option(names = "--rtp-ports", paramLabel = "LOW-HIGH",
            description = "RTP/RTCP port range; LOW even, 1024-65535 (default: 20000-29999).")
    String rtpPorts;

    @Option(names = "--http-host", paramLabel = "ADDR",
            description = "Address of the download and health service (default: --sip-host).")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "N", description = "HTTP port (default: 8080).")
    String httpPort;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "Base URL of recording links (default: http://HTTP-HOST:HTTP-PORT).")
    String publicUrl;

    @Option(names = "--storage", paramLabel = "URI",
            description = "Where recordings are stored (default: file:./callrec-data), or"
                    + " s3://BUCKET?endpoint=URL&region=R.")
    String storage;

    @Option(names = "--storage-floor", paramLabel = "SIZE",
            description = "Refuse new recordings while the data directory's disk has less free space than this,"
                    + " e.g. 512MiB, 1GiB; 0 = no floor (default: 256MiB).")
    String storageFloor;

    @Option(names = "--download-redirect", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Answer file downloads with a redirect to a presigned S3 URL that expires no later than"
                    + " the link, instead of streaming them through callrec; s3: storage only (default: false).")
    String downloadRedirect;

    @Option(names = "--consent", paramLabel = "POLICY",
            description = "required | one-party (default: required).")
    String consent;

    @Option(names = "--consent-timeout", paramLabel = "DURATION",
            description = "An unanswered consent request counts as declined after this, 5s-10m (default: 30s).")
    String consentTimeout;

    @Option(names = "--feature-codes", paramLabel = "NAME=DIGITS,...",
            description = "DTMF codes of plain phones, NAME one of both, peer, stop, pause, resume, withdraw"
                    + " (default: both=**1,peer=**3,stop=**2,pause=**4,resume=**5,withdraw=**0).")
    String featureCodes;

    @Option(names = "--consent-yes-words", paramLabel = "WORD,...",
            description = "Text answers a plain phone may send to grant consent (default: yes).")
    String consentYesWords;

    @Option(names = "--consent-no-words", paramLabel = "WORD,...",
            description = "Text answers that decline (default: no).")
    String consentNoWords;

    @Option(names = "--consent-prompt", paramLabel = "TEXT",
            description = "The question sent by MESSAGE to a plain phone; {from} is the requester, {mode} what is"
                    + " recorded (default: '{from} asks to record this call. Reply YES or NO, or press 1 or 2.').")
    String consentPrompt;

    @Option(names = "--raw-capture", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Also keep the RTP/RTCP packets of each party as pcap files.")
    String rawCapture;

    @Option(names = "--link-ttl", paramLabel = "DURATION", description = "Lifetime of a recording link (default: 72h).")
    String linkTtl;

    @Option(names = "--renditions", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Make WebM/MP4 copies of a recording for browsers that cannot play Matroska, when its"
                    + " player first asks; needs ffmpeg (default: true).")
    String renditions;

    @Option(names = "--ffmpeg", paramLabel = "PATH",
            description = "The ffmpeg that makes renditions (default: ffmpeg on the PATH; without one, none are made).")
    String ffmpeg;

    @Option(names = "--trusted-peers", paramLabel = "CIDR,...",
            description = "Networks whose Callrec-Request and P-Asserted-Identity are believed"
                    + " (default: 127.0.0.0/8,::1/128; the upstream's host is added at start).")
    String trustedPeers;

    @Option(names = "--drain-timeout", paramLabel = "DURATION",
            description = "On SIGTERM, how long running calls may go on (default: 30s).")
    String drainTimeout;

    @Option(names = "--route", paramLabel = "USER_REGEX=SIP_URI",
            description = "Static route, repeatable, first match wins: calls to a user matching the"
                    + " regex go to the URI (the dialled user is put in when the URI has none).")
    List<String> route;

    @Option(names = "--upstream", paramLabel = "SIP_URI",
            description = "Default route for calls no static route takes, e.g. a PBX.")
    String upstream;

    @Option(names = "--direct-routing", paramLabel = "CIDR,...",
            description = "Networks a Request-URI may name directly (default: 127.0.0.0/8,::1/128).")
    String directRouting;

    @Option(names = "--user", paramLabel = "NAME:PASSWORD",
            description = "Digest user, repeatable; with any user, REGISTER and calls need credentials."
                    + " Prefer the config file: command lines are visible to other local users.")
    List<String> user;

    @Option(names = "--realm", paramLabel = "REALM", description = "Digest realm (default: --sip-host).")
    String realm;

    @Option(names = "--digest-algorithms", paramLabel = "ALG,...",
            description = "Digest challenges offered, in order of preference: MD5, SHA-256 (default: MD5,SHA-256).")
    String digestAlgorithms;

    @Option(names = "--rtp-timeout", paramLabel = "DURATION",
            description = "RTP inactivity that ends a call; 0 = off (default: 60s).")
    String rtpTimeout;

    @Option(names = "--session-expires", paramLabel = "DURATION",
            description = "RFC 4028 session interval asked for when the caller asked for none (default: 1800s).")
    String sessionExpires;

    @Option(names = "--min-se", paramLabel = "DURATION",
            description = "Smallest session interval accepted, at least 90s (default: 90s).")
    String minSe;

    @Option(names = "--max-calls", paramLabel = "N", description = "Concurrent calls; more get 503 (default: 2000).")
    String maxCalls;

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Certificate chain (leaf first) for SIP over TLS; needs --tls-key. Turns TLS on.")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM",
            description = "Private key of --tls-cert (PKCS#8 or PKCS#1, not encrypted).")
    String tlsKey;

    @Option(names = "--tls-self-signed", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Turn TLS on with a self-signed certificate generated on first start and kept in the"
                    + " data directory. For testing: peers cannot verify it.")
    String tlsSelfSigned;

    @Option(names = "--tls-port", paramLabel = "N", description = "SIP over TLS port (default: 5061).")
    String tlsPort;

    @Option(names = "--tls-trust", paramLabel = "PEM",
            description = "Certificates (CAs or peers' own) that TLS peers are verified against (default: the"
                    + " JDK's CAs for outgoing connections; client certificates not asked for).")
    String tlsTrust;

    @Option(names = "--tls-client-auth", paramLabel = "MODE",
            description = "none | optional | required: client certificates on incoming TLS (default: optional"
                    + " with --tls-trust, else none).")
    String tlsClientAuth;
    @Option(names = "--max-recordings", paramLabel = "N",
            description = "Concurrent recordings; more get recording-error limit-reached (default: 200).")
    String maxRecordings;

    @Option(names = "--rate-limit-invite", paramLabel = "RATE[:BURST]",
            description = "Initial INVITEs a second per source address; 0 = off (default: 50:100).")
    String rateLimitInvite;

    @Option(names = "--rate-limit-register", paramLabel = "RATE[:BURST]",
            description = "REGISTERs a second per source address; 0 = off (default: 20:40).")
    String rateLimitRegister;

    @Option(names = "--rate-limit-options", paramLabel = "RATE[:BURST]",
            description = "OPTIONS and other out-of-dialog requests a second per source address; 0 = off"
                    + " (default: 20:40).")
    String rateLimitOptions;

    @Option(names = "--auth-lockout", paramLabel = "N/DURATION",
            description = "Failed digest logins within DURATION that lock the user or source out; 0 = off"
                    + " (default: 5/60s).")
    String authLockout;

    @Option(names = "--auth-lockout-time", paramLabel = "DURATION",
            description = "How long a digest lockout lasts (default: 5m).")
    String authLockoutTime;

    @Option(names = "--max-tcp-connections", paramLabel = "N",
            description = "SIP TCP connections accepted at once (default: 1000).")
    String maxTcpConnections;

    @Option(names = "--tcp-idle-timeout", paramLabel = "DURATION",
            description = "Close a SIP TCP/TLS connection a client opened after this long without a byte; phones on"
                    + " TCP keep theirs with CRLF keep-alives (default: 120s).")
    String tcpIdleTimeout;

    @Option(names = "--encrypt-at-rest", paramLabel = "KEYFILE",
            description = "Encrypt recordings, journals and manifests on disk and in storage (AES-256-GCM) with the"
                    + " 32-byte key in KEYFILE (raw or base64, mode 0600); generate:KEYFILE creates it on first start."
                    + " Without the key the recordings cannot be read by anyone, ever: back it up.")
    String encryptAtRest;

    @Option(names = "--decrypt-at-rest", paramLabel = "KEYFILE",
            description = "A further at-rest key that only decrypts (an earlier key, after a rotation); repeatable.")
    List<String> decryptAtRest;
}
