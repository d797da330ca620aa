package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.testing.ExternalCommand;
import io.callrec.testing.media.Ffprobe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recording as the person who got its link sees it: the link taken from the text of the MESSAGE they received, the
 * manifest and the files fetched over HTTP through that signed link (never read from callrec's data directory), and
 * what ffprobe finds in each downloaded file.
 */
public final class LinkedRecording {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** As in docs/sipp/uas_message.xml: the URL ends at white space or a quote (the JSON form quotes it). */
    private static final Pattern LINK = Pattern.compile("https?://[^\\s\"]+");
    private static final Pattern MEAN_VOLUME = Pattern.compile("mean_volume: (-?[0-9.]+) dB");

    private final URI link;
    private final JsonNode manifest;

    private LinkedRecording(URI link, JsonNode manifest) {
        this.link = link;
        this.manifest = manifest;
    }

    /**
     * What one stream of a downloaded file holds: its kind, codec, packets, the timestamp of its first packet and the
     * time from its first to its last packet.
     */
    public record StreamSpan(String codecType, String codecName, int packets, double firstSeconds, double seconds) {
    }

    /** The first http(s) URL in {@code text} (a link MESSAGE's body as a phone showed or logged it). */
    public static URI firstLinkIn(String text) {
        Matcher m = LINK.matcher(text);
        assertTrue(m.find(), "no link in: " + text);
        return URI.create(m.group());
    }

    /** Fetches the manifest the link names ({@code Accept: application/json}); asserts a 200. */
    public static LinkedRecording fetch(URI link) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(link).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), link + ": " + r.body());
        return new LinkedRecording(link, new ObjectMapper().readTree(r.body()));
    }

    public URI link() {
        return link;
    }

    public JsonNode manifest() {
        return manifest;
    }

    /** The manifest's Matroska files ({@code requester.mkv}, {@code peer.mkv}, {@code combined.mkv}...). */
    public Set<String> mkvFiles() {
        Set<String> names = new TreeSet<>();
        manifest.get("files").forEach(f -> names.add(f.get("name").asText()));
        names.removeIf(n -> !n.endsWith(".mkv"));
        return names;
    }

    /** The {@code channel} of each entry of the manifest's consent log whose result is {@code result}. */
    public List<String> consentChannels(String result) {
        List<String> channels = new ArrayList<>();
        manifest.get("consent").forEach(e -> {
            if (result.equals(e.path("result").asText())) {
                channels.add(e.path("channel").asText());
            }
        });
        return channels;
    }

    /** Downloads {@code name} through the link into {@code dir}; asserts a 200. */
    public Path download(String name, Path dir) throws IOException, InterruptedException {
        return RecordedCalls.download(link, name, dir.resolve(name));
    }

    /** Each stream of {@code file} in index order, with its first timestamp and the span of its packets' ones. */
    public static List<StreamSpan> streams(Path file) {
        Ffprobe probe = Ffprobe.probe(file);
        int n = probe.streamCount();
        double[] first = new double[n];
        double[] last = new double[n];
        int[] count = new int[n];
        Arrays.fill(first, Double.MAX_VALUE);
        for (Ffprobe.Packet p : Ffprobe.packets(file)) {
            count[p.stream()]++;
            first[p.stream()] = Math.min(first[p.stream()], p.ptsSeconds());
            last[p.stream()] = Math.max(last[p.stream()], p.ptsSeconds());
        }
        List<StreamSpan> streams = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            streams.add(new StreamSpan(probe.stream(i, "codec_type"), probe.stream(i, "codec_name"), count[i],
                    count[i] == 0 ? 0 : first[i], count[i] == 0 ? 0 : last[i] - first[i]));
        }
        return streams;
    }

    /**
     * Each stream of a party's file ({@code requester.mkv}, {@code peer.mkv}), keyed by codec type ({@code audio},
     * {@code video}); a file with two streams of one type fails.
     */
    public static Map<String, StreamSpan> streamSpans(Path file) {
        Map<String, StreamSpan> spans = new LinkedHashMap<>();
        for (StreamSpan span : streams(file)) {
            StreamSpan twice = spans.put(span.codecType(), span);
            assertTrue(twice == null, file + " has two " + span.codecType() + " streams: " + twice + ", " + span);
        }
        return spans;
    }

    /**
     * Asserts that {@code file} holds exactly one audio and one video stream, each with packets spanning
     * {@code seconds} ± {@code tolerance}, and decodes without errors; returns the streams.
     */
    public static Map<String, StreamSpan> assertAudioAndVideo(Path file, double seconds, double tolerance) {
        Map<String, StreamSpan> spans = streamSpans(file);
        assertEquals(Set.of("audio", "video"), spans.keySet(), file + ": " + spans);
        for (StreamSpan s : spans.values()) {
            assertTrue(s.packets() > 0, file + ": " + s);
            assertEquals(seconds, s.seconds(), tolerance, file + ": " + s + " should last " + seconds + " s");
        }
        assertEquals("", Ffprobe.decodeErrors(file), file.toString());
        return spans;
    }

    /**
     * Asserts that {@code file} holds one audio stream and nothing else, of {@code codec}, with packets spanning
     * {@code seconds} ± {@code tolerance}, and decodes without errors (a plain phone's call whose peer sends nothing).
     */
    public static StreamSpan assertAudioOnly(Path file, String codec, double seconds, double tolerance) {
        Map<String, StreamSpan> spans = streamSpans(file);
        assertEquals(Set.of("audio"), spans.keySet(), spans.toString());
        StreamSpan audio = spans.get("audio");
        assertEquals(codec, audio.codecName());
        assertEquals(seconds, audio.seconds(), tolerance, spans.toString());
        assertEquals("", Ffprobe.decodeErrors(file));
        return audio;
    }

    /** The mean volume of {@code file}'s audio in dB (ffmpeg {@code volumedetect}), to tell two parties apart. */
    public static double meanVolumeDb(Path file) {
        String out = ExternalCommand.run(Duration.ofSeconds(60), "ffmpeg", "-hide_banner", "-nostdin", "-i",
                file.toString(), "-map", "0:a", "-af", "volumedetect", "-f", "null", "-").requireSuccess().stderr();
        Matcher m = MEAN_VOLUME.matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }
}
