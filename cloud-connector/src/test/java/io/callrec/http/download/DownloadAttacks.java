package io.callrec.http.download;

import io.callrec.http.PlainErrorHandler;
import io.callrec.http.RawHttp;
import io.callrec.link.LinkKeys;
import io.callrec.link.SignedLink;
import org.junit.jupiter.api.DynamicTest;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.callrec.http.SecurityAssertions.assertRevealsNothing;
import static io.callrec.http.SecurityAssertions.assertSecurityHeaders;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attacks on the download service, each a raw HTTP request with the answer it must get (docs/security.md, "Links
 * and the download service"). One catalog, run by {@link DownloadHandlerAttackTest} against the handler in Jetty
 * and by sip-app's {@code DownloadSecurityIT} against the whole server, so both prove the same list.
 *
 * <p>The recordings live in a storage directory laid out as local storage lays it out ({@code recordings/{id}/}),
 * whose {@code keys/} hold two link keys: the current one and an older one that still verifies.
 */
public final class DownloadAttacks {
    public static final String ID = "r-attack-target";
    public static final String OTHER = "r-attack-other";
    static final String FILE = "requester.mkv";
    static final String UNLISTED = "secret.txt";
    private static final String UNLISTED_CONTENT = "UNLISTED-SECRET-5d1e";
    private static final String OTHER_CONTENT = "OTHER-RECORDING-SECRET-91c2";
    private static final String OUTSIDE_CONTENT = "OUTSIDE-SECRET-7f3a";
    private static final int FILE_BYTES = 100_000;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    /** The answer an attack must get; every answer also carries the security headers and reveals nothing. */
    public enum Expect {
        /** 403 with the one body every link failure gets. */
        FORBIDDEN(403),
        /**
         * Refused by the HTTP layer (400), by the link check (403), or resolved by Jetty to a path outside the
         * service (404): none of them looks at any recording.
         */
        REFUSED(400, 403, 404),
        /** 400 from the HTTP parser, before any handler. */
        BAD_REQUEST(400),
        URI_TOO_LONG(414),
        HEADERS_TOO_LARGE(431),
        /** 426/505 for a protocol version other than HTTP/1.0 and 1.1; 400 when there is none. */
        BAD_VERSION(400, 426, 505),
        /** 405 with {@code Allow: GET, HEAD}, decided from the method alone, before the link is looked at. */
        METHOD_NOT_ALLOWED(405),
        /** 404 for a path outside the download service. */
        NOT_FOUND(404),
        /** 404 for a file the manifest does not list, under a valid link (whose holder may read the manifest). */
        NOT_LISTED(404),
        /** Not an attack after all: the manifest, served because the link is valid. */
        MANIFEST(200),
        WHOLE_FILE(200),
        PART(206),
        UNSATISFIABLE(416);

        final Set<Integer> statuses;

        Expect(Integer... statuses) {
            this.statuses = Set.of(statuses);
        }
    }

    /** @param request the exact bytes sent (ISO-8859-1) */
    public record Attack(String group, String name, String request, Expect expect) {
        @Override
        public String toString() {
            return group + ": " + name;
        }
    }

    private final Path root;
    private final SignedLink links;
    private final String olderKid;
    private final byte[] file;
    private final byte[] manifest;

    private DownloadAttacks(Path root, SignedLink links, String olderKid, byte[] file, byte[] manifest) {
        this.root = root;
        this.links = links;
        this.olderKid = olderKid;
        this.file = file;
        this.manifest = manifest;
    }

    /**
     * Writes the two recordings, an unlisted file beside the target's files, secrets outside all recordings, and
     * two link keys ({@code root/keys}, the layout of the server's data directory), all under {@code root}, which
     * must be empty or missing.
     */
    public static DownloadAttacks prepare(Path root, Clock clock) throws IOException {
        byte[] file = new byte[FILE_BYTES];
        new Random(42).nextBytes(file);
        byte[] manifest = writeRecording(root, ID, Map.of(FILE, file, "peer.mkv", Arrays.copyOf(file, 3000)));
        writeRecording(root, OTHER, Map.of("peer.mkv", OTHER_CONTENT.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(root.resolve("recordings").resolve(ID).resolve(UNLISTED), UNLISTED_CONTENT);
        Files.writeString(root.resolve("SECRET"), OUTSIDE_CONTENT);
        Files.writeString(root.resolve("recordings").resolve("SECRET"), OUTSIDE_CONTENT);
        LinkKeys keys = LinkKeys.open(root.resolve("keys"));
        String older = keys.currentKid();
        keys.rotate();
        SignedLink links = new SignedLink(keys, URI.create("http://127.0.0.1"), clock);
        return new DownloadAttacks(root, links, older, file, manifest);
    }

    /** Writes the files and a manifest listing them under {@code root/recordings/{id}/}; returns the manifest. */
    static byte[] writeRecording(Path root, String id, Map<String, byte[]> files) throws IOException {
        Path dir = Files.createDirectories(root.resolve("recordings").resolve(id));
        StringBuilder json = new StringBuilder("{\"version\":1,\"recordingId\":\"" + id
                + "\",\"mode\":\"both\",\"state\":\"complete\",\"files\":[");
        String sep = "";
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
            json.append(sep).append("{\"name\":\"").append(f.getKey()).append("\",\"party\":\"")
                    .append(f.getKey().startsWith("peer") ? "peer" : "requester").append("\",\"bytes\":")
                    .append(f.getValue().length).append(",\"sha256\":\"").append(sha256(f.getValue())).append("\"}");
            sep = ",";
        }
        byte[] bytes = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve(ManifestFiles.MANIFEST), bytes);
        return bytes;
    }

    /** Signs links as the server does: the keys under {@code root/keys} are the server's. */
    public SignedLink links() {
        return links;
    }

    /** One dynamic test per attack: send it to 127.0.0.1:{@code port}, check the answer. */
    public List<DynamicTest> tests(int port) {
        return attacks(port).stream()
                .map(a -> DynamicTest.dynamicTest(a.toString(), () -> check(a, RawHttp.exchange(port, a.request()))))
                .toList();
    }

    /** Checks one answer; also prints it, one line per attack, for the table in docs/security.md. */
    public void check(Attack attack, RawHttp.Response r) {
        String context = attack + " -> " + r.status();
        System.out.printf("attack | %s | %s | %d%n", attack.group(), attack.name(), r.status());
        assertTrue(attack.expect().statuses.contains(r.status()),
                context + ", expected " + attack.expect() + " " + attack.expect().statuses + "\n" + r.head());
        assertSecurityHeaders(r, context);
        assertTrue(r.headers("Set-Cookie").isEmpty() && r.headers("X-Injected").isEmpty(), context + "\n" + r.head());
        boolean head = attack.request().startsWith("HEAD ");
        if (r.status() >= 300 || attack.expect() == Expect.MANIFEST) {
            assertRevealsNothing(r, context, UNLISTED_CONTENT, OTHER_CONTENT, OUTSIDE_CONTENT, root.toString(),
                    links.sign(ID, Duration.ofHours(1)).sig().substring(0, 12));
        }
        String body = r.bodyText();
        switch (r.status()) {
            case 403 -> {
                assertEquals(head ? "" : DownloadHandler.FORBIDDEN_TEXT, body, context);
                assertEquals("text/plain; charset=utf-8", r.header("Content-Type"), context);
                assertEquals(Integer.toString(DownloadHandler.FORBIDDEN_TEXT.length()), r.header("Content-Length"),
                        context);
                for (String h : List.of("ETag", "Content-Range", "Accept-Ranges", "Vary", "Allow", "Location")) {
                    assertTrue(r.headers(h).isEmpty(), context + ": a 403 with " + h + "\n" + r.head());
                }
            }
            case 405 -> assertEquals("GET, HEAD", r.header("Allow"), context);
            case 400, 414, 426, 431, 505 -> assertEquals(head ? "" : PlainErrorHandler.text(r.status()), body, context);
            case 404 -> assertEquals(attack.expect() == Expect.NOT_LISTED ? DownloadHandler.NOT_LISTED_TEXT
                    : PlainErrorHandler.text(404), body, context);
            default -> checkContent(attack, r, context);
        }
    }

    private void checkContent(Attack attack, RawHttp.Response r, String context) {
        switch (attack.expect()) {
            case MANIFEST -> assertArrayEquals(manifest, r.body(), context);
            case WHOLE_FILE -> assertArrayEquals(file, r.body(), context);
            case PART -> {
                Matcher m = CONTENT_RANGE.matcher(String.valueOf(r.header("Content-Range")));
                assertTrue(m.matches(), context + "\n" + r.head());
                assertEquals(FILE_BYTES, Integer.parseInt(m.group(3)), context);
                assertArrayEquals(Arrays.copyOfRange(file, Integer.parseInt(m.group(1)),
                        Integer.parseInt(m.group(2)) + 1), r.body(), context);
            }
            case UNSATISFIABLE -> assertEquals("bytes */" + FILE_BYTES, r.header("Content-Range"), context);
            default -> throw new AssertionError(context + ": unexpected " + attack.expect());
        }
    }

    /** The whole catalog, grouped as docs/security.md lists it. */
    public List<Attack> attacks(int port) {
        SignedLink.Link link = links.sign(ID, Duration.ofHours(1));
        SignedLink.Link other = links.sign(OTHER, Duration.ofHours(1));
        Catalog c = new Catalog(port);
        String q = link.query();
        String page = "/recordings/" + ID;
        String fileUrl = page + "/" + FILE;
        String exp = Long.toString(link.expires().getEpochSecond());
        String kid = link.kid();
        String sig = link.sig();

        c.group("enumeration");
        for (int i = 1; i <= 5; i++) {
            c.get("sequential id r-" + i + ", the target's query", "/recordings/r-" + i + "?" + q, Expect.FORBIDDEN);
        }
        Random random = new Random(7);
        for (int i = 0; i < 5; i++) {
            byte[] id = new byte[12];
            random.nextBytes(id);
            String guess = "r-" + Base64.getUrlEncoder().withoutPadding().encodeToString(id);
            c.get("random id " + guess + ", the target's query", "/recordings/" + guess + "?" + q, Expect.FORBIDDEN);
        }
        c.get("other recording, the target's query", "/recordings/" + OTHER + "?" + q, Expect.FORBIDDEN);
        c.get("other recording's file, the target's query", "/recordings/" + OTHER + "/peer.mkv?" + q, Expect.FORBIDDEN);
        c.get("target, the other recording's query", page + "?" + other.query(), Expect.FORBIDDEN);
        c.get("target's file, the other recording's query", fileUrl + "?" + other.query(), Expect.FORBIDDEN);
        c.get("id in upper case", "/recordings/" + ID.toUpperCase(Locale.ROOT) + "?" + q, Expect.FORBIDDEN);
        c.get("unknown id, validly signed", "/recordings/r-nope?" + links.sign("r-nope", Duration.ofHours(1)).query(),
                Expect.FORBIDDEN);
        c.get("no query", page, Expect.FORBIDDEN);
        c.get("no id", "/recordings/?" + q, Expect.FORBIDDEN);
        c.get("id of 129 characters", "/recordings/" + "x".repeat(129) + "?" + q, Expect.FORBIDDEN);
        c.get("id with a dot", "/recordings/r.abc?" + q, Expect.FORBIDDEN);
        c.head("HEAD, the other recording's query", page + "?" + other.query(), Expect.FORBIDDEN);

        c.group("traversal");
        for (String t : List.of(
                page + "/../" + OTHER + "/peer.mkv",
                page + "/%2e%2e/" + OTHER + "/peer.mkv",
                page + "/%2E%2E%2F" + OTHER + "%2Fpeer.mkv",
                page + "/..%2f..%2fSECRET",
                page + "/%2e%2e%2f%2e%2e%2fSECRET",
                page + "/%252e%252e%252fSECRET",
                page + "%2F..%2F" + OTHER + "%2Fpeer.mkv",
                page + "/%2Fetc%2Fpasswd",
                page + "/..\\..\\SECRET",
                page + "/..%5c..%5cSECRET",
                page + "/%5c..%5cSECRET",
                page + "/%c0%ae%c0%ae/SECRET",
                page + "/%c0%ae%c0%ae%c0%afSECRET",
                page + "/%e2%80%a5/SECRET",
                page + "/%ef%bc%8e%ef%bc%8e%ef%bc%8fSECRET",
                page + "/%u002e%u002e/SECRET",
                page + "/./" + UNLISTED,
                page + "/" + UNLISTED + "%00.mkv",
                page + "/" + FILE + "%00",
                page + "/" + FILE + "/",
                page + "//" + FILE,
                "//recordings/" + OTHER + "/peer.mkv",
                page + "/" + FILE + "/../" + UNLISTED,
                page + "/" + FILE + ";/../" + UNLISTED,
                page + "/..;/" + OTHER + "/peer.mkv",
                page + ";x=1/" + FILE,
                page + "/" + FILE + ";x",
                "/recordings/../recordings/" + OTHER + "/peer.mkv",
                "/recordings/%2e%2e/SECRET",
                "/recordings/..",
                "/recordings/%00",
                page + "/SECRET/..",
                page + "/%70eer.mkv",
                page + "/" + FILE + "%20",
                page + "/" + "a/".repeat(2000) + FILE)) {
            c.get(t.length() > 90 ? t.substring(0, 90) + "… (" + t.length() + " chars)" : t, t + "?" + q,
                    Expect.REFUSED);
        }
        c.get("very long file name (5000 characters)", page + "/" + "a".repeat(5000) + "?" + q, Expect.FORBIDDEN);
        c.get("very long path (20000 characters)", page + "/" + "a".repeat(20_000) + "?" + q, Expect.URI_TOO_LONG);

        c.group("files not in the manifest");
        for (String name : List.of(UNLISTED, ManifestFiles.MANIFEST, "nothing.mkv", FILE.toUpperCase(Locale.ROOT))) {
            c.get(name + ", valid link", page + "/" + name + "?" + q, Expect.NOT_LISTED);
        }

        c.group("signature forgery");
        c.get("no sig", page + "?exp=" + exp + "&kid=" + kid, Expect.FORBIDDEN);
        c.get("no kid", page + "?exp=" + exp + "&sig=" + sig, Expect.FORBIDDEN);
        c.get("no exp", page + "?kid=" + kid + "&sig=" + sig, Expect.FORBIDDEN);
        c.get("one character changed", page + "?exp=" + exp + "&kid=" + kid + "&sig=" + flipFirst(sig), Expect.FORBIDDEN);
        c.get("truncated by one character", page + "?exp=" + exp + "&kid=" + kid + "&sig=" + sig.substring(1),
                Expect.FORBIDDEN);
        c.get("extended by one character", page + "?exp=" + exp + "&kid=" + kid + "&sig=" + sig + "A", Expect.FORBIDDEN);
        c.get("appended data (length extension)", page + "?exp=" + exp + "&kid=" + kid + "&sig=" + sig + "AAAAAAAA",
                Expect.FORBIDDEN);
        c.get("padded with =", page + "?exp=" + exp + "&kid=" + kid + "&sig=" + sig + "%3D", Expect.FORBIDDEN);
        c.get("same bytes, stray bits in the last character", page + "?exp=" + exp + "&kid=" + kid + "&sig="
                + strayBits(sig), Expect.FORBIDDEN);
        c.get("upper case", page + "?exp=" + exp + "&kid=" + kid + "&sig=" + sig.toUpperCase(Locale.ROOT),
                Expect.FORBIDDEN);
        byte[] mac = Base64.getUrlDecoder().decode(sig);
        c.get("the MAC as lower-case hex", page + "?exp=" + exp + "&kid=" + kid + "&sig=" + HexFormat.of().formatHex(mac),
                Expect.FORBIDDEN);
        c.get("the MAC as upper-case hex", page + "?exp=" + exp + "&kid=" + kid + "&sig="
                + HexFormat.of().withUpperCase().formatHex(mac), Expect.FORBIDDEN);
        c.get("the MAC in standard base64", page + "?exp=" + exp + "&kid=" + kid + "&sig="
                + Base64.getEncoder().encodeToString(mac).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D"),
                Expect.FORBIDDEN);
        c.get("signature of another exp", page + "?exp=" + exp + "&kid=" + kid + "&sig="
                + links.sign(ID, link.expires().plusSeconds(3600)).sig(), Expect.FORBIDDEN);
        c.get("exp moved one second, same sig", page + "?exp=" + (link.expires().getEpochSecond() + 1) + "&kid=" + kid
                + "&sig=" + sig, Expect.FORBIDDEN);
        c.get("another valid key id, same sig", page + "?exp=" + exp + "&kid=" + olderKid + "&sig=" + sig,
                Expect.FORBIDDEN);
        c.get("unknown key id", page + "?exp=" + exp + "&kid=zzzz&sig=" + sig, Expect.FORBIDDEN);
        c.get("key id that is a path", page + "?exp=" + exp + "&kid=..%2Flink-current&sig=" + sig, Expect.FORBIDDEN);
        c.get("empty key id", page + "?exp=" + exp + "&kid=&sig=" + sig, Expect.FORBIDDEN);
        c.get("exp with the other id appended", page + "?exp=" + exp + "%7C" + OTHER + "&kid=" + kid + "&sig=" + sig,
                Expect.FORBIDDEN);
        c.get("kid with the id appended", page + "?exp=" + exp + "&kid=" + kid + "%7C" + ID + "&sig=" + sig,
                Expect.FORBIDDEN);
        c.get("id with a separator appended", page + "%7Cx?" + q, Expect.FORBIDDEN);
        c.get("exp twice, same value", page + "?" + q + "&exp=" + exp, Expect.FORBIDDEN);
        c.get("exp twice, other value first", page + "?exp=1&" + q, Expect.FORBIDDEN);
        c.get("kid twice", page + "?" + q + "&kid=" + kid, Expect.FORBIDDEN);
        c.get("sig twice", page + "?" + q + "&sig=" + sig, Expect.FORBIDDEN);
        c.get("sig twice, second empty", page + "?" + q + "&sig=", Expect.FORBIDDEN);
        c.get("parameter names in upper case", page + "?EXP=" + exp + "&KID=" + kid + "&SIG=" + sig, Expect.FORBIDDEN);
        c.get("separated by ;", page + "?exp=" + exp + ";kid=" + kid + ";sig=" + sig, Expect.FORBIDDEN);
        c.get("broken percent escape", page + "?" + q + "%", Expect.FORBIDDEN);
        c.get("the query in the path", page + "/exp=" + exp + "&kid=" + kid + "&sig=" + sig, Expect.FORBIDDEN);
        c.get("extra parameter (ignored: not signed, not used)", page + "?" + q + "&x=1", Expect.MANIFEST);

        c.group("expiry");
        c.get("expired a second ago", page + "?" + links.sign(ID, Instant.now().minusSeconds(1)).query(), Expect.FORBIDDEN);
        c.get("exp 0, signed", page + "?" + links.sign(ID, Instant.EPOCH).query(), Expect.FORBIDDEN);
        c.get("exp of 12 digits, signed by the server", page + "?"
                + links.sign(ID, Instant.ofEpochSecond(999_999_999_999L)).query(), Expect.MANIFEST);
        for (String bad : List.of("9999999999999", "9223372036854775808", "99999999999999999999999999", "-1", "-" + exp,
                "0" + exp, "%2B" + exp, "%20" + exp, exp + "%0A", exp + "%00", "abc", "1e10", "0x7fffffff", "",
                arabicIndic(exp))) {
            c.get("exp=" + bad + ", same sig", page + "?exp=" + bad + "&kid=" + kid + "&sig=" + sig, Expect.FORBIDDEN);
        }

        c.group("header injection");
        c.get("CRLF + Set-Cookie in exp", page + "?exp=" + exp + "%0d%0aSet-Cookie:%20a=b&kid=" + kid + "&sig=" + sig,
                Expect.FORBIDDEN);
        c.get("CRLF + Set-Cookie in kid", page + "?exp=" + exp + "&kid=" + kid + "%0d%0aSet-Cookie:%20a=b&sig=" + sig,
                Expect.FORBIDDEN);
        c.get("CRLF + Set-Cookie in the path", page + "%0d%0aSet-Cookie:%20a=b?" + q, Expect.REFUSED);
        c.get("CRLF + Set-Cookie in the file name", page + "/x%0d%0aSet-Cookie:%20a=b?" + q, Expect.REFUSED);
        c.get("bare CR in Range", fileUrl + "?" + q, Expect.BAD_REQUEST, "Range: bytes=0-1\rX-Injected: 1");
        c.get("folded line after Accept", page + "?" + q, Expect.BAD_REQUEST, "Accept: text/html", " X-Injected: 1");
        c.get("NUL in Accept", page + "?" + q, Expect.BAD_REQUEST, "Accept: text/html\0");
        c.get("space before the colon", fileUrl + "?" + q, Expect.BAD_REQUEST, "Range : bytes=0-1");
        c.get("header of 20 000 bytes", page + "?" + q, Expect.HEADERS_TOO_LARGE, "X-Big: " + "a".repeat(20_000));
        String[] many = new String[1000];
        Arrays.setAll(many, i -> "X-Header-" + i + ": value");
        c.get("1000 header lines", page + "?" + q, Expect.HEADERS_TOO_LARGE, many);
        c.get("Accept of 7000 bytes", page + "?" + q, Expect.MANIFEST, "Accept: " + "a/b;q=0.1,".repeat(700));
        c.get("escaped CRLF in If-None-Match, forged link", fileUrl + "?" + other.query(), Expect.FORBIDDEN,
                "If-None-Match: \"x%0d%0aSet-Cookie: a=b\"");
        c.get("another Host (not used for anything)", page + "?" + q, Expect.MANIFEST, "Host: evil.example");

        c.group("ranges");
        StringBuilder ranges = new StringBuilder("Range: bytes=0-0");
        for (int i = 1; i < 1000; i++) {
            ranges.append(',').append(i).append('-').append(i);
        }
        c.get("1000 ranges", fileUrl + "?" + q, Expect.WHOLE_FILE, ranges.toString());
        c.get("overlapping ranges", fileUrl + "?" + q, Expect.WHOLE_FILE, "Range: bytes=0-99,50-149");
        c.get("two Range headers", fileUrl + "?" + q, Expect.WHOLE_FILE, "Range: bytes=0-9", "Range: bytes=10-19");
        c.get("last byte position of 23 digits", fileUrl + "?" + q, Expect.PART, "Range: bytes=0-99999999999999999999999");
        c.get("first byte position of 20 digits", fileUrl + "?" + q, Expect.UNSATISFIABLE,
                "Range: bytes=99999999999999999999-");
        c.get("suffix of 20 digits", fileUrl + "?" + q, Expect.PART, "Range: bytes=-99999999999999999999");
        c.get("bytes=-0", fileUrl + "?" + q, Expect.UNSATISFIABLE, "Range: bytes=-0");
        for (String junk : List.of("bytes=--5", "bytes=5-1", "bytes=0x10-0x20", "bytes=-", "bytes=", "bytes=-5-10")) {
            c.get("Range: " + junk, fileUrl + "?" + q, Expect.WHOLE_FILE, "Range: " + junk);
        }
        c.get("range on the manifest (ignored)", page + "?" + q, Expect.MANIFEST, "Range: bytes=0-9");
        c.get("range, forged link", fileUrl + "?" + other.query(), Expect.FORBIDDEN, "Range: bytes=0-9");
        c.get("If-None-Match *, forged link", fileUrl + "?" + other.query(), Expect.FORBIDDEN, "If-None-Match: *");

        c.group("methods");
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW", "get")) {
            c.request(method + ", valid link", method, fileUrl + "?" + q, Expect.METHOD_NOT_ALLOWED, "Content-Length: 0");
        }
        c.request("POST, forged link (same 405: the method is checked first)", "POST", fileUrl + "?" + other.query(),
                Expect.METHOD_NOT_ALLOWED, "Content-Length: 0");
        c.request("OPTIONS *", "OPTIONS", "*", Expect.NOT_FOUND);
        c.raw("CONNECT", "CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nConnection: close\r\n\r\n", Expect.NOT_FOUND);

        c.group("protocol");
        c.raw("HTTP/1.0, valid link", "GET " + page + "?" + q + " HTTP/1.0\r\n\r\n", Expect.MANIFEST);
        c.raw("HTTP/1.0, forged link", "GET " + page + "?" + other.query() + " HTTP/1.0\r\n\r\n", Expect.FORBIDDEN);
        c.raw("HTTP/0.9 (no version)", "GET " + page + "?" + q + "\r\n\r\n", Expect.BAD_VERSION);
        c.raw("HTTP/1.2", "GET " + page + "?" + q + " HTTP/1.2\r\nHost: x\r\n\r\n", Expect.BAD_VERSION);
        c.raw("HTTP/2.0 in a request line", "GET " + page + "?" + q + " HTTP/2.0\r\nHost: x\r\n\r\n", Expect.BAD_VERSION);
        String self = "http://127.0.0.1:" + port;
        c.raw("absolute-form, this server", "GET " + self + page + "?" + q + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nConnection: close\r\n\r\n", Expect.MANIFEST);
        c.raw("absolute-form, the other recording with the target's link", "GET " + self + "/recordings/" + OTHER + "?"
                + q + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n", Expect.FORBIDDEN);
        c.raw("absolute-form, another authority than Host", "GET http://evil.example" + page + "?" + q
                + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n", Expect.BAD_REQUEST);
        c.raw("HTTP/1.1 without Host", "GET " + page + "?" + q + " HTTP/1.1\r\nConnection: close\r\n\r\n",
                Expect.BAD_REQUEST);
        c.raw("two Host headers", "GET " + page + "?" + q + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nHost: evil.example\r\nConnection: close\r\n\r\n", Expect.BAD_REQUEST);
        c.get("Content-Length and Transfer-Encoding (smuggling)", page + "?" + q, Expect.BAD_REQUEST,
                "Content-Length: 5", "Transfer-Encoding: chunked");
        return c.attacks;
    }

    /** Builds the raw requests; {@code group} names the section they fall under. */
    private static final class Catalog {
        final List<Attack> attacks = new ArrayList<>();
        final int port;
        String group;

        Catalog(int port) {
            this.port = port;
        }

        void group(String name) {
            group = name;
        }

        void get(String name, String target, Expect expect, String... headerLines) {
            request(name, "GET", target, expect, headerLines);
        }

        void head(String name, String target, Expect expect) {
            request(name, "HEAD", target, expect);
        }

        void request(String name, String method, String target, Expect expect, String... headerLines) {
            StringBuilder r = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            if (Arrays.stream(headerLines).noneMatch(h -> h.startsWith("Host: "))) {
                r.append("Host: 127.0.0.1:").append(port).append("\r\n");
            }
            for (String h : headerLines) {
                r.append(h).append("\r\n");
            }
            raw(name, r.append("Connection: close\r\n\r\n").toString(), expect);
        }

        void raw(String name, String request, Expect expect) {
            attacks.add(new Attack(group, name, request, expect));
        }
    }

    private static String flipFirst(String sig) {
        return (sig.charAt(0) == 'A' ? "B" : "A") + sig.substring(1);
    }

    /** The last of 43 base64url characters carries two unused bits: set one, the decoded bytes stay the same. */
    private static String strayBits(String sig) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(sig.charAt(sig.length() - 1));
        return sig.substring(0, sig.length() - 1) + alphabet.charAt(last ^ 1);
    }

    /** The same number in Arabic-Indic digits (U+0660..U+0669), percent-encoded as UTF-8. */
    private static String arabicIndic(String digits) {
        StringBuilder out = new StringBuilder();
        for (char c : digits.toCharArray()) {
            for (byte b : String.valueOf((char) ('\u0660' + c - '0')).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
