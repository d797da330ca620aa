package io.callrec.http.download;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The files a recording's manifest lists ({@code files}: {@code {"name","party","bytes","sha256"}}, spec §5): with
 * the renditions made of them ({@code renditions.json}, same shape plus {@code of}), the only things the download
 * service will ever serve under {@code /recordings/{id}/}. Entries whose name could be anything but a plain file
 * name are dropped, so a damaged manifest cannot open a path. A file encrypted at rest also has
 * {@code "stored": {"bytes", "sha256", ...}}, its encrypted form in storage; {@code bytes} and {@code sha256} are
 * always those of the plaintext, which is what a download delivers.
 */
final class ManifestFiles {
    /** A plain name: starts with a letter or digit (never "." or ".."), no separators, no escapes. */
    static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final String MANIFEST = "manifest.json";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param bytes  plaintext length
     * @param sha256 lower-case hex of the plaintext, or null when the manifest gives none (the file then has no ETag)
     * @param of     for a rendition ({@code renditions.json} has the same shape): the listed file it was made
     *               of; null in a manifest
     * @param stored the file's encrypted form in storage, or null when it is stored in plain
     */
    record Entry(String name, String party, long bytes, String sha256, String of, Stored stored) {
        Entry(String name, String party, long bytes, String sha256) {
            this(name, party, bytes, sha256, null, null);
        }
    }

    /** @param bytes length of the encrypted object in storage */
    record Stored(long bytes) {
    }

    private ManifestFiles() {
    }

    /** @throws IOException when the manifest is not a JSON object */
    static Map<String, Entry> parse(byte[] manifest) throws IOException {
        JsonNode root = JSON.readTree(manifest);
        if (root == null || !root.isObject()) {
            throw new IOException("manifest is not a JSON object");
        }
        Map<String, Entry> files = new LinkedHashMap<>();
        for (JsonNode f : root.path("files")) {
            String name = f.path("name").asText("");
            long bytes = size(f);
            if (!FILE_NAME.matcher(name).matches() || name.equals(MANIFEST) || bytes < 0) {
                continue;
            }
            Stored stored = null;
            if (f.has("stored")) {
                long storedBytes = size(f.get("stored"));
                if (storedBytes < 0) {
                    continue; // an encrypted file whose stored form cannot be found: not servable
                }
                stored = new Stored(storedBytes);
            }
            String sha = f.path("sha256").asText("");
            String of = f.path("of").asText("");
            files.put(name, new Entry(name, f.path("party").asText(""), bytes, SHA256.matcher(sha).matches() ? sha : null,
                    FILE_NAME.matcher(of).matches() ? of : null, stored));
        }
        return Collections.unmodifiableMap(files);
    }

    /** The non-negative integer {@code bytes} of {@code f}, or -1. */
    private static long size(JsonNode f) {
        JsonNode size = f.path("bytes");
        return size.isIntegralNumber() && size.canConvertToLong() && size.asLong() >= 0 ? size.asLong() : -1;
    }
}
