package io.callrec.http.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKey;
import io.callrec.atrest.AtRestKeys;
import io.callrec.atrest.FileDigest;
import io.callrec.link.LinkKeys;
import io.callrec.link.SignedLink;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.apache.commons.io.FileUtils;

/**
 * The download service with recordings encrypted at rest: the manifest and files are decrypted for a valid link,
 * ranges decrypt only the chunks they touch, lengths and ETags are the plaintext's, and storage that does not hold
 * what the manifest says never gets its bytes served.
 */
class DownloadHandlerAtRestTest {
    private static final int CHUNK = AtRestFiles.DEFAULT_CHUNK;
    private static final AtRestKeys KEYS = AtRestKeys.of(AtRestKey.random());
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private static Path root;
    private static DirectoryStorage storage;
    private static SignedLink links;
    private static Server server;
    private static Server keyless;
    private static byte[] big;
    private static byte[] manifest;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(Path.of("target", "download-at-rest-test")).toAbsolutePath();
        FileUtils.cleanDirectory(root.toFile());
        storage = new DirectoryStorage(root.resolve("storage"));
        storage.presigns = true; // plain files would be redirected: encrypted ones must not be
        links = new SignedLink(LinkKeys.open(root.resolve("keys")), URI.create("http://127.0.0.1"), Clock.systemUTC());
        big = new byte[3 * CHUNK + 12_345];
        new Random(7).nextBytes(big);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("requester.mkv", big);
        files.put("peer.mkv", Arrays.copyOf(big, 100));
        files.put("combined.mkv", new byte[0]);
        manifest = writeEncrypted("r-enc", files);
        writeEncrypted("r-truncated", Map.of("peer.mkv", big));
        Path cut = storage.file("r-truncated", "peer.mkv");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(cut), (int) Files.size(cut) - 100));
        byte[] mismatch = writeEncrypted("r-mismatch", Map.of("peer.mkv", big));
        AtRestFiles.write(storage.file("r-mismatch", "manifest.json"), new String(mismatch, StandardCharsets.UTF_8)
                .replace("\"bytes\":" + big.length + ",", "\"bytes\":" + (big.length + 1) + ",")
                .getBytes(StandardCharsets.UTF_8), KEYS);
        writeEncrypted("r-tampered", Map.of("peer.mkv", big));
        Path tampered = storage.file("r-tampered", "peer.mkv");
        byte[] t = Files.readAllBytes(tampered);
        t[56 + 2 * (CHUNK + 20) + 500] ^= 1; // inside chunk 2
        Files.write(tampered, t);
        server = DownloadHandlerTest.startServer(new DownloadHandler(storage, links, Clock.systemUTC(),
                new DownloadHandler.Options(true), null, KEYS));
        keyless = DownloadHandlerTest.startServer(new DownloadHandler(storage, links, Clock.systemUTC(),
                DownloadHandler.Options.defaults()));
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        keyless.stop();
    }

    /** Stores {@code files} encrypted, with a manifest (itself encrypted) that lists plaintext and stored forms. */
    private static byte[] writeEncrypted(String id, Map<String, byte[]> files) throws IOException {
        Path dir = Files.createDirectories(root.resolve("storage").resolve("recordings").resolve(id));
        StringBuilder json = new StringBuilder("{\"version\":1,\"recordingId\":\"" + id + "\",\"files\":[");
        String sep = "";
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path file = dir.resolve(f.getKey());
            AtRestFiles.write(file, f.getValue(), KEYS);
            FileDigest d = AtRestFiles.digest(file, KEYS);
            json.append(sep).append("{\"name\":\"").append(f.getKey()).append("\",\"party\":\"peer\",\"bytes\":")
                    .append(d.bytes()).append(",\"sha256\":\"").append(d.sha256()).append("\",\"stored\":{")
                    .append("\"encryption\":\"callrec-aes-256-gcm-v1\",\"keyId\":\"").append(d.stored().keyId())
                    .append("\",\"bytes\":").append(d.stored().bytes()).append(",\"sha256\":\"")
                    .append(d.stored().sha256()).append("\"}}");
            sep = ",";
        }
        byte[] text = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        AtRestFiles.write(dir.resolve("manifest.json"), text, KEYS);
        return text;
    }

    @Test
    void theManifestIsServedDecrypted() throws Exception {
        assertTrue(AtRestFiles.isSealed(storage.file("r-enc", "manifest.json")));
        HttpResponse<byte[]> r = get(server, "r-enc", null, "Accept", "application/json");
        assertEquals(200, r.statusCode());
        assertArrayEquals(manifest, r.body());
    }

    @Test
    void aWholeFileIsTheDecryptedPlaintextWithItsLengthAndStrongEtag() throws Exception {
        HttpResponse<byte[]> r = get(server, "r-enc", "requester.mkv");
        assertEquals(200, r.statusCode(), "not redirected: storage holds only ciphertext");
        assertArrayEquals(big, r.body());
        assertEquals(String.valueOf(big.length), header(r, "Content-Length"));
        assertEquals("\"" + DownloadHandlerTest.sha256(big) + "\"", header(r, "ETag"));
        assertEquals("bytes", header(r, "Accept-Ranges"));
        HttpResponse<byte[]> again = get(server, "r-enc", "requester.mkv");
        assertEquals(header(r, "ETag"), header(again, "ETag"), "stable");
        assertEquals(0, get(server, "r-enc", "combined.mkv").body().length, "an empty file is empty");
        assertArrayEquals(Arrays.copyOf(big, 100), get(server, "r-enc", "peer.mkv").body());
    }

    @Test
    void headAndConditionalRequestsNeverReadTheFile() throws Exception {
        get(server, "r-enc", null); // the manifest is cached from here on
        int reads = storage.reads.get();
        HttpResponse<byte[]> head = HTTP.send(HttpRequest.newBuilder(url(server, "r-enc", "requester.mkv"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(big.length), header(head, "Content-Length"));
        HttpResponse<byte[]> cached = get(server, "r-enc", "requester.mkv", "If-None-Match",
                "\"" + DownloadHandlerTest.sha256(big) + "\"");
        assertEquals(304, cached.statusCode());
        assertEquals(reads, storage.reads.get(), "neither touched storage");
    }

    @Test
    void rangesAcrossChunkBoundariesDecryptOnlyTheChunksTheyTouch() throws Exception {
        get(server, "r-enc", null);
        long n = big.length;
        long[][] ranges = {{0, 0}, {CHUNK - 1, CHUNK}, {CHUNK - 10, 2L * CHUNK + 10}, {2L * CHUNK, 3L * CHUNK - 1},
            {3L * CHUNK, n - 1}, {n - 1, n - 1}, {12_345, 12_345 + 70_000}, {0, n - 1}};
        for (long[] range : ranges) {
            int reads = storage.reads.get();
            HttpResponse<byte[]> r = get(server, "r-enc", "requester.mkv", "Range",
                    "bytes=" + range[0] + "-" + range[1]);
            assertEquals(206, r.statusCode(), Arrays.toString(range));
            assertEquals("bytes " + range[0] + "-" + range[1] + "/" + n, header(r, "Content-Range"));
            assertArrayEquals(Arrays.copyOfRange(big, (int) range[0], (int) range[1] + 1), r.body(),
                    Arrays.toString(range));
            assertEquals(reads + 2, storage.reads.get(), "the header, then the chunks: " + Arrays.toString(range));
        }
        HttpResponse<byte[]> suffix = get(server, "r-enc", "requester.mkv", "Range", "bytes=-70000");
        assertArrayEquals(Arrays.copyOfRange(big, big.length - 70_000, big.length), suffix.body());
        HttpResponse<byte[]> beyond = get(server, "r-enc", "requester.mkv", "Range", "bytes=" + n + "-");
        assertEquals(416, beyond.statusCode());
        assertEquals("bytes */" + n, header(beyond, "Content-Range"), "the plaintext length");
    }

    @Test
    void aManifestThatDoesNotMatchTheStoredFileServesNothing() throws Exception {
        HttpResponse<byte[]> r = get(server, "r-mismatch", "peer.mkv", "Range", "bytes=0-99");
        assertEquals(500, r.statusCode(), "its length is not what the stored form holds");
        assertNull(header(r, "ETag"));
        assertNull(header(r, "Content-Range"));
    }

    @Test
    void aTruncatedObjectServesOnlyChunksThatAuthenticate() throws Exception {
        HttpResponse<byte[]> early = get(server, "r-truncated", "peer.mkv", "Range", "bytes=0-99");
        assertEquals(206, early.statusCode(), "chunk 0 is whole and authentic");
        assertArrayEquals(Arrays.copyOf(big, 100), early.body());
        HttpResponse<byte[]> end;
        try {
            end = get(server, "r-truncated", "peer.mkv", "Range", "bytes=-10");
        } catch (IOException cut) {
            return; // the body was cut short: the client knows it did not get the file
        }
        assertEquals(500, end.statusCode(), "the last chunk is missing its end: " + end.body().length + " bytes");
    }

    @Test
    void anAlteredChunkCutsTheBodyShortAndRangesBeforeItStillWork() throws Exception {
        HttpResponse<byte[]> early = get(server, "r-tampered", "peer.mkv", "Range", "bytes=0-" + (2 * CHUNK - 1));
        assertEquals(206, early.statusCode());
        assertArrayEquals(Arrays.copyOf(big, 2 * CHUNK), early.body());
        assertThrows(IOException.class, () -> get(server, "r-tampered", "peer.mkv"),
                "the client sees a cut body, never altered bytes");
        HttpResponse<byte[]> late = get(server, "r-tampered", "peer.mkv", "Range", "bytes=" + (2 * CHUNK) + "-");
        assertTrue(late.statusCode() == 500 || late.body().length == 0, late.statusCode() + " with "
                + late.body().length + " bytes");
    }

    @Test
    void withoutTheKeyNothingIsServed() throws Exception {
        HttpResponse<byte[]> r = get(keyless, "r-enc", null, "Accept", "application/json");
        assertEquals(500, r.statusCode());
        assertEquals("Internal error.\n", new String(r.body(), StandardCharsets.UTF_8), "no key id, no path");
    }

    private static URI url(Server s, String id, String file) {
        SignedLink.Link link = links.sign(id, Duration.ofHours(1));
        int port = ((ServerConnector) s.getConnectors()[0]).getLocalPort();
        return URI.create("http://127.0.0.1:" + port + "/recordings/" + id + (file == null ? "" : "/" + file) + "?"
                + link.query());
    }

    private static HttpResponse<byte[]> get(Server s, String id, String file, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(s, id, file)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }
}
