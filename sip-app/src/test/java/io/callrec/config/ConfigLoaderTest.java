package io.callrec.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.control.ControlMessage;
import io.callrec.control.FeatureCode;
import io.callrec.control.PeerAnswerParser;
import io.callrec.record.RecordingMode;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void noArgumentsGiveTheDocumentedDefaults() throws Exception {
        ServerConfig c = ConfigLoader.load();
        assertEquals("127.0.0.1", c.sipHost());
        assertEquals(5060, c.sipPort());
        assertEquals("127.0.0.1", c.mediaHost());
        assertEquals(20000, c.rtpPortMin());
        assertEquals(29999, c.rtpPortMax());
        assertEquals("127.0.0.1", c.httpHost());
        assertEquals(8080, c.httpPort());
        assertEquals(URI.create("http://127.0.0.1:8080"), c.publicUrl());
        assertEquals(URI.create("file:./callrec-data"), c.storage());
        assertEquals(ConsentPolicy.REQUIRED, c.consent());
        assertFalse(c.rawCapture());
        assertEquals(Duration.ofHours(72), c.linkTtl());
        assertEquals(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")), c.trustedPeers());
        assertEquals(Duration.ofSeconds(30), c.drainTimeout());
        assertEquals(List.of(), c.routes());
        assertEquals(Optional.empty(), c.upstream());
        assertEquals(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")), c.directRouting());
        assertEquals(Map.of(), c.users());
        assertFalse(c.authenticationEnabled());
        assertEquals("127.0.0.1", c.realm());
        assertEquals(Duration.ofSeconds(60), c.rtpTimeout());
        assertEquals(Duration.ofSeconds(1800), c.sessionExpires());
        assertEquals(Duration.ofSeconds(90), c.minSe());
        assertEquals(2000, c.maxCalls());
        assertEquals(List.of("MD5", "SHA-256"), c.digestAlgorithms());
        assertEquals(Path.of("./callrec-data"), c.dataDir());
        assertTrue(c.fileStorage());
        assertEquals(RenditionSettings.DEFAULTS, c.renditions());
        assertEquals(new StorageSettings(256L << 20, false), c.storageSettings());
        assertEquals(LimitSettings.DEFAULTS, c.limits());
        assertEquals(new RateLimit(50, 100), c.limits().invite());
        assertEquals(new RateLimit(20, 40), c.limits().register());
        assertEquals(new RateLimit(20, 40), c.limits().options());
        assertEquals(5, c.limits().authFailures());
        assertEquals(Duration.ofSeconds(60), c.limits().authWindow());
        assertEquals(Duration.ofMinutes(5), c.limits().authLockout());
        assertEquals(200, c.limits().maxRecordings());
        assertEquals(1000, c.limits().maxTcpConnections());
    }

    @Test
    void limitsAreTakenFromFlags() throws Exception {
        LimitSettings l = ConfigLoader.load("--rate-limit-invite", "10", "--rate-limit-register", "5:50",
                "--rate-limit-options", "0", "--auth-lockout", "3/10m", "--auth-lockout-time", "1h",
                "--max-recordings", "7", "--max-tcp-connections", "64", "--tcp-idle-timeout", "90s").limits();
        assertEquals(new LimitSettings(new RateLimit(10, 20), new RateLimit(5, 50), RateLimit.OFF, 3,
                Duration.ofMinutes(10), Duration.ofHours(1), 7, 64, Duration.ofSeconds(90)), l);
        assertEquals(Duration.ofSeconds(120), ConfigLoader.load().limits().tcpIdleTimeout());
        assertFalse(l.options().enabled());
        assertFalse(ConfigLoader.load("--auth-lockout", "0").limits().authLockoutEnabled());
        assertEquals("50/s burst 100", LimitSettings.DEFAULTS.invite().toString());
    }

    @Test
    void everyFlagIsTaken() throws Exception {
        ServerConfig c = ConfigLoader.load(
                "--sip-host", "192.0.2.10", "--sip-port", "5070", "--media-host", "192.0.2.11",
                "--rtp-ports", "30000-30999", "--http-host", "192.0.2.12", "--http-port", "8443",
                "--public-url", "https://rec.example.net/callrec/", "--storage", "s3://recordings?endpoint=http://127.0.0.1:9000&region=eu-west-1",
                "--consent", "one-party", "--raw-capture", "--link-ttl", "1d", "--trusted-peers", "10.0.0.0/8, fd00::/8",
                "--drain-timeout", "5m", "--route", "^1\\d{3}$=sip:pbx.example.net", "--upstream", "sip:pbx.example.net:5080",
                "--direct-routing", "192.168.0.0/16", "--user", "alice:s3cret:x", "--realm", "callrec.example.net",
                "--rtp-timeout", "0", "--session-expires", "PT10M", "--min-se", "120", "--max-calls", "10");
        assertEquals("192.0.2.10", c.sipHost());
        assertEquals(5070, c.sipPort());
        assertEquals("192.0.2.11", c.mediaHost());
        assertEquals(30000, c.rtpPortMin());
        assertEquals(30999, c.rtpPortMax());
        assertEquals("192.0.2.12", c.httpHost());
        assertEquals(8443, c.httpPort());
        assertEquals(URI.create("https://rec.example.net/callrec"), c.publicUrl());
        assertEquals("s3", c.storage().getScheme());
        assertFalse(c.fileStorage());
        assertEquals(Path.of("./callrec-data"), c.dataDir());
        assertEquals(ConsentPolicy.ONE_PARTY, c.consent());
        assertTrue(c.rawCapture());
        assertEquals(Duration.ofDays(1), c.linkTtl());
        assertEquals(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")), c.trustedPeers());
        assertEquals(Duration.ofMinutes(5), c.drainTimeout());
        assertEquals(1, c.routes().size());
        assertEquals("^1\\d{3}$", c.routes().get(0).user().pattern());
        assertEquals("sip:pbx.example.net", c.routes().get(0).targetUri());
        assertEquals(Optional.of("sip:pbx.example.net:5080"), c.upstream());
        assertEquals(List.of(Cidr.parse("192.168.0.0/16")), c.directRouting());
        assertEquals(Map.of("alice", "s3cret:x"), c.users());
        assertTrue(c.authenticationEnabled());
        assertEquals("callrec.example.net", c.realm());
        assertEquals(Duration.ZERO, c.rtpTimeout());
        assertEquals(Duration.ofMinutes(10), c.sessionExpires());
        assertEquals(Duration.ofSeconds(120), c.minSe());
        assertEquals(10, c.maxCalls());
    }

    @Test
    void hostDefaultsFollowSipHostAndIpv6GetsBracketsInThePublicUrl() throws Exception {
        ServerConfig c = ConfigLoader.load("--sip-host", "[::1]", "--http-port", "8081");
        assertEquals("::1", c.sipHost());
        assertEquals("::1", c.mediaHost());
        assertEquals("::1", c.httpHost());
        assertEquals("::1", c.realm());
        assertEquals(URI.create("http://[::1]:8081"), c.publicUrl());
    }

    @Test
    void fileStoragePathBecomesTheDataDirectory() throws Exception {
        assertEquals(Path.of("/var/lib/callrec"), ConfigLoader.load("--storage", "file:/var/lib/callrec").dataDir());
        assertEquals(Path.of("/var/lib/callrec"), ConfigLoader.load("--storage", "file:///var/lib/callrec").dataDir());
        assertEquals(Path.of("rec data"), ConfigLoader.load("--storage", "file:rec%20data").dataDir());
    }

    @Test
    void rawCaptureTakesAnExplicitValueSoAFlagCanTurnOffTheFile() throws Exception {
        Path file = config("raw-capture = true");
        assertTrue(ConfigLoader.load("--config", file.toString()).rawCapture());
        assertFalse(ConfigLoader.load("--config", file.toString(), "--raw-capture=false").rawCapture());
    }

    @Test
    void flagsWinOverTheFileForSingleValuedKeys() throws Exception {
        Path file = config(
                "# callrec test config",
                "sip-port = 5070",
                "",
                "   http-port=9090   ",
                "consent = one-party");
        ServerConfig c = ConfigLoader.load("--config", file.toString(), "--sip-port", "5080");
        assertEquals(5080, c.sipPort());
        assertEquals(9090, c.httpPort());
        assertEquals(ConsentPolicy.ONE_PARTY, c.consent());
    }

    @Test
    void repeatableKeysAccumulateFileFirstThenFlagsKeepingOrder() throws Exception {
        Path file = config(
                "route = ^1\\d{3}$=sip:pbx.example.net",
                "route = ^9.*=sip:trunk.example.net;transport=tcp",
                "user = alice:a#1",
                "user = bob:b");
        ServerConfig c = ConfigLoader.load("--route", "^2.*=sip:other.example.net", "--config", file.toString(),
                "--user", "carol:c", "--route", "^3.*=sips:secure.example.net");
        List<String> routes = c.routes().stream().map(StaticRoute::toString).toList();
        assertEquals(List.of(
                "^1\\d{3}$=sip:pbx.example.net",
                "^9.*=sip:trunk.example.net;transport=tcp",
                "^2.*=sip:other.example.net",
                "^3.*=sips:secure.example.net"), routes);
        assertEquals(List.of("alice", "bob", "carol"), List.copyOf(c.users().keySet()));
        assertEquals("a#1", c.users().get("alice"));
    }

    @Test
    void routeRegexMayContainEqualsSigns() throws Exception {
        StaticRoute route = ConfigLoader.load("--route", "^a=b$=sip:pbx.example.net").routes().get(0);
        assertEquals("^a=b$", route.user().pattern());
        assertTrue(route.user().matcher("a=b").matches());
    }

    @Test
    void emptyNetworkListTrustsNobody() throws Exception {
        assertEquals(List.of(), ConfigLoader.load("--trusted-peers", "").trustedPeers());
    }

    @Test
    void renditionsCanBeTurnedOffOrGivenAnFfmpeg(@TempDir Path dir) throws Exception {
        assertEquals(new RenditionSettings(false, Optional.empty()),
                ConfigLoader.load("--renditions=false").renditions());
        Path ffmpeg = dir.resolve("ffmpeg");
        Files.writeString(ffmpeg, "#!/bin/sh\n");
        assertEquals("--ffmpeg: " + ffmpeg + ": not executable by this user",
                assertThrows(ConfigException.class, () -> ConfigLoader.load("--ffmpeg", ffmpeg.toString()))
                        .getMessage());
        Files.setPosixFilePermissions(ffmpeg, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertEquals(new RenditionSettings(true, Optional.of(ffmpeg)),
                ConfigLoader.load("--ffmpeg", ffmpeg.toString()).renditions());
        assertEquals("--ffmpeg: renditions are off (--renditions false); drop --ffmpeg or turn them on",
                assertThrows(ConfigException.class, () -> ConfigLoader.load("--ffmpeg", ffmpeg.toString(),
                        "--renditions", "false")).getMessage());
        assertEquals("--ffmpeg: " + dir.resolve("none") + ": no such file",
                assertThrows(ConfigException.class, () -> ConfigLoader.load("--ffmpeg", dir.resolve("none").toString()))
                        .getMessage());
    }

    @Test
    void storageFloorAndDownloadRedirectComeFromFlagsOrTheFile() throws Exception {
        assertEquals(1L << 30, ConfigLoader.load("--storage-floor", "1GiB").storageSettings().freeSpaceFloorBytes());
        assertEquals(0, ConfigLoader.load("--storage-floor", "0").storageSettings().freeSpaceFloorBytes(),
                "0 turns the floor off");
        String s3 = "s3://recordings?endpoint=http://127.0.0.1:9000&region=us-east-1";
        assertEquals(new StorageSettings(512L << 20, true), ConfigLoader.load("--storage", s3,
                "--storage-floor", "512MiB", "--download-redirect").storageSettings());
        Path file = config("storage = " + s3, "storage-floor = 64MiB", "download-redirect = true");
        assertEquals(new StorageSettings(64L << 20, true),
                ConfigLoader.load("--config", file.toString()).storageSettings());
        assertEquals(new StorageSettings(2L << 30, false), ConfigLoader.load("--config", file.toString(),
                "--storage-floor", "2GiB", "--download-redirect=false").storageSettings(), "flags win over the file");
        Path bad = config("storage-floor = 1 GB");
        assertEquals(bad + ":1: storage-floor: '1 GB' is not a size (e.g. 256MiB, 1GiB, 512KiB, 0)",
                assertThrows(ConfigException.class, () -> ConfigLoader.load("--config", bad.toString())).getMessage());
    }

    @Test
    void durationsAcceptEveryDocumentedForm() throws Exception {
        assertEquals(Duration.ofMillis(250), ConfigLoader.load("--drain-timeout", "250ms").drainTimeout());
        assertEquals(Duration.ofSeconds(45), ConfigLoader.load("--drain-timeout", "45").drainTimeout());
        assertEquals(Duration.ofSeconds(30), ConfigLoader.load("--drain-timeout", "PT30S").drainTimeout());
        assertEquals(Duration.ofHours(1), ConfigLoader.load("--link-ttl", "60m").linkTtl());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "--sip-port       | 70000                   | --sip-port: 70000 is not a port number (1-65535)",
        "--sip-port       | 0                       | --sip-port: 0 is not a port number (1-65535)",
        "--http-port      | http                    | --http-port: http is not a port number (1-65535)",
        "--rtp-ports      | 20001-29999             | --rtp-ports: LOW 20001 must be even (RTP takes the even port, RTCP the next)",
        "--rtp-ports      | 30000-20000             | --rtp-ports: LOW 30000 must be below HIGH 20000",
        "--rtp-ports      | 20000-20000             | --rtp-ports: LOW 20000 must be below HIGH 20000",
        "--rtp-ports      | 1000-2000               | --rtp-ports: 1000 is outside 1024-65535",
        "--rtp-ports      | 20000-70000             | --rtp-ports: 70000 is outside 1024-65535",
        "--rtp-ports      | 20000                   | --rtp-ports: '20000' is not a port range LOW-HIGH (e.g. 20000-29999)",
        "--trusted-peers  | 10.0.0.0/33             | --trusted-peers: '10.0.0.0/33' has a bad prefix length (0-32)",
        "--trusted-peers  | 10.0.0.1/8              | --trusted-peers: '10.0.0.1/8' has host bits set (did you mean 10.0.0.0/8?)",
        "--direct-routing | 127.0.0.0/8,example.net | --direct-routing: 'example.net' is not a CIDR network (e.g. 10.0.0.0/8 or fd00::/8)",
        "--route          | ^1\\d{3=sip:pbx         | --route: bad regex '^1\\d{3': Unclosed counted closure near index 6",
        "--route          | 1234                    | --route: '1234' is not USER_REGEX=SIP_URI",
        "--route          | 1234=http://pbx         | --route: '1234=http://pbx' routes to something other than a sip: or sips: URI",
        "--route          | =sip:pbx                | --route: '=sip:pbx' has an empty user regex",
        "--upstream       | pbx.example.net         | --upstream: 'pbx.example.net' is not a sip: or sips: URI",
        "--public-url     | ftp://x.example.net     | --public-url: 'ftp://x.example.net' is not an http:// or https:// URL with a host",
        "--public-url     | http://x y              | --public-url: 'http://x y' is not a URL (Illegal character in authority)",
        "--public-url     | http://0.0.0.0:8080     | --public-url: 'http://0.0.0.0:8080' names a wildcard address that links cannot use",
        "--storage        | /var/callrec            | --storage: '/var/callrec' is not a storage URI (file:PATH or s3://BUCKET?endpoint=URL&region=R)",
        "--storage        | s3://Bad_Bucket         | --storage: 's3://Bad_Bucket' needs a valid bucket name: s3://BUCKET?endpoint=URL&region=R",
        "--storage        | s3://rec?endpoint=x     | --storage: endpoint 'x' is not an http:// or https:// URL with a host",
        "--storage        | s3://rec?token=1        | --storage: unknown parameter 'token' (known: endpoint, region)",
        "--storage        | s3://rec?region=EU_1    | --storage: region 'EU_1' is not a region name (e.g. us-east-1)",
        "--storage        | s3://rec/prefix         | --storage: 's3://rec/prefix' has a path; give only s3://BUCKET?endpoint=URL&region=R",
        "--storage        | file:                   | --storage: 'file:' is not a URI (file:PATH or s3://BUCKET?endpoint=URL&region=R)",
        "--storage        | file://host/x           | --storage: 'file://host/x' names a remote host; only local paths work",
        "--storage-floor  | 1.5GiB                  | --storage-floor: '1.5GiB' is not a size (e.g. 256MiB, 1GiB, 512KiB, 0)",
        "--storage-floor  | 256MB                   | --storage-floor: '256MB' is not a size (e.g. 256MiB, 1GiB, 512KiB, 0)",
        "--storage-floor  | -1                      | --storage-floor: '-1' is not a size (e.g. 256MiB, 1GiB, 512KiB, 0)",
        "--storage-floor  | 9000000TiB              | --storage-floor: '9000000TiB' is too large a size",
        "--download-redirect | true                 | --download-redirect: only s3: storage can presign; with file: storage callrec serves the files itself (drop the flag)",
        "--download-redirect | maybe                | --download-redirect: 'maybe' is not true or false",
        "--consent        | maybe                   | --consent: 'maybe' is not a consent policy (required or one-party)",
        "--consent-timeout| 2s                      | --consent-timeout: 2s is outside 5s-10m (a person has to read the question and answer it)",
        "--consent-timeout| 1h                      | --consent-timeout: 1h is outside 5s-10m (a person has to read the question and answer it)",
        "--feature-codes  | record=**7              | --feature-codes: 'record=**7' is not NAME=DIGITS with NAME one of both, peer, stop, pause, resume, withdraw",
        "--feature-codes  | both                    | --feature-codes: 'both' is not NAME=DIGITS with NAME one of both, peer, stop, pause, resume, withdraw",
        "--feature-codes  | stop=*9,stop=*8         | --feature-codes: stop is given twice",
        "--feature-codes  | both=**x                | --feature-codes: feature code RECORD_BOTH '**x' is not 1 to 8 of 0-9 * # A-D",
        "--feature-codes  | both=**                 | --feature-codes: feature code RECORD_BOTH '**' is a prefix of RECORD_PEER '**3'",
        "--consent-prompt | Record?                 | --consent-prompt: the prompt must name the requester with {from}",
        "--consent-yes-words| no                    | --consent-yes-words: answer word 'no' is both yes and no",
        "--consent-no-words| ,                      | --consent-no-words: needs at least one word",
        "--raw-capture    | perhaps                 | --raw-capture: 'perhaps' is not true or false",
        "--link-ttl       | 3 days                  | --link-ttl: '3 days' is not a duration (e.g. 30s, 5m, 72h, 1d, 250ms, 30, PT30S)",
        "--link-ttl       | 0                       | --link-ttl: must be longer than 0",
        "--drain-timeout  | -5s                     | --drain-timeout: '-5s' is not a duration (e.g. 30s, 5m, 72h, 1d, 250ms, 30, PT30S)",
        "--drain-timeout  | PT-5S                   | --drain-timeout: 'PT-5S' is negative",
        "--session-expires| 60                      | --session-expires: 1m is below 90s, the RFC 4028 minimum",
        "--session-expires| 1500ms                  | --session-expires: 1500ms is not a whole number of seconds",
        "--min-se         | 30s                     | --min-se: 30s is below 90s, the RFC 4028 minimum",
        "--max-calls      | 0                       | --max-calls: 0 is not a whole number of at least 1",
        "--max-recordings | 0                       | --max-recordings: 0 is not a whole number of at least 1",
        "--rate-limit-invite | 50/s                 | --rate-limit-invite: '50/s' is not RATE or RATE:BURST (e.g. 50 or 50:100), or 0 for off",
        "--rate-limit-register | 0:10               | --rate-limit-register: '0:10': a limit needs a rate and a burst of at least 1 (0 alone turns it off)",
        "--rate-limit-options | 5:0                 | --rate-limit-options: '5:0': a limit needs a rate and a burst of at least 1 (0 alone turns it off)",
        "--auth-lockout   | 5                       | --auth-lockout: '5' is not FAILURES/DURATION (e.g. 5/60s) or 0",
        "--auth-lockout   | 5/soon                  | --auth-lockout: 'soon' is not a duration (e.g. 30s, 5m, 72h, 1d, 250ms, 30, PT30S)",
        "--auth-lockout   | 5/0s                    | --auth-lockout: the window must be longer than 0",
        "--auth-lockout-time | 0                    | --auth-lockout-time: must be longer than 0",
        "--max-tcp-connections | 0                  | --max-tcp-connections: 0 is not a whole number of at least 1",
        "--tcp-idle-timeout | 500ms                 | --tcp-idle-timeout: must be between 1s and 24h",
        "--tcp-idle-timeout | 2d                    | --tcp-idle-timeout: must be between 1s and 24h",
        "--sip-host       | 10.0.0.256              | --sip-host: '10.0.0.256' is not an IP address or host name",
        "--sip-host       | bad_host!               | --sip-host: 'bad_host!' is not an IP address or host name",
        "--media-host     | 0.0.0.0                 | --media-host: 0.0.0.0 is a wildcard address that SDP cannot advertise; set the address peers send RTP to",
        "--realm          | a\"b                    | --realm: 'a\"b' is not a realm (non-empty, no quotes or backslashes)",
        "--user           | alice                   | --user: expected NAME:PASSWORD, both non-empty",
        "--user           | alice:                  | --user: expected NAME:PASSWORD, both non-empty",
        "--user           | al ice:pw               | --user: user name 'al ice' may only hold letters, digits and -_.!~*'()&=+$,;?/%",
    })
    void eachBadValueGetsOneLineNamingTheFlag(String flag, String value, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(flag.trim(), value));
        assertEquals(expected, e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void wildcardSipHostNeedsMediaHostAndPublicUrl() throws Exception {
        ConfigException media = assertThrows(ConfigException.class, () -> ConfigLoader.load("--sip-host", "0.0.0.0"));
        assertEquals("--media-host: not set, and --sip-host 0.0.0.0 is a wildcard address that SDP cannot"
                + " advertise; set the address peers send RTP to", media.getMessage());
        ConfigException url = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("--sip-host", "0.0.0.0", "--media-host", "192.0.2.1"));
        assertEquals("--public-url: not set, and the HTTP address 0.0.0.0 is a wildcard that links cannot use;"
                + " set the URL people open", url.getMessage());
        ServerConfig ok = ConfigLoader.load("--sip-host", "0.0.0.0", "--media-host", "192.0.2.1",
                "--public-url", "https://rec.example.net");
        assertEquals("0.0.0.0", ok.httpHost());
        assertEquals("0.0.0.0", ok.realm());
    }

    @Test
    void sessionExpiresBelowMinSeIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("--min-se", "300s", "--session-expires", "120"));
        assertEquals("--session-expires: 2m session interval is below --min-se 5m", e.getMessage());
        ConfigException fromDefault = assertThrows(ConfigException.class, () -> ConfigLoader.load("--min-se", "1h"));
        assertEquals("--min-se: 30m session interval is below --min-se 1h", fromDefault.getMessage());
    }

    @Test
    void duplicateUserIsRefusedWithoutShowingThePassword() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("--user", "alice:first", "--user", "alice:second"));
        assertEquals("--user: user alice is given twice", e.getMessage());
        assertFalse(e.getMessage().contains("second"));
    }

    @Test
    void badValueInTheFileNamesFileLineAndKey() throws Exception {
        Path file = config("# comment", "sip-port = 5070", "rtp-ports = 20001-29999");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load("--config", file.toString()));
        assertEquals(file + ":3: rtp-ports: LOW 20001 must be even (RTP takes the even port, RTCP the next)",
                e.getMessage());
    }

    @Test
    void aFlagOverridingABadFileValueHidesIt() throws Exception {
        Path file = config("sip-port = 70000");
        assertEquals(5070, ConfigLoader.load("--config", file.toString(), "--sip-port", "5070").sipPort());
    }

    @Test
    void unknownKeyInTheFileNamesTheKeyAndLine() throws Exception {
        Path file = config("sip-port = 5070", "# ok", "sip-prot = 5071");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load("--config", file.toString()));
        assertEquals(file + ":3: unknown key 'sip-prot'", e.getMessage());
    }

    @Test
    void unreadableFileIsNamed() {
        Path missing = dir.resolve("missing.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load("--config", missing.toString()));
        assertEquals("--config: cannot read " + missing + ": no such file", e.getMessage());
        ConfigException directory = assertThrows(ConfigException.class, () -> ConfigLoader.load("--config", dir.toString()));
        assertTrue(directory.getMessage().startsWith("--config: cannot read " + dir + ": "), directory.getMessage());
    }

    @Test
    void unknownFlagSuggestsTheClosestOne() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load("--sip-prot=5070"));
        assertEquals("Unknown option: '--sip-prot=5070' (did you mean --sip-port?)", e.getMessage());
    }

    @Test
    void singleValuedFlagGivenTwiceIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("--sip-port", "5070", "--sip-port", "5071"));
        assertTrue(e.getMessage().contains("--sip-port") && e.getMessage().contains("only once"), e.getMessage());
    }

    @Test
    void flagWithoutItsValueIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load("--sip-port"));
        assertTrue(e.getMessage().contains("--sip-port"), e.getMessage());
    }

    @Test
    void atFilesAreNotExpanded() throws Exception {
        Path file = config("--sip-port=5099");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load("@" + file));
        assertTrue(e.getMessage().contains("@" + file), e.getMessage());
    }

    @Test
    void runPrintsUsageForHelpAndReturnsZeroWithoutStartingTheServer() {
        AtomicReference<ServerConfig> started = new AtomicReference<>();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ConfigLoader.run(new String[] {"--help"}, new PrintWriter(out), new PrintWriter(err), c -> {
            started.set(c);
            return 0;
        });
        assertEquals(0, code);
        assertEquals(null, started.get());
        assertEquals(ConfigLoader.usage(), out.toString());
        for (String flag : List.of("--config", "--sip-host", "--sip-port", "--media-host", "--rtp-ports", "--http-host",
                "--http-port", "--public-url", "--storage", "--consent", "--raw-capture", "--link-ttl", "--trusted-peers",
                "--drain-timeout", "--route", "--upstream", "--direct-routing", "--user", "--realm", "--rtp-timeout",
                "--session-expires", "--min-se", "--max-calls", "--digest-algorithms", "--max-recordings",
                "--rate-limit-invite", "--rate-limit-register", "--rate-limit-options", "--auth-lockout",
                "--auth-lockout-time", "--max-tcp-connections", "--tcp-idle-timeout", "--storage-floor",
                "--download-redirect", "--help", "--version")) {
            assertTrue(out.toString().contains(flag), flag);
        }
        assertEquals("", err.toString());
    }

    @Test
    void digestAlgorithmsAreOrderedAndValidated() throws Exception {
        assertEquals(List.of("SHA-256", "MD5"), ConfigLoader.load("--digest-algorithms", "sha-256, md5").digestAlgorithms());
        ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLoader.load("--digest-algorithms", "MD5,SHA-1"));
        assertEquals("--digest-algorithms: 'SHA-1' is not a digest algorithm (MD5, SHA-256)", bad.getMessage());
        ConfigException twice = assertThrows(ConfigException.class, () -> ConfigLoader.load("--digest-algorithms", "MD5,md5"));
        assertEquals("--digest-algorithms: MD5 is given twice", twice.getMessage());
    }

    @Test
    void recordingControlSettingsReachTheControlLayer() throws Exception {
        ServerConfig defaults = ConfigLoader.load();
        assertEquals(Duration.ofSeconds(30), defaults.control().consentTimeout());
        assertEquals("**1", defaults.control().featureCodes().digits(FeatureCode.RECORD_BOTH));

        ServerConfig c = ConfigLoader.load("--consent-timeout", "45s", "--feature-codes", "both=*71, stop=*72",
                "--consent-yes-words", "yes, Oui ,ja", "--consent-no-words", "no,non",
                "--consent-prompt", "{from} would like to record ({mode}). YES or NO?", "--consent", "one-party");
        assertEquals(ConsentPolicy.ONE_PARTY, c.consent());
        assertEquals(ConsentPolicy.ONE_PARTY, c.control().policy());
        assertEquals(Duration.ofSeconds(45), c.control().consentTimeout());
        assertEquals("*71", c.control().featureCodes().digits(FeatureCode.RECORD_BOTH));
        assertEquals("*72", c.control().featureCodes().digits(FeatureCode.STOP));
        assertEquals("**3", c.control().featureCodes().digits(FeatureCode.RECORD_PEER), "codes not given keep defaults");
        assertEquals(PeerAnswerParser.Answer.YES, c.control().answers().parseText("oui"));
        assertEquals(PeerAnswerParser.Answer.NO, c.control().answers().parseText("Non."));
        assertEquals("alice@x would like to record (both parties). YES or NO?",
                c.control().texts().prompt("sip:alice@x", RecordingMode.BOTH));
        String started = c.control().texts().render(new ControlMessage.RecordingStarted("r-1", RecordingMode.BOTH,
                null)).orElseThrow();
        assertTrue(started.contains("*72 to stop"), started);
    }

    @Test
    void runPrintsTheBuiltVersion() {
        StringWriter out = new StringWriter();
        int code = ConfigLoader.run(new String[] {"--version"}, new PrintWriter(out), new PrintWriter(new StringWriter()),
                c -> 99);
        assertEquals(0, code);
        assertTrue(out.toString().startsWith("callrec "), out.toString());
        assertFalse(out.toString().contains("${"), out.toString());
    }

    @Test
    void runReportsBadInputOnOneLineWithExitCodeTwo() {
        StringWriter err = new StringWriter();
        AtomicReference<ServerConfig> started = new AtomicReference<>();
        int code = ConfigLoader.run(new String[] {"--sip-port", "70000"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err), c -> {
                    started.set(c);
                    return 0;
                });
        assertEquals(2, code);
        assertEquals(null, started.get());
        assertEquals("callrec: error: --sip-port: 70000 is not a port number (1-65535)" + System.lineSeparator(),
                err.toString());
    }

    @Test
    void runHandsTheConfigToTheServerAndReturnsItsCode() {
        AtomicReference<ServerConfig> started = new AtomicReference<>();
        int code = ConfigLoader.run(new String[] {"--sip-port", "5099"}, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), c -> {
                    started.set(c);
                    return 7;
                });
        assertEquals(7, code);
        assertEquals(5099, started.get().sipPort());
    }

    @Test
    void loadRefusesHelpBecauseOnlyRunCanPrintIt() {
        assertThrows(ConfigException.class, () -> ConfigLoader.load("--help"));
    }

    @Test
    void trustedPeersMatchMappedIpv4Addresses() throws Exception {
        ServerConfig c = ConfigLoader.load("--trusted-peers", "10.1.0.0/16");
        assertTrue(c.trustedPeers().get(0).contains(InetAddress.getByName("::ffff:10.1.2.3")));
    }

    private Path config(String... lines) throws IOException {
        Path file = Files.createTempFile(dir, "callrec", ".conf");
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }
}
