package io.callrec.record;

import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKeys;
import io.callrec.atrest.WritableFile;
import io.callrec.media.codec.Codec;
import io.callrec.media.codec.TrackFormat;
import io.callrec.record.mkv.MatroskaWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of one recording: {@code peer.mkv}, and in mode both {@code requester.mkv} and {@code combined.mkv}.
 * Tracks are declared as their first frame arrives; a source that changes SSRC but keeps its codec and format
 * continues the same track, a new codec or format starts a new one (noted as a codec change).
 */
final class Outputs {
    private final RecordingSpec spec;
    private final EnumMap<Party, MatroskaWriter> partyWriters = new EnumMap<>(Party.class);
    private final MatroskaWriter combined;
    private final Map<Path, Party> files = new LinkedHashMap<>();
    private final List<Binding> bindings = new ArrayList<>();

    private record Binding(TrackStats stats, int partyTrack, int combinedTrack) {
    }

    Outputs(RecordingSpec spec, Path directory, MatroskaWriter.Options options, AtRestKeys atRest)
            throws IOException {
        this.spec = spec;
        for (Party party : Party.values()) {
            if (spec.mode() == RecordingMode.BOTH || party == Party.PEER) {
                Path file = directory.resolve(party.fileName());
                partyWriters.put(party, open(file, options, atRest));
                files.put(file, party);
            }
        }
        if (spec.mode() == RecordingMode.BOTH) {
            Path file = directory.resolve("combined.mkv");
            combined = open(file, options, atRest);
            files.put(file, null);
        } else {
            combined = null;
        }
    }

    /**
     * A writer on the file, encrypted when {@code atRest} has a current key: the Matroska writer's rewrites of its
     * header region (tracks added late, Cues/Duration/sizes at close) then re-seal the chunk they fall in.
     */
    private static MatroskaWriter open(Path file, MatroskaWriter.Options options, AtRestKeys atRest)
            throws IOException {
        WritableFile channel = AtRestFiles.create(file, atRest, AtRestFiles.DEFAULT_CHUNK);
        try {
            return new MatroskaWriter(channel, options);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * The track for a party's stream in this codec and format: the existing one if both are unchanged, else a new
     * one. The codec counts even when the stored format is the same (PCMA and PCMU both become 16-bit PCM): the
     * manifest names each track's codec.
     */
    TrackStats bind(Party party, int stream, PayloadFormat payload, TrackFormat format,
                    List<Map<String, Object>> codecChanges, long atMicros) throws IOException {
        TrackStats previous = null;
        for (Binding b : bindings) {
            if (b.stats.party == party && b.stats.stream == stream) {
                if (b.stats.format.equals(format) && b.stats.encoding.equalsIgnoreCase(payload.encoding())) {
                    return b.stats;
                }
                previous = b.stats;
            }
        }
        String kind = format.codec().kind() == Codec.Kind.VIDEO ? "video" : "audio";
        int n = 1;
        for (Binding b : bindings) {
            if (b.stats.party == party && b.stats.kind.equals(kind)) {
                n++;
            }
        }
        String id = party.wireName() + "-" + kind + (n > 1 ? "-" + n : "");
        TrackStats stats = new TrackStats(id, party, stream, kind, payload.encoding(), payload.payloadType(), format);
        String name = party.wireName() + " " + kind + " (" + payload.encoding() + ")";
        int partyTrack = partyWriters.get(party).addTrack(format, name);
        stats.files.add(party.fileName());
        int combinedTrack = 0;
        if (combined != null) {
            combinedTrack = combined.addTrack(format, name);
            stats.files.add("combined.mkv");
        }
        bindings.add(new Binding(stats, partyTrack, combinedTrack));
        if (previous != null) {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("atMs", atMicros / 1000.0);
            change.put("party", party.wireName());
            change.put("stream", stream);
            change.put("from", previous.id + " (" + previous.encoding + ")");
            change.put("to", id + " (" + payload.encoding() + ")");
            codecChanges.add(change);
        }
        return stats;
    }

    void write(TrackStats stats, long atMicros, boolean keyframe, ByteBuffer frame) throws IOException {
        Binding binding = null;
        for (int i = 0; i < bindings.size(); i++) {
            if (bindings.get(i).stats == stats) {
                binding = bindings.get(i);
                break;
            }
        }
        if (binding == null) {
            throw new IllegalStateException("track " + stats.id + " is not bound");
        }
        int p = frame.position();
        partyWriters.get(stats.party).write(binding.partyTrack, atMicros, keyframe, frame);
        if (combined != null) {
            frame.position(p);
            combined.write(binding.combinedTrack, atMicros, keyframe, frame);
        }
        stats.frames++;
        stats.bytes += frame.limit() - p;
        if (stats.startMicros < 0) {
            stats.startMicros = atMicros;
        }
        stats.endMicros = Math.max(stats.endMicros, atMicros);
    }

    void flush() throws IOException {
        for (MatroskaWriter w : partyWriters.values()) {
            w.flush();
        }
        if (combined != null) {
            combined.flush();
        }
    }

    void close() throws IOException {
        IOException first = null;
        List<MatroskaWriter> all = new ArrayList<>(partyWriters.values());
        if (combined != null) {
            all.add(combined);
        }
        for (MatroskaWriter w : all) {
            try {
                w.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    List<TrackStats> tracks() {
        List<TrackStats> out = new ArrayList<>();
        for (Binding b : bindings) {
            out.add(b.stats);
        }
        return out;
    }

    /** Each file and its party (null for the combined file). */
    Map<Path, Party> files() {
        return files;
    }
}
