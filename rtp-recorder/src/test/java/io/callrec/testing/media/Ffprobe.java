package io.callrec.testing.media;

import io.callrec.testing.CommandResult;
import io.callrec.testing.ExternalCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What ffprobe and ffmpeg say about a media file: stream and format fields ({@code -of flat}, one key=value a line,
 * so no JSON parser is needed), packets, and whether a full decode reports errors.
 */
public final class Ffprobe {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** One demuxed packet. */
    public record Packet(int stream, double ptsSeconds, String flags) {
        public boolean keyframe() {
            return flags.startsWith("K");
        }
    }

    private final Map<String, String> fields;
    private final String stderr;

    private Ffprobe(Map<String, String> fields, String stderr) {
        this.fields = fields;
        this.stderr = stderr;
    }

    /** {@code ffprobe -show_streams -show_format -count_packets}; fails if ffprobe exits non-zero. */
    public static Ffprobe probe(Path file) {
        CommandResult r = ExternalCommand.run(TIMEOUT, "ffprobe", "-v", "error", "-count_packets", "-show_streams",
                "-show_format", "-of", "flat", file.toString()).requireSuccess();
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : r.stdout().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                String value = line.substring(eq + 1);
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                fields.put(line.substring(0, eq), value);
            }
        }
        return new Ffprobe(fields, r.stderr());
    }

    public int streamCount() {
        int n = 0;
        while (fields.containsKey("streams.stream." + n + ".index")) {
            n++;
        }
        return n;
    }

    /** A stream field ({@code codec_name}, {@code width}, {@code sample_rate}, {@code nb_read_packets}...). */
    public String stream(int index, String key) {
        return require("streams.stream." + index + "." + key);
    }

    public double streamDouble(int index, String key) {
        return Double.parseDouble(stream(index, key));
    }

    public int streamInt(int index, String key) {
        return Integer.parseInt(stream(index, key));
    }

    /** A format field ({@code format_name}, {@code duration}...). */
    public String format(String key) {
        return require("format." + key);
    }

    /** What ffprobe printed on stderr at {@code -v error}: empty for a clean file. */
    public String errors() {
        return stderr;
    }

    private String require(String key) {
        String value = fields.get(key);
        if (value == null) {
            throw new AssertionError("ffprobe gave no " + key + "; fields: " + fields);
        }
        return value;
    }

    /** All packets in file order. */
    public static List<Packet> packets(Path file) {
        CommandResult r = ExternalCommand.run(TIMEOUT, "ffprobe", "-v", "error", "-show_entries",
                "packet=stream_index,pts_time,flags", "-of", "csv=p=0", file.toString()).requireSuccess();
        List<Packet> packets = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            String[] f = line.trim().split(",");
            if (f.length >= 3) {
                packets.add(new Packet(Integer.parseInt(f[0]), Double.parseDouble(f[1]), f[2]));
            }
        }
        return packets;
    }

    /**
     * Decodes every stream ({@code ffmpeg -v error -i F -map 0 -f null -}); returns what it printed (nothing if
     * clean). Without {@code -map} ffmpeg would decode only one video and one audio stream of the file.
     */
    public static String decodeErrors(Path file) {
        return decodeErrors(file, "0");
    }

    /** Decodes the streams {@code map} selects ({@code 0:a}, {@code 0:v:1}...); returns what ffmpeg printed. */
    public static String decodeErrors(Path file, String map) {
        return decodeMessages(file, map, "error");
    }

    /**
     * Decodes the streams {@code map} selects and returns what ffmpeg printed at {@code logLevel} ({@code error},
     * {@code warning}...), and its exit code if it failed.
     *
     * <p>{@code -enc_time_base -1} keeps the file's own (millisecond) time base for the null output. Without it ffmpeg
     * re-times each decoded video frame to the frame rate it guessed (15 fps for frames 66/67 ms apart) and, depending
     * on where the first frame falls between two of those ticks, puts two frames on one tick and reports "non
     * monotonically increasing dts to muxer": a complaint about its own output, not about the file (a recording with
     * its first frame 6 ms later decodes silently), which made one check in four fail at random.
     */
    public static String decodeMessages(Path file, String map, String logLevel) {
        CommandResult r = ExternalCommand.run(TIMEOUT, "ffmpeg", "-v", logLevel, "-nostdin", "-i", file.toString(),
                "-map", map, "-enc_time_base", "-1", "-f", "null", "-");
        return r.stdout() + r.stderr() + (r.succeeded() ? "" : "[exit " + r.exitCode() + "]");
    }

    /**
     * {@code mkvinfo -v -v} output (every element, Cues and Clusters included); fails if mkvinfo exits non-zero.
     */
    public static String mkvinfo(Path file) {
        return ExternalCommand.run(TIMEOUT, "mkvinfo", "-v", "-v", file.toString()).requireSuccess().stdout();
    }

    /** How many lines of {@code mkvinfo} output name an element, e.g. {@code "|+ Cluster"}. */
    public static long countElements(String mkvinfo, String element) {
        return mkvinfo.lines().filter(l -> l.equals(element) || l.startsWith(element + " at ")).count();
    }
}
