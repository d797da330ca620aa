package io.callrec.http.download;

import io.callrec.atrest.AtRestKeys;
import io.callrec.http.PlainErrorHandler;
import io.callrec.http.SecurityHeaders;
import io.callrec.link.LinkKeys;
import io.callrec.link.SignedLink;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.callrec.http.SecurityAssertions.assertSecurityHeaders;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.apache.commons.io.FileUtils;

/**
 * The download service over real HTTP: Jetty on 127.0.0.1, configured as sip-app's HttpService configures it.
 * The attacks on it are in {@link DownloadAttacks}, run by {@link DownloadHandlerAttackTest}.
 */
class DownloadHandlerTest {
    private static final String ID = "r-abc";
    private static final String OTHER = "r-other";
    private static final String SECRET = "SECRET-CONTENT-7f3a";
    private static final String OTHER_SECRET = "OTHER-SECRET-91c2";

    private static Path root;
    private static DirectoryStorage storage;
    private static SignedLink links;
    private static Server server;
    private static int port;
    private static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Map<String, byte[]> content = new LinkedHashMap<>();
    private static byte[] manifest;
    private static SignedLink.Link link;
    private static SignedLink.Link otherLink;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(Path.of("target", "download-handler-test")).toAbsolutePath();
        FileUtils.cleanDirectory(root.toFile());
        storage = new DirectoryStorage(root.resolve("storage"));
        links = new SignedLink(LinkKeys.open(root.resolve("keys")), URI.create("http://127.0.0.1"), Clock.systemUTC());
        byte[] big = new byte[100_000];
        new Random(42).nextBytes(big);
        content.put("requester.mkv", big);
        content.put("peer.mkv", Arrays.copyOf(big, 3000));
        content.put("requester.pcap", Arrays.copyOf(big, 500));
        content.put("stats.json", "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        content.put("combined.mkv", new byte[0]);
        manifest = writeRecording(ID, content);
        writeRecording(OTHER, Map.of("peer.mkv", OTHER_SECRET.getBytes(StandardCharsets.UTF_8)));
        // Things that exist but must never be served: an unlisted file in the recording, a file outside all.
        Files.writeString(storage.file(ID, "secret.txt"), SECRET);
        Files.writeString(root.resolve("storage").resolve("SECRET"), SECRET);
        Files.writeString(root.resolve("storage").resolve("recordings").resolve("SECRET"), SECRET);
        link = links.sign(ID, Duration.ofHours(1));
        otherLink = links.sign(OTHER, Duration.ofHours(1));
        server = startServer(new DownloadHandler(storage, links, Clock.systemUTC(), DownloadHandler.Options.defaults()));
        port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    @AfterEach
    void storageBackToNormal() {
        storage.down = false;
        storage.presigns = false;
    }

    static Server startServer(Handler handler) throws Exception {
        Server s = new Server();
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        config.addCustomizer(SecurityHeaders.customizer());
        ServerConnector connector = new ServerConnector(s, new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        s.addConnector(connector);
        s.setHandler(handler);
        s.setErrorHandler(new PlainErrorHandler());
        s.start();
        return s;
    }

    private static byte[] writeRecording(String id, Map<String, byte[]> files) throws Exception {
        return DownloadAttacks.writeRecording(root.resolve("storage"), id, files);
    }

    // --- the manifest and the player -----------------------------------------------------------------------------

    @Test
    void manifestIsJsonByDefault() throws Exception {
        for (String accept : new String[] {null, "*/*", "application/json", "application/json, text/html;q=0.5",
                "text/html;q=0, */*", "image/png"}) {
            HttpResponse<byte[]> r = get(pageUrl(link), accept == null ? new String[0] : new String[] {"Accept", accept});
            assertEquals(200, r.statusCode(), accept);
            assertEquals("application/json", header(r, "Content-Type"), accept);
            assertEquals("Accept", header(r, "Vary"));
            assertArrayEquals(manifest, r.body(), accept);
        }
    }

    @Test
    void browsersGetThePlayerPage() throws Exception {
        HttpResponse<byte[]> r = get(pageUrl(link), "Accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8");
        assertEquals(200, r.statusCode());
        assertEquals("text/html; charset=utf-8", header(r, "Content-Type"));
        assertEquals("Accept", header(r, "Vary"));
        String html = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("window.callrecPlayer"), "the player's script");
        assertFalse(html.contains(ID), "the page is the same for every recording");
        assertEquals(PlayerPage.load().contentSecurityPolicy(false), header(r, "Content-Security-Policy"));
    }

    @Test
    void headOfTheManifestHasItsHeadersOnly() throws Exception {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(pageUrl(link)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, r.statusCode());
        assertEquals(Integer.toString(manifest.length), header(r, "Content-Length"));
        assertEquals(0, r.body().length);
    }

    // --- files ---------------------------------------------------------------------------------------------------

    @Test
    void wholeFileWithItsTagTypeAndLength() throws Exception {
        HttpResponse<byte[]> r = get(fileUrl(link, "requester.mkv"));
        assertEquals(200, r.statusCode());
        assertArrayEquals(content.get("requester.mkv"), r.body());
        assertEquals("video/x-matroska", header(r, "Content-Type"));
        assertEquals("100000", header(r, "Content-Length"));
        assertEquals("bytes", header(r, "Accept-Ranges"));
        assertEquals(etag("requester.mkv"), header(r, "ETag"));
        assertEquals(null, header(r, "Content-Range"));
    }

    @ParameterizedTest
    @CsvSource({
            "requester.pcap, application/vnd.tcpdump.pcap",
            "stats.json, application/json",
            "peer.mkv, video/x-matroska",
    })
    void contentTypes(String name, String type) throws Exception {
        HttpResponse<byte[]> r = get(fileUrl(link, name));
        assertEquals(200, r.statusCode());
        assertEquals(type, header(r, "Content-Type"));
        assertArrayEquals(content.get(name), r.body());
    }

    /** expected: "200" (whole file), "416", or "first-last" (206). */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "bytes=10-19 | 10-19",
            "bytes=0-0 | 0-0",
            "bytes=99990- | 99990-99999",
            "bytes=-5 | 99995-99999",
            "bytes=-200000 | 0-99999",
            "bytes=0-99999999999999999999999 | 0-99999",
            "bytes=99000-100500 | 99000-99999",
            "bytes=100000- | 416",
            "bytes=99999999999999999999999- | 416",
            "bytes=-0 | 416",
            "bytes=0-0,5-9 | 200",
            "bytes=5-1 | 200",
            "bytes=-5-10 | 200",
            "bytes=abc | 200",
            "items=0-5 | 200",
    })
    void ranges(String range, String expected) throws Exception {
        byte[] all = content.get("requester.mkv");
        HttpResponse<byte[]> r = get(fileUrl(link, "requester.mkv"), "Range", range);
        assertEquals("bytes", header(r, "Accept-Ranges"));
        switch (expected) {
            case "200" -> {
                assertEquals(200, r.statusCode());
                assertArrayEquals(all, r.body());
                assertEquals(null, header(r, "Content-Range"));
            }
            case "416" -> {
                assertEquals(416, r.statusCode());
                assertEquals("bytes */100000", header(r, "Content-Range"));
                assertFalse(new String(r.body(), StandardCharsets.ISO_8859_1).contains("Exception"));
            }
            default -> {
                long first = Long.parseLong(expected.split("-")[0]);
                long last = Long.parseLong(expected.split("-")[1]);
                assertEquals(206, r.statusCode());
                assertEquals("bytes " + expected + "/100000", header(r, "Content-Range"));
                assertEquals(Long.toString(last - first + 1), header(r, "Content-Length"));
                assertArrayEquals(Arrays.copyOfRange(all, (int) first, (int) last + 1), r.body());
                assertEquals(etag("requester.mkv"), header(r, "ETag"));
            }
        }
    }

    @Test
    void anEmptyFileIsServedButHasNoRange() throws Exception {
        HttpResponse<byte[]> whole = get(fileUrl(link, "combined.mkv"));
        assertEquals(200, whole.statusCode());
        assertEquals("0", header(whole, "Content-Length"));
        HttpResponse<byte[]> range = get(fileUrl(link, "combined.mkv"), "Range", "bytes=0-");
        assertEquals(416, range.statusCode());
        assertEquals("bytes */0", header(range, "Content-Range"));
    }

    @Test
    void headOfAFileAndOfARange() throws Exception {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(fileUrl(link, "requester.mkv"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, r.statusCode());
        assertEquals("100000", header(r, "Content-Length"));
        assertEquals(etag("requester.mkv"), header(r, "ETag"));
        assertEquals(0, r.body().length);
        HttpResponse<byte[]> part = send(HttpRequest.newBuilder(fileUrl(link, "requester.mkv")).header("Range", "bytes=5-14")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(206, part.statusCode());
        assertEquals("bytes 5-14/100000", header(part, "Content-Range"));
        assertEquals("10", header(part, "Content-Length"));
        assertEquals(0, part.body().length);
    }

    @Test
    void ifRangeHonoursTheRangeOnlyForOurStrongTag() throws Exception {
        String tag = etag("requester.mkv");
        assertEquals(206, get(fileUrl(link, "requester.mkv"), "Range", "bytes=0-9", "If-Range", tag).statusCode());
        for (String stale : new String[] {"\"0000\"", "W/" + tag, "Wed, 25 Nov 2026 12:00:00 GMT", etag("peer.mkv")}) {
            HttpResponse<byte[]> r = get(fileUrl(link, "requester.mkv"), "Range", "bytes=0-9", "If-Range", stale);
            assertEquals(200, r.statusCode(), stale);
            assertEquals(100_000, r.body().length, stale);
        }
    }

    @Test
    void ifNoneMatchAnswersNotModified() throws Exception {
        String tag = etag("requester.mkv");
        for (String current : new String[] {tag, "*", "W/" + tag, "\"x\", " + tag}) {
            HttpResponse<byte[]> r = get(fileUrl(link, "requester.mkv"), "If-None-Match", current);
            assertEquals(304, r.statusCode(), current);
            assertEquals(tag, header(r, "ETag"));
            assertEquals(0, r.body().length);
            assertSecurityHeaders(r);
        }
        assertEquals(200, get(fileUrl(link, "requester.mkv"), "If-None-Match", "\"x\"").statusCode());
    }

    @Test
    void aLargeFileIsStreamedCompletely() throws Exception {
        byte[] large = new byte[8 << 20];
        new Random(7).nextBytes(large);
        writeRecording("r-large", Map.of("peer.mkv", large));
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(fileUrl(links.sign("r-large",
                Duration.ofHours(1)), "peer.mkv")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
                total += n;
            }
        }
        assertEquals(large.length, total);
        assertEquals(sha256(large), HexFormat.of().formatHex(sha.digest()));
    }

    // --- refusals ------------------------------------------------------------------------------------------------

    @Test
    void everyBadLinkGetsTheSame403() throws Exception {
        String exp = Long.toString(link.expires().getEpochSecond());
        char last = link.sig().charAt(0) == 'A' ? 'B' : 'A';
        String tampered = last + link.sig().substring(1);
        SignedLink.Link expired = links.sign(ID, Instant.now().minusSeconds(1));
        SignedLink.Link unknownRecording = links.sign("r-nope", Duration.ofHours(1));
        List<String> targets = new ArrayList<>();
        for (String file : new String[] {"", "/peer.mkv"}) {
            String p = "/recordings/" + ID + file;
            targets.add(p);
            targets.add(p + "?exp=" + exp + "&kid=" + link.kid());
            targets.add(p + "?exp=" + exp + "&sig=" + link.sig());
            targets.add(p + "?kid=" + link.kid() + "&sig=" + link.sig());
            targets.add(p + "?exp=" + exp + "&kid=" + link.kid() + "&sig=" + tampered);
            targets.add(p + "?exp=" + (Long.parseLong(exp) + 3600) + "&kid=" + link.kid() + "&sig=" + link.sig());
            targets.add(p + "?exp=" + exp + "&kid=zzzz&sig=" + link.sig());
            targets.add(p + "?exp=" + exp + "&kid=" + link.kid() + "&sig=" + link.sig() + "&sig=" + link.sig());
            targets.add(p + "?" + otherLink.query());
            targets.add(p + "?" + expired.query());
            targets.add("/recordings/r-nope" + file + "?" + unknownRecording.query());
            targets.add("/recordings/" + "x".repeat(129) + file + "?" + link.query());
            targets.add("/recordings/r.abc" + file + "?" + link.query());
        }
        targets.add("/recordings/?" + link.query());
        targets.add("/recordings/" + ID + "/peer.mkv?" + otherLink.query());
        targets.add("/recordings/" + OTHER + "/peer.mkv?" + link.query());
        HttpResponse<byte[]> reference = null;
        for (String target : targets) {
            HttpResponse<byte[]> r = get(URI.create("http://127.0.0.1:" + port + target));
            assertEquals(403, r.statusCode(), target);
            assertSecurityHeaders(r);
            if (reference == null) {
                reference = r;
                assertTrue(r.body().length < 100, "a small body");
            }
            assertArrayEquals(reference.body(), r.body(), target);
            for (String h : new String[] {"Content-Type", "Content-Length", "ETag", "Content-Range", "Vary"}) {
                assertEquals(header(reference, h), header(r, h), target + " " + h);
            }
        }
        String body = new String(reference.body(), StandardCharsets.UTF_8);
        assertFalse(body.contains(ID) || body.contains("Exception"), body);
    }

    @Test
    void aValidLinkStillServesOnlyListedFiles() throws Exception {
        for (String name : new String[] {"secret.txt", "manifest.json", "nothing.mkv"}) {
            HttpResponse<byte[]> r = get(fileUrl(link, name));
            assertEquals(404, r.statusCode(), name);
            assertSecurityHeaders(r);
            assertFalse(new String(r.body(), StandardCharsets.UTF_8).contains(SECRET), name);
        }
    }

    @Test
    void storageIsNeverAskedAboutAnUnsignedRequest() throws Exception {
        storage.down = true;
        HttpResponse<byte[]> forged = get(URI.create("http://127.0.0.1:" + port + "/recordings/" + ID + "?" + otherLink.query()));
        assertEquals(403, forged.statusCode(), "the link is checked before storage is touched");
        HttpResponse<byte[]> r = get(fileUrl(link, "peer.mkv"));
        assertEquals(503, r.statusCode());
        assertEquals("30", header(r, "Retry-After"));
        assertSecurityHeaders(r);
        assertFalse(new String(r.body(), StandardCharsets.UTF_8).contains("switched off"), "no storage detail");
    }

    @Test
    void aStorageFailureWhileServingIsReportedSoThatAvailabilityIsProbedAtOnce() throws Exception {
        List<String> reported = new CopyOnWriteArrayList<>();
        Server reporting = startServer(new DownloadHandler(storage, links, Clock.systemUTC(),
                DownloadHandler.Options.defaults(), null, AtRestKeys.none(), reported::add));
        try {
            int p = ((ServerConnector) reporting.getConnectors()[0]).getLocalPort();
            URI file = URI.create("http://127.0.0.1:" + p + "/recordings/" + ID + "/peer.mkv?" + link.query());
            assertEquals(200, get(file).statusCode());
            assertEquals(List.of(), reported, "nothing failed");

            storage.down = true;
            assertEquals(503, get(file).statusCode());
            assertEquals(1, reported.size(), "the failed read was reported: " + reported);
            assertTrue(reported.get(0).contains("switched off"), "with storage's reason: " + reported);
            assertEquals(403, get(URI.create("http://127.0.0.1:" + p + "/recordings/" + ID + "/peer.mkv?"
                    + otherLink.query())).statusCode());
            assertEquals(1, reported.size(), "a refused link never reaches storage, so nothing more is reported");
        } finally {
            reporting.stop();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
    void otherMethodsAreNotAllowed(String method) throws Exception {
        for (URI uri : new URI[] {pageUrl(link), fileUrl(link, "peer.mkv"), URI.create("http://127.0.0.1:" + port + "/recordings/x")}) {
            // A fresh client each time: the server answers before reading the body and then closes the connection,
            // which a pooled connection of the shared client could be reused across (no bytes, IOException).
            HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                    .method(method, HttpRequest.BodyPublishers.ofString("x")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(405, r.statusCode(), method + " " + uri);
            assertEquals("GET, HEAD", header(r, "Allow"));
            assertSecurityHeaders(r);
        }
    }

    @Test
    void pathsOutsideRecordingsAreLeftToOtherHandlers() throws Exception {
        assertEquals(404, get(URI.create("http://127.0.0.1:" + port + "/health")).statusCode());
        assertEquals(404, get(URI.create("http://127.0.0.1:" + port + "/recordings")).statusCode());
    }

    @Test
    void presigningStorageGetsARedirectThatEndsWithTheLink() throws Exception {
        Server redirecting = startServer(new DownloadHandler(storage, links, Clock.systemUTC(), new DownloadHandler.Options(true)));
        try {
            int p = ((ServerConnector) redirecting.getConnectors()[0]).getLocalPort();
            storage.presigns = true;
            HttpResponse<byte[]> r = get(URI.create("http://127.0.0.1:" + p + "/recordings/" + ID + "/peer.mkv?" + link.query()));
            assertEquals(302, r.statusCode());
            assertEquals("https://bucket.invalid/recordings/r-abc/peer.mkv?X-Amz-Expires=" + link.expires().getEpochSecond(),
                    header(r, "Location"));
            assertEquals(link.expires(), storage.lastPresignExpiry);
            assertSecurityHeaders(r);

            SignedLink.Link longLink = links.sign(ID, Duration.ofDays(30));
            Instant before = Instant.now();
            assertEquals(302, get(URI.create("http://127.0.0.1:" + p + "/recordings/" + ID + "/peer.mkv?" + longLink.query())).statusCode());
            assertFalse(storage.lastPresignExpiry.isAfter(Instant.now().plus(Duration.ofDays(7))), "S3's seven days");
            assertFalse(storage.lastPresignExpiry.isBefore(before.plus(Duration.ofDays(7)).minusSeconds(5)));

            assertEquals(404, get(URI.create("http://127.0.0.1:" + p + "/recordings/" + ID + "/secret.txt?" + link.query())).statusCode(),
                    "only listed files are presigned");
            HttpResponse<byte[]> page = get(URI.create("http://127.0.0.1:" + p + "/recordings/" + ID + "?" + link.query()), "Accept", "text/html");
            assertTrue(header(page, "Content-Security-Policy").contains("media-src 'self' https: http:"));

            storage.presigns = false;
            HttpResponse<byte[]> streamed = get(URI.create("http://127.0.0.1:" + p + "/recordings/" + ID + "/peer.mkv?" + link.query()));
            assertEquals(200, streamed.statusCode(), "storage that cannot presign is streamed");
            assertArrayEquals(content.get("peer.mkv"), streamed.body());
        } finally {
            redirecting.stop();
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static URI pageUrl(SignedLink.Link l) {
        return URI.create("http://127.0.0.1:" + port + "/recordings/" + l.recordingId() + "?" + l.query());
    }

    private static URI fileUrl(SignedLink.Link l, String name) {
        return URI.create("http://127.0.0.1:" + port + "/recordings/" + l.recordingId() + "/" + name + "?" + l.query());
    }

    private static String etag(String name) throws Exception {
        return "\"" + sha256(content.get(name)) + "\"";
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    /** GET with header name, value pairs; every answer under /recordings/ must carry the security headers. */
    static HttpResponse<byte[]> get(URI uri, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder b) throws Exception {
        HttpResponse<byte[]> r = http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.uri().getPath().startsWith("/recordings/")) {
            assertSecurityHeaders(r);
        }
        return r;
    }

    static String sha256(byte[] data) {
        return DownloadAttacks.sha256(data);
    }
}
