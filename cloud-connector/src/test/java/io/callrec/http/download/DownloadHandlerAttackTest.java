package io.callrec.http.download;

import io.callrec.http.RawHttp;
import io.callrec.link.LinkKeys;
import io.callrec.link.SignedLink;
import io.callrec.storage.ManualScheduler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static io.callrec.http.SecurityAssertions.assertSecurityHeaders;
import static org.junit.jupiter.api.Assertions.assertEquals;
import org.apache.commons.io.FileUtils;

/**
 * The {@link DownloadAttacks} catalog against the handler in Jetty, configured as HttpService configures it, plus
 * what only a test that owns the clock and the storage can show: the expiry boundary to the second, that refused
 * requests never touch storage, and what the manifest cache saves and never serves.
 */
class DownloadHandlerAttackTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private static Path root;
    private static DirectoryStorage storage;
    private static ManualScheduler clock;
    private static DownloadAttacks attacks;
    private static ManifestCache cache;
    private static Server server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(Path.of("target", "download-attack-test")).toAbsolutePath();
        FileUtils.cleanDirectory(root.toFile());
        storage = new DirectoryStorage(root);
        clock = new ManualScheduler(NOW);
        attacks = DownloadAttacks.prepare(root, Clock.systemUTC());
        cache = new ManifestCache(16, 1 << 20, Duration.ofSeconds(60), clock);
        server = DownloadHandlerTest.startServer(new DownloadHandler(storage, attacks.links(), Clock.systemUTC(),
                DownloadHandler.Options.defaults(), null, cache));
        port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    @TestFactory
    Stream<DynamicTest> everyAttackGetsItsAnswer() {
        return attacks.tests(port).stream();
    }

    @Test
    void aLinkExpiresAtItsSecond() throws Exception {
        SignedLink links = new SignedLink(LinkKeys.open(root.resolve("keys")), URI.create("http://127.0.0.1"), clock);
        Server s = DownloadHandlerTest.startServer(new DownloadHandler(storage, links, clock,
                DownloadHandler.Options.defaults()));
        try {
            int p = ((ServerConnector) s.getConnectors()[0]).getLocalPort();
            SignedLink.Link link = links.sign(DownloadAttacks.ID, NOW.plusSeconds(10));
            String target = "/recordings/" + DownloadAttacks.ID + "?" + link.query();
            clock.advance(Duration.ofMillis(9_999));
            assertEquals(200, RawHttp.get(p, target).status(), "valid in its last millisecond");
            clock.advance(Duration.ofMillis(1));
            RawHttp.Response atExp = RawHttp.get(p, target);
            assertEquals(403, atExp.status(), "exp is the first second it is no longer valid");
            assertEquals(DownloadHandler.FORBIDDEN_TEXT, atExp.bodyText());
            assertSecurityHeaders(atExp, "expired at exp");
        } finally {
            s.stop();
        }
    }

    @Test
    void refusedRequestsNeverTouchStorage() {
        SignedLink.Link other = attacks.links().sign(DownloadAttacks.OTHER, Duration.ofHours(1));
        int before = storage.reads.get();
        Random random = new Random(1);
        for (int i = 0; i < 300; i++) {
            String id = i % 2 == 0 ? "r-" + i : "r-" + Long.toHexString(random.nextLong());
            assertEquals(403, RawHttp.get(port, "/recordings/" + id + "?" + other.query()).status());
            assertEquals(403, RawHttp.get(port, "/recordings/" + id + "/peer.mkv?" + other.query()).status());
        }
        assertEquals(before, storage.reads.get(), "an id is looked up only under a link signed for it");
    }

    @Test
    void theManifestCacheSavesStorageReadsForOneRecordingOnly() {
        SignedLink links = attacks.links();
        String query = links.sign(DownloadAttacks.ID, Duration.ofHours(1)).query();
        String file = "/recordings/" + DownloadAttacks.ID + "/" + DownloadAttacks.FILE + "?" + query;
        cache.invalidate(DownloadAttacks.ID);
        int before = storage.reads.get();
        for (int i = 0; i < 20; i++) {
            assertEquals(206, RawHttp.get(port, file, "Range: bytes=" + i * 100 + "-" + (i * 100 + 99)).status());
        }
        // 2 reads for the manifest (size + open), then 1 open per range.
        assertEquals(2 + 20, storage.reads.get() - before, "the manifest was read once for 20 ranges");

        // The cached manifest of the target never answers for the other recording, nor with its link.
        String otherQuery = links.sign(DownloadAttacks.OTHER, Duration.ofHours(1)).query();
        String targetFile = "/recordings/" + DownloadAttacks.ID + "/" + DownloadAttacks.FILE;
        String otherFile = "/recordings/" + DownloadAttacks.OTHER + "/" + DownloadAttacks.FILE;
        assertEquals(403, RawHttp.get(port, otherFile + "?" + query).status());
        assertEquals(404, RawHttp.get(port, otherFile + "?" + otherQuery).status(),
                "the other recording's own manifest does not list it");
        assertEquals(403, RawHttp.get(port, targetFile + "?" + otherQuery).status());
        assertEquals(404, RawHttp.get(port, "/recordings/" + DownloadAttacks.ID + "/" + DownloadAttacks.UNLISTED
                + "?" + query).status(), "an unlisted file stays unlisted from the cache");
    }

    @Test
    void aRecordingThatAppearsLaterIsServedOnceItExists() throws Exception {
        String id = "r-late-" + System.nanoTime();
        String target = "/recordings/" + id + "?" + attacks.links().sign(id, Duration.ofHours(1)).query();
        assertEquals(403, RawHttp.get(port, target).status(), "not stored yet");
        DownloadAttacks.writeRecording(root, id, Map.of("peer.mkv", new byte[] {1, 2, 3}));
        assertEquals(200, RawHttp.get(port, target).status(), "absence is never cached");
    }

    @Test
    void everyRefusalIsTheSameWhateverTheId() {
        SignedLink.Link link = attacks.links().sign(DownloadAttacks.ID, Duration.ofHours(1));
        List<String> answers = new ArrayList<>();
        for (String id : List.of(DownloadAttacks.OTHER, "r-nope", "r-1", "x".repeat(128))) {
            RawHttp.Response r = RawHttp.get(port, "/recordings/" + id + "?" + link.query());
            // Everything but the Date header: the status line, every other header and the body.
            answers.add(r.status() + " " + r.headers().stream().filter(h -> !h.getKey().equals("Date")).toList()
                    + r.bodyText());
        }
        assertEquals(1, answers.stream().distinct().count(), String.join("\n", answers));
    }
}
