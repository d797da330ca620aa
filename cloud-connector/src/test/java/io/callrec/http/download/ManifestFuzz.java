package io.callrec.http.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.callrec.storage.ObjectNames;
import io.callrec.storage.Sha256;
import io.callrec.storage.spool.InvalidManifestException;
import io.callrec.storage.spool.SpoolManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A {@code manifest.json} is read twice: by the uploader from the spool ({@link SpoolManifest}) and by the download
 * service from storage ({@link ManifestFiles}), and a damaged or hostile one must not open a path or upset either.
 * Each may refuse only with its documented exception; what the uploader accepts has plain unique names, sizes and
 * hashes that add up without overflow; and every file the download service would serve is one the storage itself
 * accepts the name of (and, when the uploader took the manifest, one it uploaded, with the same size and hash).
 */
class ManifestFuzz {
    private static final String ID = "r-1";

    @FuzzTest(maxDuration = "20s", maxExecutions = 50000)
    @DictionaryEntries({"\"files\":[", "{\"name\":\"", "\",\"party\":\"peer\"", ",\"bytes\":", ",\"sha256\":\"",
            "\"recordingId\":\"r-1\"", "manifest.json", "9223372036854775807", "1e3", "null", "\"}", "]}"})
    void bothReadersAgreeAndNeitherLetsANameOut(byte[] json) {
        SpoolManifest spooled = null;
        try {
            spooled = SpoolManifest.parse(ID, json);
        } catch (InvalidManifestException e) {
            assertNotNull(e.getMessage());
        }
        Map<String, ManifestFiles.Entry> served = null;
        try {
            served = ManifestFiles.parse(json);
        } catch (IOException e) {
            assertNotNull(e.getMessage());
        }
        if (spooled != null) {
            assertEquals(new String(json, StandardCharsets.UTF_8), spooled.json(), "the text is handed on as is");
            Set<String> names = new HashSet<>();
            long total = 0;
            for (SpoolManifest.FileEntry f : spooled.files()) {
                assertTrue(ObjectNames.isValidName(f.name()) && !f.name().equals(ObjectNames.MANIFEST), f.name());
                assertTrue(names.add(f.name()), "listed twice: " + f.name());
                assertTrue(f.bytes() >= 0 && Sha256.isHex(f.sha256()), f.toString());
                total = Math.addExact(total, f.bytes());
            }
            assertEquals(total, spooled.totalBytes());
            assertNotNull(served, "the uploader took a manifest the download service cannot read");
        }
        if (served != null) {
            for (ManifestFiles.Entry e : served.values()) {
                assertTrue(ObjectNames.isValidName(e.name()) && !e.name().equals(ObjectNames.MANIFEST), e.name());
                assertTrue(e.bytes() >= 0, e.toString());
                if (spooled != null) {
                    SpoolManifest.FileEntry uploaded = spooled.files().stream()
                            .filter(f -> f.name().equals(e.name())).findFirst().orElse(null);
                    assertNotNull(uploaded, "served but never uploaded: " + e.name());
                    assertEquals(uploaded.bytes(), e.bytes(), e.name());
                    assertEquals(uploaded.sha256(), e.sha256(), e.name());
                }
            }
        }
    }
}
