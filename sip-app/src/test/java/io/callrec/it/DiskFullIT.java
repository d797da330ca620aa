package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Ports;
import io.callrec.it.support.RecordedCalls;
import io.callrec.it.support.Sipp;
import io.callrec.testing.Tmpfs;
import io.callrec.testing.media.Ffprobe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Issue 6, faults: the disk fills up in the middle of a recorded SIP call, through the real server jar.
 *
 * <p>The data directory is on a tmpfs with {@code --storage file:} on it, so the recorder's work files, the spool and
 * the stored recordings share one small disk. The server refuses to allocate a recording below a 256 MiB free-space
 * floor, so the tmpfs is 300 MiB (it costs RAM only for what is written) and the test fills it with a filler file
 * once the recording runs, leaving {@value #LEFT_FREE_KIB} KiB: the recording's files and journal use that up a few
 * seconds later. That is simpler than S3 storage with a small tmpfs under the spool, which has the same floor on its
 * spool's disk and would add a store to run. Mounting needs root ({@link Tmpfs}: the test fails, never skips,
 * without).
 *
 * <p>The call: audio and video from SIPp both ways (the peer echoes), recorded in mode {@code both} from the start
 * ({@code Callrec-Request} in the INVITE, the peer grants in its 200). What it shows: the requester gets one INFO
 * {@code recording-error} with code {@code disk-full}; the relay goes on forwarding after it; the recording is closed
 * with what it holds and delivered at once, with the filler still in place (the journal, deleted on the error, and
 * the recording's 64 KiB reserve give room to close the files and write the manifest; the file store takes the files
 * by rename): the link comes as an in-dialog MESSAGE while the call goes on; the call ends with a normal BYE. Every
 * file the manifest lists decodes without an error and holds media up to about the moment of the error (a file left
 * without room to close is cut back to its last whole cluster: no Duration then, which about every other run shows
 * for {@code combined.mkv}). With the space back, a second recorded call records completely.
 */
class DiskFullIT {
    private static final long TMPFS_BYTES = 300L << 20;
    private static final long LEFT_FREE_KIB = 384;
    /** Media after the link: long enough for hundreds of packets to be relayed after the error. */
    private static final long AFTER_LINK_MILLIS = 4000;
    private static final Pattern URL = Pattern.compile("RECORDING_URL=(\\S+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aDiskFillingUpInMidCallEndsTheRecordingWithDiskFullDeliversWhatWasWrittenAndTheCallGoesOn(TestInfo test)
            throws Exception {
        Path dir = ItDirs.logDir(test);
        MediaFiles.alaw(dir.resolve("tone.alaw"), Duration.ofSeconds(10)); // SIPp runs in dir: the requester's audio
        Path video = MediaFiles.h264Video();
        StringBuilder figures = new StringBuilder();
        // The server stops (closing its files) before the tmpfs is unmounted.
        try (Tmpfs tmpfs = Tmpfs.mount(ItDirs.moduleTarget().resolve("disk-full-it-tmpfs"), TMPFS_BYTES);
             CallrecProcess callrec = CallrecProcess.builder(dir).dataDir(tmpfs.path().resolve("data")).start()) {
            Path filler = tmpfs.path().resolve("filler");
            recordUntilTheDiskIsFull(callrec, tmpfs, dir, video, filler, figures);
            Files.delete(filler);
            awaitStorageAvailable(callrec);
            recordWithSpace(callrec, dir, video, figures);
            assertEquals("up", callrec.healthJson().get("status").asText());
        } finally {
            System.out.print(figures);
        }
    }

    private static void recordUntilTheDiskIsFull(CallrecProcess callrec, Tmpfs tmpfs, Path dir, Path video,
                                                 Path filler, StringBuilder figures) throws Exception {
        try (Sipp peer = Sipp.scenario("uas_echo_av_callrec.xml").args("-aa").logDir(dir)
                .mediaPort(Ports.freeEvenUdpRange(4).low()).rtpEcho().start();
             Sipp requester = Sipp.scenario("uac_record_av.xml").args("-aa").logDir(dir).key("record_mode", "both")
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(peer.localPort()).pcapVideo(video).pauseMillis(AFTER_LINK_MILLIS).start()) {
            String id = RecordedCalls.startedRecordingId(callrec, "Recorder - recording r-\\S+ started");
            long free = tmpfs.fill(filler, LEFT_FREE_KIB << 10);
            String failed = callrec.awaitLog("recording " + id + " failed \\(disk-full\\)", Duration.ofSeconds(20));
            long relayedAtError = relayedPackets(callrec);
            assertEquals(0, requester.exitCode(), requester.report() + callrec.logTail());
            assertEquals(0, peer.finish(), peer.report() + callrec.logTail());
            long relayedAtEnd = relayedPackets(callrec);

            List<JsonNode> errors = callrecBodies(requester.messages(), "recording-error");
            assertEquals(1, errors.size(), "one recording-error: " + errors);
            assertEquals("disk-full", errors.get(0).get("code").asText(), errors.toString());
            assertEquals(id, errors.get(0).get("recordingId").asText(), errors.toString());
            for (Sipp party : List.of(requester, peer)) {
                List<JsonNode> states = callrecBodies(party.messages(), "recording-state");
                assertEquals("stopped", states.get(states.size() - 1).get("state").asText(), "both parties hear "
                        + "that the recording stopped: " + states);
            }
            Matcher m = URL.matcher(requester.logs());
            assertTrue(m.find(), requester.logs());
            URI link = URI.create(m.group(1));

            JsonNode manifest = manifest(link);
            Instant started = Instant.parse(manifest.get("startedAt").asText());
            double errorAt = Duration.between(started, logTime(failed)).toMillis() / 1000.0;
            figures.append(String.format(Locale.ROOT, "%d KiB free after filling; disk-full at %.3f s of the "
                            + "recording; relay: %d packets at the error, %d after it until the BYE; manifest: %s, %s%n",
                    free >> 10, errorAt, relayedAtError, relayedAtEnd - relayedAtError,
                    manifest.path("state").asText(), manifest.path("interruption").asText()));
            assertTrue(relayedAtEnd - relayedAtError > 300, "the relay kept forwarding after the error: "
                    + relayedAtError + " then " + relayedAtEnd);
            JsonNode totals = callrec.healthJson().at("/relay/totals");
            assertEquals(0, totals.get("tapErrors").asLong() + totals.get("errors").asLong()
                    + totals.get("sendFailed").asLong(), "the recorder's failure never reached the relay: " + totals);
            assertEquals(id, manifest.get("recordingId").asText(), manifest.toString());
            assertEquals("interrupted", manifest.get("state").asText(), manifest.toString());
            assertTrue(manifest.get("interruption").asText().startsWith("disk-full"), manifest.toString());
            assertEquals(Set.of("combined.mkv", "peer.mkv", "requester.mkv"), mkvFiles(manifest));
            for (String name : mkvFiles(manifest)) {
                Path file = RecordedCalls.download(link, name, dir.resolve("full-" + name));
                double end = name.equals("combined.mkv") ? assertPlayableWhatItHolds(file, figures)
                        : assertPlayableAudioAndVideo(file, figures);
                // A writer that cannot append cuts its file back to its last whole cluster (under a second).
                assertTrue(end > errorAt - 1.5 && end < errorAt + 0.6,
                        name + " holds media up to about the error at " + errorAt + " s: " + end);
            }
        }
    }

    /** With the space back, the same server records the next call (the consent flow of ConsentFlowIT) completely. */
    private static void recordWithSpace(CallrecProcess callrec, Path dir, Path video, StringBuilder figures)
            throws Exception {
        try (Sipp peer = Sipp.scenario("uas_consent_grant.xml").logDir(dir).mediaPort(Ports.freeEvenUdpRange(4).low())
                .rtpEcho().start();
             Sipp requester = Sipp.scenario("uac_consent.xml").logDir(dir).key("record_mode", "both")
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(peer.localPort()).pcapVideo(video).pauseMillis(2500).run()) {
            assertEquals(0, requester.exitCode(), requester.report() + callrec.logTail());
            assertEquals(0, peer.finish(), peer.report() + callrec.logTail());
            Matcher m = URL.matcher(requester.logs());
            assertTrue(m.find(), requester.logs());
            URI link = URI.create(m.group(1));
            JsonNode manifest = manifest(link);
            figures.append("next call: ").append(manifest.path("state").asText()).append('\n');
            assertEquals("complete", manifest.get("state").asText(), manifest.toString());
            assertEquals(Set.of("combined.mkv", "peer.mkv", "requester.mkv"), mkvFiles(manifest));
            for (String name : mkvFiles(manifest)) {
                double end = assertPlayableAudioAndVideo(RecordedCalls.download(link, name,
                        dir.resolve("next-" + name)), figures);
                assertTrue(end > 2.0, name + " holds the whole call: " + end);
            }
        }
    }

    /** Asserts that {@code file} holds PCM audio and H.264 video that probe and decode cleanly; its last frame's time. */
    private static double assertPlayableAudioAndVideo(Path file, StringBuilder figures) {
        Ffprobe probe = Ffprobe.probe(file);
        Set<String> codecs = new TreeSet<>();
        for (int i = 0; i < probe.streamCount(); i++) {
            codecs.add(probe.stream(i, "codec_name"));
        }
        double end = Ffprobe.packets(file).stream().mapToDouble(Ffprobe.Packet::ptsSeconds).max().orElse(0);
        figures.append(String.format(Locale.ROOT, "  %s: %d bytes, %s, duration %s, last frame at %.3f s%n",
                file.getFileName(), file.toFile().length(), codecs, probe.format("duration"), end));
        assertEquals(Set.of("pcm_alaw", "h264"), codecs, file + ": the audio and the video");
        assertEquals("", probe.errors(), file + ": ffprobe");
        assertEquals("", Ffprobe.decodeErrors(file), file + ": ffmpeg decodes it without an error");
        return end;
    }

    /**
     * combined.mkv at disk full: the writer that cannot append cuts it back to its last whole cluster, and a track
     * whose first frame came after that cluster is then empty (seen once: both videos started at 2.6 s, the cut was at
     * 2.52 s; the party files held them). Each party's audio must be there; every track that has packets must
     * probe and decode cleanly.
     */
    private static double assertPlayableWhatItHolds(Path file, StringBuilder figures) {
        Ffprobe probe = Ffprobe.probe(file);
        assertEquals("", probe.errors(), file + ": ffprobe");
        List<Ffprobe.Packet> packets = Ffprobe.packets(file);
        List<String> held = new java.util.ArrayList<>();
        int audioTracks = 0;
        for (int i = 0; i < probe.streamCount(); i++) {
            int stream = i;
            if (packets.stream().anyMatch(p -> p.stream() == stream)) {
                held.add(probe.stream(i, "codec_name"));
                audioTracks += probe.stream(i, "codec_name").equals("pcm_alaw") ? 1 : 0;
                assertEquals("", Ffprobe.decodeErrors(file, "0:" + i), file + " stream " + i + " decodes cleanly");
            }
        }
        double end = packets.stream().mapToDouble(Ffprobe.Packet::ptsSeconds).max().orElse(0);
        figures.append(String.format(Locale.ROOT, "  %s: %d bytes, tracks with frames %s of %d, last frame at %.3f s%n",
                file.getFileName(), file.toFile().length(), held, probe.streamCount(), end));
        assertEquals(2, audioTracks, file + ": both parties' audio");
        return end;
    }

    private static long relayedPackets(CallrecProcess callrec) {
        return callrec.healthJson().at("/relay/totals/packets").asLong(-1);
    }

    /** The server checks its storage every 10 s: after the disk was full it says so until the next check. */
    private static void awaitStorageAvailable(CallrecProcess callrec) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(25).toNanos();
        while (!callrec.healthJson().at("/storage/available").asBoolean(false)) {
            assertTrue(System.nanoTime() < deadline, "storage available again: " + callrec.health());
            Thread.sleep(200);
        }
    }

    /** The time at the start of a server log line ({@code 2026-11-25T23:48:31.847Z ERROR ...}). */
    private static Instant logTime(String line) {
        return Instant.parse(line.substring(0, line.indexOf(' ')));
    }

    /** The callrec JSON bodies of {@code type} in a SIPp message trace, in the order they came. */
    private static List<JsonNode> callrecBodies(String trace, String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : trace.lines().toList()) {
            if (line.startsWith("{\"type\":\"" + type + "\"")) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static JsonNode manifest(URI link) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(link).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static Set<String> mkvFiles(JsonNode manifest) {
        Set<String> files = new TreeSet<>();
        manifest.get("files").forEach(f -> {
            String name = f.get("name").asText();
            if (name.endsWith(".mkv")) {
                files.add(name);
            }
        });
        return files;
    }
}
