package io.callrec.http;

import io.callrec.http.download.DownloadAttacks;
import io.callrec.http.download.DownloadHandler;
import io.callrec.link.SignedLink;
import io.callrec.storage.local.LocalStorageBackend;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.callrec.http.SecurityAssertions.assertRevealsNothing;
import static io.callrec.http.SecurityAssertions.assertSecurityHeaders;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server as CallrecServer starts it: every answer, its own and Jetty's, carries the security headers. */
class HttpServiceTest {
    private static Path root;
    private static HttpService http;
    private static SignedLink links;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "http-service-test")
                .toAbsolutePath();
        DownloadAttacks attacks = DownloadAttacks.prepare(root, Clock.systemUTC());
        links = attacks.links();
        Handler throwing = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!"/boom".equals(Request.getPathInContext(request))) {
                    return false;
                }
                throw new IllegalStateException("failed reading " + root);
            }
        };
        http = HttpService.start("127.0.0.1", 0, List.of(new JsonHandler("/health", () -> Map.of("status", "ok")),
                throwing, new DownloadHandler(new LocalStorageBackend(root, 0, Clock.systemUTC()), links,
                        Clock.systemUTC(), DownloadHandler.Options.defaults())));
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "GET    | /health       | 200",
            "HEAD   | /health       | 200",
            "POST   | /health       | 405",
            "GET    | /nothing      | 404",
            "GET    | /recordings   | 404",
            "GET    | /boom         | 500",
            "GET    | /a/%2e%2e/b   | 400",
            "GET    | /a%00         | 400",
            "DELETE | /recordings/x | 405",
            "GET    | /recordings/x | 403",
    })
    void everyAnswerCarriesTheHeaders(String method, String target, int status) {
        RawHttp.Response r = RawHttp.request(http.port(), method, target, "Content-Length: 0");
        assertEquals(status, r.status(), r.text());
        assertSecurityHeaders(r, method + " " + target);
        if (status != 200) {
            assertRevealsNothing(r, method + " " + target, root.toString());
        }
    }

    @Test
    void oversizedRequestsGetThePlainPagesToo() {
        RawHttp.Response longUri = RawHttp.get(http.port(), "/" + "a".repeat(20_000));
        assertEquals(414, longUri.status());
        assertSecurityHeaders(longUri, "414");
        assertEquals(PlainErrorHandler.text(414), longUri.bodyText());
        RawHttp.Response bigHeader = RawHttp.get(http.port(), "/health", "X-Big: " + "b".repeat(20_000));
        assertEquals(431, bigHeader.status());
        assertSecurityHeaders(bigHeader, "431");
        assertEquals(PlainErrorHandler.text(431), bigHeader.bodyText());
    }

    @Test
    void thePlayerPageKeepsItsOwnPolicy() {
        SignedLink.Link link = links.sign(DownloadAttacks.ID, Duration.ofHours(1));
        RawHttp.Response page = RawHttp.get(http.port(), "/recordings/" + DownloadAttacks.ID + "?" + link.query(),
                "Accept: text/html");
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Security-Policy").contains("script-src 'sha256-"), page.head());
        assertEquals(1, page.headers("Content-Security-Policy").size(), page.head());
        assertSecurityHeaders(page, "player");
    }
}
