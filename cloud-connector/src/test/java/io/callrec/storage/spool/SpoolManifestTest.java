package io.callrec.storage.spool;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpoolManifestTest {
    private static final String SHA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void readsTheFilesAndKeepsTheTextAsIs() throws Exception {
        String json = "{\"version\":1,\"recordingId\":\"r-1\",\"state\":\"complete\",\"files\":["
                + "{\"name\":\"peer.mkv\",\"party\":\"peer\",\"bytes\":3,\"sha256\":\"" + SHA + "\"},"
                + "{\"name\":\"combined.mkv\",\"party\":\"both\",\"bytes\":0,\"sha256\":\"" + SHA + "\"}],"
                + "\"tracks\":[{\"codec\":\"PCMU\"}]}";
        SpoolManifest m = SpoolManifest.parse("r-1", json.getBytes(StandardCharsets.UTF_8));
        assertEquals(json, m.json());
        assertEquals(2, m.files().size());
        assertEquals(new SpoolManifest.FileEntry("peer.mkv", "peer", 3, SHA), m.files().get(0));
        assertEquals(3, m.totalBytes());
    }

    /** An encrypted file: the uploader handles the stored form, so the entry carries its size and SHA-256. */
    @Test
    void anEncryptedFileIsListedByItsStoredForm() throws Exception {
        String stored = SHA.replace('a', 'b');
        String json = files("{\"name\":\"peer.mkv\",\"party\":\"peer\",\"bytes\":3,\"sha256\":\"" + SHA + "\","
                + "\"stored\":{\"encryption\":\"callrec-aes-256-gcm-v1\",\"keyId\":\"0123456789abcdef\","
                + "\"bytes\":79,\"sha256\":\"" + stored + "\"}}");
        SpoolManifest m = SpoolManifest.parse("r-1", json.getBytes(StandardCharsets.UTF_8));
        assertEquals(new SpoolManifest.FileEntry("peer.mkv", "peer", 79, stored), m.files().get(0));
        assertInvalid(files("{\"name\":\"a.mkv\",\"bytes\":1,\"sha256\":\"" + SHA + "\",\"stored\":1}"),
                ".stored is not an object");
        assertInvalid(files("{\"name\":\"a.mkv\",\"bytes\":1,\"sha256\":\"" + SHA + "\",\"stored\":"
                + "{\"bytes\":-4,\"sha256\":\"" + SHA + "\"}}"), ".stored.bytes");
        assertInvalid(files("{\"name\":\"a.mkv\",\"bytes\":1,\"sha256\":\"" + SHA + "\",\"stored\":"
                + "{\"bytes\":4}}"), ".stored.sha256");
    }

    @Test
    void refusesWhatCannotBeTrusted() {
        assertInvalid("not json", "not JSON");
        assertInvalid("[]", "not a JSON object");
        assertInvalid("{}", "no files array");
        assertInvalid("{\"recordingId\":\"r-2\",\"files\":[]}", "r-2");
        assertInvalid(files("{\"name\":\"../x\",\"bytes\":1,\"sha256\":\"" + SHA + "\"}"), ".name");
        assertInvalid(files("{\"name\":\"manifest.json\",\"bytes\":1,\"sha256\":\"" + SHA + "\"}"), ".name");
        assertInvalid(files("{\"name\":\"a.mkv\",\"bytes\":-1,\"sha256\":\"" + SHA + "\"}"), ".bytes");
        assertInvalid(files("{\"name\":\"a.mkv\",\"bytes\":1.5,\"sha256\":\"" + SHA + "\"}"), ".bytes");
        assertInvalid(files("{\"name\":\"a.mkv\",\"bytes\":\"1\",\"sha256\":\"" + SHA + "\"}"), ".bytes");
        assertInvalid(files("{\"name\":\"a.mkv\",\"bytes\":1,\"sha256\":\"" + SHA.toUpperCase() + "\"}"),
                ".sha256");
        assertInvalid(files("{\"name\":\"a.mkv\",\"bytes\":1,\"sha256\":\"" + SHA + "\"},"
                + "{\"name\":\"a.mkv\",\"bytes\":1,\"sha256\":\"" + SHA + "\"}"), "twice");
    }

    private static String files(String entries) {
        return "{\"files\":[" + entries + "]}";
    }

    private static void assertInvalid(String json, String part) {
        InvalidManifestException e = assertThrows(InvalidManifestException.class,
                () -> SpoolManifest.parse("r-1", json.getBytes(StandardCharsets.UTF_8)), json);
        assertTrue(e.getMessage().contains(part), json + ": " + e.getMessage());
    }
}
