package io.callrec.it;

import static io.callrec.http.SecurityAssertions.assertSecurityHeaders;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.http.download.DownloadAttacks;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.link.SignedLink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The download service of the real server (the built jar, local storage) under the whole {@link DownloadAttacks}
 * catalog over raw sockets, and a browser-like client over {@code java.net.http}. The recordings and the link keys
 * are put into the data directory before the server starts, so the server signs and verifies with the keys the
 * test signs with; nothing else of the server is involved (no call is made).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DownloadSecurityIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private CallrecProcess callrec;
    private DownloadAttacks attacks;
    private SignedLink.Link link;

    @BeforeAll
    void start(TestInfo info) throws Exception {
        Path dir = ItDirs.logDir(info);
        Path data = dir.resolve("data");
        attacks = DownloadAttacks.prepare(data, Clock.systemUTC());
        link = attacks.links().sign(DownloadAttacks.ID, Duration.ofHours(1));
        callrec = CallrecProcess.builder(dir).dataDir(data).start();
    }

    @AfterAll
    void stop() {
        if (callrec != null) {
            assertEquals(0, callrec.stop(), "a clean SIGTERM stop exits 0\n" + callrec.logTail());
        }
    }

    @Test
    @Order(1)
    void aValidLinkServesManifestFileAndPlayerWithTheHeaders() throws Exception {
        URI page = callrec.baseUri().resolve("/recordings/" + DownloadAttacks.ID + "?" + link.query());
        HttpResponse<String> manifest = HTTP.send(HttpRequest.newBuilder(page).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, manifest.statusCode(), manifest.body());
        assertTrue(manifest.body().contains("\"recordingId\":\"" + DownloadAttacks.ID + "\""), manifest.body());
        assertSecurityHeaders(manifest);

        HttpResponse<String> player = HTTP.send(HttpRequest.newBuilder(page).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, player.statusCode());
        assertTrue(player.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'sha256-"));
        assertSecurityHeaders(player);

        URI file = callrec.baseUri().resolve("/recordings/" + DownloadAttacks.ID + "/requester.mkv?" + link.query());
        HttpResponse<byte[]> part = HTTP.send(HttpRequest.newBuilder(file).header("Range", "bytes=10-19").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertEquals(10, part.body().length);
        assertSecurityHeaders(part);

        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(callrec.baseUri().resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertSecurityHeaders(health);
    }

    @TestFactory
    @Order(2)
    Stream<DynamicTest> everyAttackGetsItsAnswer() {
        return attacks.tests(callrec.httpPort()).stream();
    }

    @Test
    @Order(3)
    void theServerSurvivedAndLoggedNoLink() throws Exception {
        assertEquals(200, callrec.get("/health").statusCode(), callrec.logTail());
        String log = callrec.logText();
        assertFalse(log.contains(link.sig()), "a link's signature is a bearer secret; it must not reach the log");
        assertFalse(log.contains("Exception"), "no attack made the server throw:\n" + callrec.logTail());
    }
}
