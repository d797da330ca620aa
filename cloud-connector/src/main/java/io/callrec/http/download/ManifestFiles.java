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
 * name are dropped, so a damaged manifest cannot open a path.
 */
final class ManifestFiles {
    /** A plain name: starts with a letter or digit (never "." or ".."), no separators, no escapes. */
    static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final String MANIFEST = "manifest.json";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param sha256 lower-case hex, or null when the manifest gives none (the file then has no ETag)
     * @param of     for a rendition ({@code renditions.json} has the same shape): the listed file it was made
     *               of; null in a manifest
     */
    record Entry(String name, String party, long bytes, String sha256, String of) {
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
            JsonNode size = f.path("bytes");
            long bytes = size.isIntegralNumber() && size.canConvertToLong() ? size.asLong() : -1;
            if (!FILE_NAME.matcher(name).matches() || name.equals(MANIFEST) || bytes < 0) {
                continue;
            }
            String sha = f.path("sha256").asText("");
            String of = f.path("of").asText("");
            files.put(name, new Entry(name, f.path("party").asText(""), bytes, SHA256.matcher(sha).matches() ? sha : null,
                    FILE_NAME.matcher(of).matches() ? of : null));
        }
        return Collections.unmodifiableMap(files);
    }
}
