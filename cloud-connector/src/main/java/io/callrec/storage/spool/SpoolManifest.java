package io.callrec.storage.spool;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.storage.ObjectNames;
import io.callrec.storage.Sha256;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the uploader needs of a spooled {@code manifest.json} (spec §5): the list of files with their sizes and
 * SHA-256s, and the text itself, handed on untouched. Everything else in the manifest is the recorder's business.
 *
 * <p>A file encrypted at rest is listed with its plaintext size and SHA-256 and, in {@code stored}, those of the
 * encrypted file the spool holds. The uploader moves the stored file and never decrypts it, so a {@link FileEntry}
 * carries the {@code stored} size and SHA-256 when there are any: the ones the spool file and the stored object
 * must have.
 *
 * @param json the manifest's text (decrypted, when it is stored encrypted)
 */
public record SpoolManifest(String json, List<FileEntry> files) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One entry of {@code files}: {@code {"name","party","bytes","sha256"}}, with {@code bytes} and {@code sha256}
     * those of the file as stored (for an encrypted file, its {@code stored} form's).
     */
    public record FileEntry(String name, String party, long bytes, String sha256) {
        public FileEntry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    public SpoolManifest {
        Objects.requireNonNull(json, "json");
        files = List.copyOf(files);
    }

    public long totalBytes() {
        return files.stream().mapToLong(FileEntry::bytes).sum();
    }

    /**
     * @param recordingId the spool directory's name; a manifest naming another recording is refused
     */
    public static SpoolManifest parse(String recordingId, byte[] bytes) throws InvalidManifestException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new InvalidManifestException("manifest.json (" + bytes.length + " bytes) is not JSON: "
                    + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new InvalidManifestException("manifest.json cannot be read: " + e, e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidManifestException("manifest.json is not a JSON object");
        }
        JsonNode id = root.get("recordingId");
        if (id != null && !recordingId.equals(id.asText())) {
            throw new InvalidManifestException("manifest.json is for recording '" + id.asText() + "', found in "
                    + recordingId);
        }
        JsonNode files = root.get("files");
        if (files == null || !files.isArray()) {
            throw new InvalidManifestException("manifest.json has no files array");
        }
        List<FileEntry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode f : files) {
            FileEntry e = entry(f, entries.size());
            if (!names.add(e.name())) {
                throw new InvalidManifestException("manifest.json lists " + e.name() + " twice");
            }
            entries.add(e);
        }
        return new SpoolManifest(new String(bytes, StandardCharsets.UTF_8), entries);
    }

    private static FileEntry entry(JsonNode f, int index) throws InvalidManifestException {
        String at = "files[" + index + "]";
        if (!f.isObject()) {
            throw new InvalidManifestException(at + " is not an object");
        }
        String name = f.path("name").asText(null);
        if (!ObjectNames.isValidName(name) || name.equals(ObjectNames.MANIFEST)) {
            throw new InvalidManifestException(at + ".name is not a file name: " + f.path("name"));
        }
        long bytes = size(f, at);
        String sha256 = sha256(f, at);
        JsonNode stored = f.get("stored");
        if (stored != null) {
            if (!stored.isObject()) {
                throw new InvalidManifestException(at + ".stored is not an object");
            }
            return new FileEntry(name, f.path("party").asText(null), size(stored, at + ".stored"),
                    sha256(stored, at + ".stored"));
        }
        return new FileEntry(name, f.path("party").asText(null), bytes, sha256);
    }

    private static long size(JsonNode f, String at) throws InvalidManifestException {
        JsonNode bytes = f.get("bytes");
        if (bytes == null || !bytes.canConvertToLong() || !bytes.isIntegralNumber() || bytes.asLong() < 0) {
            throw new InvalidManifestException(at + ".bytes is not a size: " + bytes);
        }
        return bytes.asLong();
    }

    private static String sha256(JsonNode f, String at) throws InvalidManifestException {
        String sha256 = f.path("sha256").asText(null);
        if (!Sha256.isHex(sha256)) {
            throw new InvalidManifestException(at + ".sha256 is not lower-case hex SHA-256: " + f.path("sha256"));
        }
        return sha256;
    }
}
