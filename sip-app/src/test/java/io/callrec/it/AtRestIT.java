package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.atrest.AtRestKey;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.RecordedCalls;
import io.callrec.it.support.Sipp;
import io.callrec.storage.s3.S3ProxyProcess;
import io.callrec.testing.ExternalCommand;
import io.callrec.testing.media.Ffprobe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Issue 7, encryption at rest, through the real server: a recorded call is stored encrypted (local storage and an
 * S3 bucket), no stored file holds any of the media or the Matroska header, the link serves it decrypted (whole
 * files, byte ranges across chunks, played by ffmpeg over HTTP), and a server killed in mid-recording rebuilds the
 * recording from its encrypted journal at the next start.
 */
class AtRestIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] EBML = {0x1a, 0x45, (byte) 0xdf, (byte) 0xa3};
    private static final List<String> FILES = List.of("requester.mkv", "peer.mkv", "combined.mkv", "requester.pcap",
            "peer.pcap");

    @Test
    void aRecordingIsStoredEncryptedAndItsLinkServesItDecrypted(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        Path keyFile = dir.resolve("secrets").resolve("at-rest.key"); // apart from the data directory
        try (CallrecProcess callrec = CallrecProcess.builder(dir).args(flags(keyFile)).start();
             Sipp phone = Sipp.scenario("uas_message.xml").logDir(dir).args("-timeout", "60", "-timeout_error")
                     .start()) {
            assertTrue(callrec.logText().contains("generated the at-rest key " + AtRestKey.read(keyFile).id()),
                    callrec.logTail());
            URI link = recordACall(callrec, dir, phone);
            String id = Path.of(link.getPath()).getFileName().toString();
            List<byte[]> plaintext = checkDownloads(link, dir, AtRestKey.read(keyFile).id());
            Path stored = callrec.dataDir().resolve("recordings").resolve(id);
            for (String name : FILES) {
                assertTrue(startsWith(Files.readAllBytes(stored.resolve(name)), new byte[] {(byte) 0x89, 'c', 'r'}),
                        name + " is stored in the at-rest format");
            }
            checkRenditions(link, stored, dir);
            int files = assertNoneHolds(callrec.dataDir(), plaintext);
            assertNoneHolds(stored, List.of("\"recordingId\"".getBytes(StandardCharsets.US_ASCII),
                    "sip:sipp".getBytes(StandardCharsets.US_ASCII)));
            System.out.printf("at rest: %d files of the data directory hold none of %d plaintext samples%n", files,
                    plaintext.size());
        }
    }

    @Test
    void aRecordingInTheBucketIsEncryptedToo(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        Files.createDirectories(dir);
        Path keyFile = dir.resolve("secrets").resolve("at-rest.key");
        try (S3ProxyProcess s3 = S3ProxyProcess.start(dir.resolve("s3proxy"))) {
            s3.createBucket("recordings-at-rest");
            String storage = "s3://recordings-at-rest?endpoint=" + s3.endpoint() + "&region=us-east-1";
            List<String> args = new ArrayList<>(List.of(flags(keyFile)));
            args.addAll(List.of("--storage", storage));
            try (CallrecProcess callrec = CallrecProcess.builder(dir).withoutFileStorage()
                    .env("AWS_ACCESS_KEY_ID", "callrec-test").env("AWS_SECRET_ACCESS_KEY", "callrec-test-secret")
                    .args(args.toArray(String[]::new)).start();
                 Sipp phone = Sipp.scenario("uas_message.xml").logDir(dir).args("-timeout", "60", "-timeout_error")
                         .start()) {
                URI link = recordACall(callrec, dir, phone);
                List<byte[]> plaintext = checkDownloads(link, dir, AtRestKey.read(keyFile).id());
                int objects = assertNoneHolds(s3.blobs(), plaintext);
                assertTrue(objects >= FILES.size() + 1, objects + " objects in the bucket's store");
                assertNoneHolds(dir.resolve("callrec-data"), plaintext); // the spool and work directories
            }
        }
    }

    @Test
    void aServerKilledMidRecordingRebuildsTheEncryptedRecordingAtTheNextStart(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        Path keyFile = dir.resolve("secrets").resolve("at-rest.key");
        String id;
        CompletableFuture<Void> call;
        try (CallrecProcess first = CallrecProcess.builder(dir).logName("callrec-1.log").args(flags(keyFile))
                .start()) {
            RecordedCalls.registerPhone(first, dir, 1); // nobody there: the link waits for the next start
            call = CompletableFuture.runAsync(() -> RecordedCalls.requestAtSetup(first, dir, "uas_echo_callrec.xml",
                    8000));
            id = RecordedCalls.startedRecordingId(first, ".*recording (r-[A-Za-z0-9_-]+) started.*");
            Thread.sleep(3500); // the 2 s tone is over: the journal holds it, the files are not finished
            ProcessHandle server = ProcessHandle.of(first.pid()).orElseThrow();
            server.destroyForcibly(); // SIGKILL: no shutdown hook, nothing finished
            server.onExit().get(10, TimeUnit.SECONDS);
            Path work = first.dataDir().resolve("recording").resolve(id);
            List<Path> segments;
            try (java.util.stream.Stream<Path> s = Files.list(first.dataDir().resolve("journal"))) {
                segments = s.toList();
            }
            assertEquals(1, segments.size(), "one recorder worker's journal: " + segments);
            byte[] journal = Files.readAllBytes(segments.get(0));
            assertTrue(startsWith(journal, new byte[] {(byte) 0x89, 'c', 'r'}), "the journal is encrypted");
            assertEquals(-1, indexOf(journal, "CRS1".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(-1, indexOf(journal, id.getBytes(StandardCharsets.US_ASCII)), "nor names the recording");
            assertNoneHolds(work, List.of(EBML));
        }
        try (CallrecProcess second = CallrecProcess.builder(dir).logName("callrec-2.log").args(flags(keyFile))
                .start();
             Sipp phone = Sipp.scenario("uas_message.xml").logDir(dir).args("-timeout", "60", "-timeout_error")
                     .start()) {
            assertTrue(second.logText().contains("recording " + id + " was interrupted"), second.logTail());
            second.awaitLog(".*recording " + id + " stored in.*", Duration.ofSeconds(30));
            RecordedCalls.registerPhone(second, dir, phone.localPort());
            second.awaitLog(".*recording " + id + ": link delivered to sip:sipp@.*", Duration.ofSeconds(20));
            assertEquals(0, phone.stop(), phone.report());
            URI link = link(phone);
            assertEquals("interrupted", manifest(link).get("state").asText());
            Path requester = RecordedCalls.download(link, "requester.mkv", dir.resolve("rebuilt-requester.mkv"));
            assertEquals("", Ffprobe.decodeErrors(requester));
            Ffprobe probe = Ffprobe.probe(requester);
            assertEquals("pcm_alaw", probe.stream(0, "codec_name"));
            // The tone ended well before the kill: what the recording saw of it is there (how much it saw depends
            // on how soon after the tone's start it began; RecorderCrashIT measures what a kill loses).
            double seconds = Double.parseDouble(probe.format("duration"));
            System.out.printf("at rest: rebuilt after SIGKILL with %.3f s of the 2 s tone%n", seconds);
            assertTrue(seconds > 1.0 && seconds < 2.3, seconds + " s");
            assertTrue(manifest(link).get("interruption").asText().contains("rebuilt from the journal"));
            assertNoneHolds(second.dataDir().resolve("recordings").resolve(id), List.of(EBML));
        } finally {
            call.handle((ok, failed) -> null).get(90, TimeUnit.SECONDS); // SIPp gives up on the dead server
        }
    }

    private static String[] flags(Path keyFile) {
        return new String[] {"--consent", "one-party", "--user", RecordedCalls.USER, "--raw-capture",
            "--encrypt-at-rest", "generate:" + keyFile};
    }

    /** A 2 s tone recorded in mode both; returns the link the requester's phone received. */
    private static URI recordACall(CallrecProcess callrec, Path dir, Sipp phone) throws Exception {
        RecordedCalls.registerPhone(callrec, dir, phone.localPort());
        RecordedCalls.requestAtSetup(callrec, dir, "uas_echo_callrec.xml", 3000);
        callrec.awaitLog(".*link delivered to sip:sipp@.*", Duration.ofSeconds(30));
        assertEquals(0, phone.stop(), phone.report());
        return link(phone);
    }

    private static URI link(Sipp phone) {
        Matcher m = Pattern.compile("RECORDING_URL=(\\S+)").matcher(phone.logs());
        assertTrue(m.find(), phone.logs());
        return URI.create(m.group(1));
    }

    private static JsonNode manifest(URI link) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(link).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /**
     * Every file through the link: plaintext length and SHA-256 as the manifest says, ETag, playable; byte ranges
     * across chunk boundaries equal to the whole file's bytes; ffmpeg plays it over HTTP.
     *
     * @return plaintext samples to look for in storage: audio frames and packets of the raw capture
     */
    private static List<byte[]> checkDownloads(URI link, Path dir, String keyId) throws Exception {
        JsonNode manifest = manifest(link);
        assertEquals(FILES.size(), manifest.get("files").size(), manifest.toString());
        List<byte[]> samples = new ArrayList<>(List.of(EBML));
        for (JsonNode f : manifest.get("files")) {
            String name = f.get("name").asText();
            assertEquals(keyId, f.at("/stored/keyId").asText(), name + " names its key");
            Path file = RecordedCalls.download(link, name, dir.resolve("downloaded-" + name));
            byte[] bytes = Files.readAllBytes(file);
            assertEquals(f.get("bytes").asLong(), bytes.length, name);
            assertEquals(f.get("sha256").asText(), sha256(bytes), name + ": the plaintext, as the manifest says");
            assertTrue(f.at("/stored/bytes").asLong() > bytes.length, name + " is larger encrypted");
            HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(RecordedCalls.fileUrl(link, name))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertEquals("\"" + sha256(bytes) + "\"", head.headers().firstValue("ETag").orElse(""), name);
            assertEquals(String.valueOf(bytes.length), head.headers().firstValue("Content-Length").orElse(""));
            if (name.endsWith(".mkv")) {
                assertTrue(startsWith(bytes, EBML), name + " decrypts to Matroska");
                assertEquals("", Ffprobe.decodeErrors(file), name + " decodes cleanly");
                ExternalCommand.run(Duration.ofSeconds(60), "ffmpeg", "-v", "error", "-i",
                        RecordedCalls.fileUrl(link, name).toString(), "-f", "null", "-").requireSuccess();
                checkRanges(link, name, bytes);
            } else {
                samples.add(Arrays.copyOfRange(bytes, bytes.length / 3, bytes.length / 3 + 64));
                samples.add(Arrays.copyOfRange(bytes, 2 * bytes.length / 3, 2 * bytes.length / 3 + 64));
            }
        }
        Path requester = dir.resolve("downloaded-requester.mkv");
        assertEquals(2.0, Double.parseDouble(Ffprobe.probe(requester).format("duration")), 0.3);
        Path audio = dir.resolve("requester-frames.raw");
        ExternalCommand.run(Duration.ofSeconds(30), "ffmpeg", "-v", "error", "-y", "-i", requester.toString(),
                "-c:a", "copy", "-f", "alaw", audio.toString()).requireSuccess();
        byte[] frames = Files.readAllBytes(audio);
        assertTrue(frames.length > 12_000, frames.length + " bytes of A-law frames (8000 a second)");
        for (int i = 1; i <= 4; i++) {
            int at = i * frames.length / 5;
            samples.add(Arrays.copyOfRange(frames, at, at + 64));
        }
        return samples;
    }

    /**
     * The browser renditions of an encrypted recording: made when asked, stored encrypted (index included), served
     * decrypted and playable; the work directory keeps nothing.
     */
    private static void checkRenditions(URI link, Path stored, Path dir) throws Exception {
        URI index = RecordedCalls.fileUrl(link, "renditions.json");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(index).build(), HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (r.statusCode() == 202 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            r = HTTP.send(HttpRequest.newBuilder(index).build(), HttpResponse.BodyHandlers.ofString());
        }
        assertEquals(200, r.statusCode(), r.body());
        JsonNode files = JSON.readTree(r.body()).get("files");
        assertTrue(files.size() >= 1, r.body());
        assertTrue(startsWith(Files.readAllBytes(stored.resolve("renditions.json")), new byte[] {(byte) 0x89, 'c', 'r'}),
                "renditions.json is stored in the at-rest format");
        for (JsonNode f : files) {
            String name = f.get("name").asText();
            assertTrue(startsWith(Files.readAllBytes(stored.resolve(name)), new byte[] {(byte) 0x89, 'c', 'r'}),
                    name + " is stored in the at-rest format");
            Path file = RecordedCalls.download(link, name, dir.resolve("downloaded-" + name));
            assertEquals(f.get("sha256").asText(), sha256(Files.readAllBytes(file)), name);
            assertEquals("", Ffprobe.decodeErrors(file), name + " decodes cleanly");
        }
        Path work = stored.getParent().getParent().resolve("rendition-work");
        try (var left = Files.walk(work)) {
            assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "nothing decrypted is left behind");
        }
    }

    /** Ranges around the first chunk boundaries (64 KiB), and at both ends. */
    private static void checkRanges(URI link, String name, byte[] whole) throws Exception {
        int n = whole.length;
        int[][] ranges = {{0, 3}, {65_530, 65_545}, {60_000, Math.min(n, 140_000) - 1}, {n - 10, n - 1},
            {65_536, n - 1}};
        for (int[] r : ranges) {
            if (r[0] >= n || r[1] < r[0]) {
                continue;
            }
            HttpResponse<byte[]> part = HTTP.send(HttpRequest.newBuilder(RecordedCalls.fileUrl(link, name))
                    .header("Range", "bytes=" + r[0] + "-" + r[1]).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, part.statusCode(), name + " " + Arrays.toString(r));
            assertEquals("bytes " + r[0] + "-" + r[1] + "/" + n, part.headers().firstValue("Content-Range")
                    .orElse(""));
            assertArrayEquals(Arrays.copyOfRange(whole, r[0], r[1] + 1), part.body(), name + " " + Arrays.toString(r));
        }
    }

    /**
     * Asserts that no regular file below {@code root} holds any of {@code samples}, and none starts with the EBML
     * header; returns how many files were searched.
     */
    private static int assertNoneHolds(Path root, List<byte[]> samples) throws IOException {
        int files = 0;
        try (var paths = Files.walk(root)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(p);
                assertTrue(!startsWith(content, EBML), p + " starts with an EBML header");
                for (byte[] sample : samples) {
                    assertEquals(-1, indexOf(content, sample), p + " holds plaintext "
                            + HexFormat.of().formatHex(sample, 0, Math.min(16, sample.length)) + "…");
                }
                files++;
            }
        }
        return files;
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).indexOf(new String(needle,
                StandardCharsets.ISO_8859_1));
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
