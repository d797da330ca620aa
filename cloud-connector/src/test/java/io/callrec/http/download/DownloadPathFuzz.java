package io.callrec.http.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.callrec.link.SignedLink;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpURI;

/**
 * Any request target, as Jetty parses it and the download service then reads it: whatever is accepted names one
 * recording and at most one plain file in it, by a path spelt exactly {@code /recordings/{id}} or
 * {@code /recordings/{id}/{file}} (no escapes, dot segments, parameters or separators that a decoder could turn into
 * another path); everything else is refused without an exception.
 */
class DownloadPathFuzz {

    @FuzzTest(maxDuration = "20s", maxExecutions = 60000)
    @DictionaryEntries({"/recordings/", "r-5f3c9a", "/peer.mkv", "/manifest.json", "%2f", "%2e%2e", "..", "/./",
        ";x=y", "?exp=1&kid=k&sig=s", "%00", "\\", "//", "%25", "#"})
    void onlyCanonicalPathsToOnePlainFileAreAccepted(byte[] target) {
        String raw = new String(target, StandardCharsets.UTF_8);
        HttpURI uri;
        try {
            uri = HttpURI.build(raw);
        } catch (IllegalArgumentException refusedByJetty) {
            return;
        }
        String decoded;
        try {
            decoded = uri.getDecodedPath();
        } catch (IllegalArgumentException | IllegalStateException undecodable) {
            return; // Jetty answers such a request 400 before any handler sees it
        }
        if (decoded == null || !decoded.startsWith(DownloadHandler.PREFIX)) {
            return;
        }
        DownloadHandler.Target t = DownloadHandler.Target.parse(uri, decoded.substring(DownloadHandler.PREFIX.length()));
        if (t == null) {
            return;
        }
        assertTrue(SignedLink.RECORDING_ID.matcher(t.recordingId()).matches(), t.recordingId());
        String expected = DownloadHandler.PREFIX + t.recordingId() + (t.file() == null ? "" : "/" + t.file());
        assertEquals(expected, uri.getPath(), "the path as sent is exactly the canonical one");
        assertEquals(expected, decoded, "decoding changed nothing");
        if (t.file() != null) {
            assertTrue(ManifestFiles.FILE_NAME.matcher(t.file()).matches(), t.file());
            for (String bad : new String[] {"/", "\\", "%", ";", "\u0000"}) {
                assertFalse(t.file().contains(bad), t.file());
            }
        }
    }
}
