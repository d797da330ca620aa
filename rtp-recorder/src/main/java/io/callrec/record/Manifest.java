package io.callrec.record;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKeys;
import io.callrec.atrest.FileDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds {@code manifest.json} (spec §5; the schema is documented in docs/recording-format.md). */
final class Manifest {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** {@code files[].stored.encryption} of an encrypted file: the at-rest format (docs/security.md). */
    static final String STORED_ENCRYPTION = io.callrec.atrest.AtRestFiles.FORMAT;

    private Manifest() {
    }

    static String isoMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
                .toString();
    }

    /**
     * The manifest of a finished recording; also hashes every file. An encrypted file is listed with its plaintext
     * length and SHA-256 (what a download delivers), and its stored form in {@code stored} (what the uploader and
     * storage verify).
     */
    static Map<String, Object> build(RecordingSpec spec, String state, long startMicros, long endMicros,
                                     RecordingPipeline pipeline, List<Map<String, Object>> pauses,
                                     List<Map<String, Object>> laterConsent, long overflow,
                                     String interruption, AtRestKeys atRest) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("recordingId", spec.recordingId());
        m.put("mode", spec.mode().wireName());
        m.put("state", state);
        if (interruption != null) {
            m.put("interruption", interruption);
        }
        m.put("startedAt", isoMicros(startMicros));
        m.put("endedAt", isoMicros(endMicros));
        m.put("durationMs", (endMicros - startMicros) / 1000);
        List<Map<String, Object>> parties = new ArrayList<>();
        parties.add(party("requester", spec.requester(), spec.requesterCallId(), spec.mode() == RecordingMode.BOTH));
        parties.add(party("peer", spec.peer(), spec.peerCallId(), true));
        m.put("parties", parties);
        m.put("callIds", Map.of("requester", spec.requesterCallId(), "peer", spec.peerCallId()));
        List<Map<String, Object>> tracks = new ArrayList<>();
        for (TrackStats t : pipeline.tracks()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("id", t.id);
            tm.put("party", t.party.wireName());
            tm.put("kind", t.kind);
            tm.put("codec", t.encoding);
            tm.put("storedAs", t.format.codec().storedName());
            tm.put("payloadType", t.payloadType);
            tm.put("clockRate", t.format.clockRate());
            if (t.format.sampleRate() > 0) {
                tm.put("sampleRate", t.format.sampleRate());
                tm.put("channels", t.format.channels());
            }
            if (t.format.width() > 0) {
                tm.put("width", t.format.width());
                tm.put("height", t.format.height());
            }
            List<Long> ssrcs = new ArrayList<>();
            for (int s : t.ssrcs) {
                ssrcs.add(s & 0xffffffffL);
            }
            tm.put("ssrcs", ssrcs);
            tm.put("frames", t.frames);
            tm.put("bytes", t.bytes);
            tm.put("framesBeforeKeyframe", t.framesBeforeKeyframe);
            if (t.framesOverlapping > 0) {
                tm.put("framesOverlapping", t.framesOverlapping);
            }
            tm.put("firstRtpTimestamp", t.firstRtpTimestamp);
            tm.put("firstWallClock", isoMicros(t.firstWallMicros));
            tm.put("sync", t.syncSource);
            tm.put("offsetMs", t.offsetMicros / 1000.0);
            tm.put("startMs", t.startMicros / 1000.0);
            tm.put("endMs", t.endMicros / 1000.0);
            tm.put("files", t.files);
            tracks.add(tm);
        }
        m.put("tracks", tracks);
        m.put("sources", pipeline.sources());
        m.put("codecChanges", pipeline.codecChanges());
        m.put("pauses", pauses);
        Map<String, Object> dtmf = new LinkedHashMap<>();
        pipeline.dtmfEvents().forEach((p, n) -> dtmf.put(p.wireName(), n));
        m.put("dtmfEvents", dtmf);
        m.put("unrecordedPackets", pipeline.unrecordedPackets());
        m.put("malformedPackets", pipeline.malformed());
        m.put("overflowPackets", overflow);
        List<Map<String, Object>> consent = new ArrayList<>(spec.consent());
        consent.addAll(laterConsent);
        m.put("consent", consent);
        List<Map<String, Object>> files = new ArrayList<>();
        for (Map.Entry<Path, Party> f : pipeline.files().entrySet()) {
            if (!Files.exists(f.getKey())) {
                continue;
            }
            files.add(file(f.getKey(), f.getValue() == null ? "both" : f.getValue().wireName(), atRest));
        }
        for (Map.Entry<Party, Path> f : pipeline.pcapFiles().entrySet()) {
            files.add(file(f.getValue(), f.getKey().wireName(), atRest));
        }
        m.put("files", files);
        return m;
    }

    private static Map<String, Object> party(String role, String identity, String callId, boolean recorded) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("role", role);
        p.put("identity", identity);
        p.put("callId", callId);
        p.put("recorded", recorded);
        return p;
    }

    private static Map<String, Object> file(Path file, String party, AtRestKeys atRest) throws IOException {
        FileDigest digest = AtRestFiles.digest(file, atRest);
        Map<String, Object> fm = new LinkedHashMap<>();
        fm.put("name", file.getFileName().toString());
        fm.put("party", party);
        fm.put("bytes", digest.bytes());
        fm.put("sha256", digest.sha256());
        if (digest.stored() != null) {
            Map<String, Object> stored = new LinkedHashMap<>();
            stored.put("encryption", STORED_ENCRYPTION);
            stored.put("keyId", digest.stored().keyId());
            stored.put("bytes", digest.stored().bytes());
            stored.put("sha256", digest.stored().sha256());
            fm.put("stored", stored);
        }
        return fm;
    }
}
