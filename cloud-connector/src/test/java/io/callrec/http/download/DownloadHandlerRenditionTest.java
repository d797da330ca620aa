package io.callrec.http.download;

import io.callrec.atrest.AtRestKeys;
import io.callrec.link.LinkKeys;
import io.callrec.link.SignedLink;
import io.callrec.rendition.RenditionIndex;
import io.callrec.rendition.Renditions;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.callrec.http.download.DownloadHandlerTest.get;
import static io.callrec.http.download.DownloadHandlerTest.header;
import static io.callrec.http.download.DownloadHandlerTest.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import org.apache.commons.io.FileUtils;

/**
 * {@code renditions.json} and the renditions it lists, over real HTTP, with a stand-in {@link Renditions} that
 * records what it was asked and answers what the test says.
 */
class DownloadHandlerRenditionTest {
    private static final String ID = "r-rend";
    private static final String OTHER = "r-rend-other";

    private Path root;
    private DirectoryStorage storage;
    private SignedLink links;
    private final List<String> asked = new ArrayList<>();
    private volatile Renditions.Progress answer = new Renditions.Making();
    private final List<Server> servers = new ArrayList<>();
    private byte[] webm;

    @BeforeEach
    void recording() throws Exception {
        root = Files.createDirectories(Path.of("target", "download-rendition-test")).toAbsolutePath();
        FileUtils.cleanDirectory(root.toFile());
        storage = new DirectoryStorage(root.resolve("storage"));
        links = new SignedLink(LinkKeys.open(root.resolve("keys")), URI.create("http://127.0.0.1"), Clock.systemUTC());
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] mkv = new byte[50_000];
        new Random(7).nextBytes(mkv);
        files.put("peer.mkv", mkv);
        DownloadAttacks.writeRecording(root.resolve("storage"), ID, files);
        DownloadAttacks.writeRecording(root.resolve("storage"), OTHER, Map.of("peer.mkv", new byte[10]));
        webm = Arrays.copyOf(mkv, 20_000);
    }

    @AfterEach
    void stop() throws Exception {
        for (Server s : servers) {
            s.stop();
        }
    }

    /** The service; {@code withRenditions} false: a server without ffmpeg. */
    private int serve(boolean withRenditions) throws Exception {
        Renditions service = id -> {
            synchronized (asked) {
                asked.add(id);
            }
            return answer;
        };
        Server s = DownloadHandlerTest.startServer(new DownloadHandler(storage, links, Clock.systemUTC(),
                DownloadHandler.Options.defaults(), withRenditions ? service : null, AtRestKeys.none()));
        servers.add(s);
        return ((ServerConnector) s.getConnectors()[0]).getLocalPort();
    }

    private URI url(int port, String id, String name) {
        return URI.create("http://127.0.0.1:" + port + "/recordings/" + id + "/" + name + "?"
                + links.sign(id, Duration.ofHours(1)).query());
    }

    /** Stores peer.webm and an index listing it (and whatever else {@code extraFiles} adds, JSON objects). */
    private byte[] storeIndex(String id, String of, String extraFiles) throws Exception {
        Files.write(storage.file(id, "peer.webm"), webm);
        String json = """
                {"version":1,"recordingId":"%s","madeAt":"2026-11-25T18:21:02Z","ffmpeg":"5.1",
                 "files":[{"name":"peer.webm","of":"%s","party":"peer","bytes":%d,"sha256":"%s",
                           "type":"video/webm; codecs=\\"vp8, opus\\"","video":"copy","audio":"copy"}%s],
                 "notMade":[]}""".formatted(id, of, webm.length, sha256(webm), extraFiles);
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Files.write(storage.file(id, RenditionIndex.NAME), bytes);
        return bytes;
    }

    @Test
    void withoutARenditionServiceAndNoIndexTheIndexIs404() throws Exception {
        int port = serve(false);
        HttpResponse<byte[]> r = get(url(port, ID, RenditionIndex.NAME));
        assertEquals(404, r.statusCode());
        assertEquals(DownloadHandler.NO_RENDITIONS_TEXT, new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(404, get(url(port, ID, "peer.webm")).statusCode());
    }

    @Test
    void theFirstRequestStartsTheRenditionsAndIsAnswered202UntilTheIndexIsStored() throws Exception {
        int port = serve(true);
        HttpResponse<byte[]> r = get(url(port, ID, RenditionIndex.NAME));
        assertEquals(202, r.statusCode());
        assertEquals("1", header(r, "Retry-After"));
        assertEquals("application/json", header(r, "Content-Type"));
        assertEquals("{\"state\":\"making\"}\n", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(202, get(url(port, ID, RenditionIndex.NAME)).statusCode());
        assertEquals(List.of(ID, ID), asked, "asked each time; the service keeps one job per recording");
        assertEquals(404, get(url(port, ID, "peer.webm")).statusCode(), "not listed before the index is stored");

        byte[] index = storeIndex(ID, "peer.mkv", "");
        r = get(url(port, ID, RenditionIndex.NAME));
        assertEquals(200, r.statusCode());
        assertArrayEquals(index, r.body());
        assertEquals(2, asked.size(), "a stored index is served without asking the service");
    }

    @Test
    void whenTheServiceCannotNowTheAnswerIs503WithItsDelayAndNoReason() throws Exception {
        answer = new Renditions.Later("not enough local disk for renditions: 10 MiB free in /var/lib/x",
                Duration.ofSeconds(30));
        int port = serve(true);
        HttpResponse<byte[]> r = get(url(port, ID, RenditionIndex.NAME));
        assertEquals(503, r.statusCode());
        assertEquals("30", header(r, "Retry-After"));
        assertEquals("{\"state\":\"later\"}\n", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aListedRenditionIsServedLikeARecordedFile() throws Exception {
        storeIndex(ID, "peer.mkv", "");
        int port = serve(true);
        HttpResponse<byte[]> whole = get(url(port, ID, "peer.webm"));
        assertEquals(200, whole.statusCode());
        assertArrayEquals(webm, whole.body());
        assertEquals("video/webm", header(whole, "Content-Type"));
        assertEquals("\"" + sha256(webm) + "\"", header(whole, "ETag"));
        assertEquals("bytes", header(whole, "Accept-Ranges"));
        HttpResponse<byte[]> part = get(url(port, ID, "peer.webm"), "Range", "bytes=100-199");
        assertEquals(206, part.statusCode());
        assertEquals("bytes 100-199/" + webm.length, header(part, "Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(webm, 100, 200), part.body());
        assertEquals(304, get(url(port, ID, "peer.webm"), "If-None-Match", header(whole, "ETag")).statusCode());
        assertEquals(416, get(url(port, ID, "peer.webm"), "Range", "bytes=" + webm.length + "-").statusCode());
        assertEquals(List.of(), asked, "serving stored renditions asks nothing");
    }

    @Test
    void onlyRenditionsOfListedFilesAreServedAndOnlyWithTheirOwnRecordingsLink() throws Exception {
        Files.write(storage.file(ID, "secret.webm"), new byte[] {1, 2, 3});
        Files.write(storage.file(ID, "orphan.mp4"), new byte[] {4, 5, 6});
        Files.write(storage.file(ID, "bare.mp4"), new byte[] {7, 8, 9});
        storeIndex(ID, "peer.mkv", """
                ,{"name":"orphan.mp4","of":"gone.mkv","party":"peer","bytes":3},
                 {"name":"bare.mp4","party":"peer","bytes":3},
                 {"name":"manifest.json","of":"peer.mkv","bytes":10}""");
        int port = serve(true);
        assertEquals(200, get(url(port, ID, "peer.webm")).statusCode());
        for (String name : List.of("secret.webm", "orphan.mp4", "bare.mp4", "manifest.json")) {
            HttpResponse<byte[]> r = get(url(port, ID, name));
            assertEquals(404, r.statusCode(), name);
            assertEquals(DownloadHandler.NOT_LISTED_TEXT, new String(r.body(), StandardCharsets.UTF_8), name);
        }
        // The other recording's link does not open this one's renditions, nor does a forged one.
        URI foreign = URI.create(url(port, OTHER, "peer.webm").toString().replace(OTHER, ID));
        assertEquals(403, get(foreign).statusCode());
        assertEquals(403, get(URI.create(url(port, ID, RenditionIndex.NAME).toString().replace("exp=", "exp=1")))
                .statusCode());
        assertEquals(404, get(url(port, OTHER, "peer.webm")).statusCode(), "the other has no index of its own");
        assertFalse(asked.contains(ID));
    }

    @Test
    void storageDownWhileLookingForTheIndexIs503() throws Exception {
        int port = serve(true);
        assertEquals(200, get(url(port, ID, "peer.mkv")).statusCode(), "the manifest is cached now");
        storage.down = true;
        HttpResponse<byte[]> r = get(url(port, ID, RenditionIndex.NAME));
        assertEquals(503, r.statusCode());
        assertEquals("30", header(r, "Retry-After"));
        assertEquals(503, get(url(port, ID, "peer.webm")).statusCode());
        assertEquals(List.of(), asked, "nothing is started while storage cannot say whether the index exists");
    }
}
