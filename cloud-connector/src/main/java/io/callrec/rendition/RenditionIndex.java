package io.callrec.rendition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.FileDigest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@value #NAME}: the renditions of one recording, stored in the recording's space after them, so a visible index
 * means its renditions are all there (the same rule as the manifest). The manifest itself is never rewritten: it
 * is the record of the call, and its hashes must stay those the recorder wrote.
 *
 * <pre>{@code
 * {"version":1,"recordingId":"r-5f3c9a","madeAt":"2026-11-25T18:21:02Z","ffmpeg":"5.1.9-0+deb12u1",
 *  "files":[{"name":"requester.mp4","of":"requester.mkv","party":"requester","bytes":1210331,"sha256":"…",
 *            "type":"video/mp4; codecs=\"avc1.42C01F, mp4a.40.2\"","video":"copy","audio":"aac",
 *            "cpuSeconds":0.41,"wallSeconds":0.52}],
 *  "notMade":[{"of":"peer.mkv","reason":"…"}]}
 * }</pre>
 *
 * The download service serves a listed file only if its {@code of} is a file of the manifest; {@code files} has the
 * manifest's shape ({@code name, party, bytes, sha256}, and {@code stored} for a file encrypted at rest), so the same
 * code reads both. With encryption at rest the index itself is stored encrypted, like the manifest.
 */
public record RenditionIndex(String recordingId, Instant madeAt, String ffmpeg, List<Made> files,
                             List<NotMade> notMade) {
    public static final String NAME = "renditions.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One rendition that was made and stored.
     *
     * @param bytes  plaintext length
     * @param sha256 SHA-256 of the plaintext
     * @param stored its encrypted form in storage, or null when it is stored in plain
     */
    public record Made(RenditionPlan plan, long bytes, String sha256, String type, Ffmpeg.Cost cost,
                       FileDigest.Stored stored) {
        public Made(RenditionPlan plan, long bytes, String sha256, String type, Ffmpeg.Cost cost) {
            this(plan, bytes, sha256, type, cost, null);
        }

        public Made {
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(sha256, "sha256");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(cost, "cost");
        }
    }

    /** A played file that has no rendition, and why. */
    public record NotMade(String of, String reason) {
    }

    public RenditionIndex {
        Objects.requireNonNull(recordingId, "recordingId");
        Objects.requireNonNull(madeAt, "madeAt");
        Objects.requireNonNull(ffmpeg, "ffmpeg");
        files = List.copyOf(files);
        notMade = List.copyOf(notMade);
    }

    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        root.put("recordingId", recordingId);
        root.put("madeAt", madeAt.toString());
        root.put("ffmpeg", ffmpeg);
        ArrayNode made = root.putArray("files");
        for (Made m : files) {
            ObjectNode f = made.addObject();
            f.put("name", m.plan().name());
            f.put("of", m.plan().source());
            f.put("party", m.plan().party());
            f.put("bytes", m.bytes());
            f.put("sha256", m.sha256());
            if (m.stored() != null) {
                f.putObject("stored").put("encryption", AtRestFiles.FORMAT).put("keyId", m.stored().keyId())
                        .put("bytes", m.stored().bytes()).put("sha256", m.stored().sha256());
            }
            f.put("type", m.type());
            if (m.plan().video()) {
                f.put("video", "copy");
            }
            if (m.plan().audio() != RenditionPlan.AudioAction.NONE) {
                f.put("audio", m.plan().audio().name().toLowerCase(Locale.ROOT));
            }
            if (Double.isFinite(m.cost().cpuSeconds())) {
                f.put("cpuSeconds", Math.round(m.cost().cpuSeconds() * 1000) / 1000.0);
                f.put("wallSeconds", Math.round(m.cost().wallSeconds() * 1000) / 1000.0);
            }
        }
        ArrayNode skipped = root.putArray("notMade");
        for (NotMade n : notMade) {
            skipped.addObject().put("of", n.of()).put("reason", n.reason());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }
}
