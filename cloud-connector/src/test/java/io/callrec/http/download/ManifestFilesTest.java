package io.callrec.http.download;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ManifestFilesTest {
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static Map<String, ManifestFiles.Entry> parse(String json) throws IOException {
        return ManifestFiles.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheFilesArray() throws Exception {
        Map<String, ManifestFiles.Entry> files = parse("""
                {"version":1,"recordingId":"r-1","files":[
                  {"name":"requester.mkv","party":"requester","bytes":1402311,"sha256":"%s"},
                  {"name":"peer.mkv","party":"peer","bytes":0,"sha256":"not-a-hash"},
                  {"name":"combined.mkv","party":"both","bytes":12}]}""".formatted(SHA));
        assertEquals(List.of("requester.mkv", "peer.mkv", "combined.mkv"), List.copyOf(files.keySet()));
        assertEquals(new ManifestFiles.Entry("requester.mkv", "requester", 1402311, SHA, null, null), files.get("requester.mkv"));
        assertNull(files.get("peer.mkv").sha256(), "a malformed hash gives no ETag");
        assertEquals(12, files.get("combined.mkv").bytes());
    }

    /** Encrypted at rest: the plaintext's length and hash are served, the stored length finds the chunks. */
    @Test
    void anEncryptedFileKeepsItsStoredLength() throws Exception {
        Map<String, ManifestFiles.Entry> files = parse("""
                {"files":[{"name":"peer.mkv","bytes":100,"sha256":"%s","stored":{"bytes":176,"sha256":"%s"}},
                  {"name":"bad.mkv","bytes":100,"stored":{"bytes":-1}},{"name":"odd.mkv","bytes":1,"stored":7}]}"""
                .formatted(SHA, SHA));
        assertEquals(List.of("peer.mkv"), List.copyOf(files.keySet()), "a stored form without a length is useless");
        assertEquals(new ManifestFiles.Entry("peer.mkv", "", 100, SHA, null, new ManifestFiles.Stored(176)),
                files.get("peer.mkv"));
    }

    @Test
    void namesThatCouldLeaveTheRecordingAreDropped() throws Exception {
        Map<String, ManifestFiles.Entry> files = parse("""
                {"files":[{"name":"../x","bytes":1},{"name":"..","bytes":1},{"name":".hidden","bytes":1},
                  {"name":"a/b","bytes":1},{"name":"a\\\\b","bytes":1},{"name":"%2e%2e","bytes":1},
                  {"name":"manifest.json","bytes":1},{"name":"","bytes":1},{"name":"caf\\u00e9.mkv","bytes":1},
                  {"name":"ok.mkv","bytes":-1},{"name":"ok.mkv","bytes":"12"},{"name":"ok.mkv","bytes":1.5},
                  {"name":"ok.mkv"},{"bytes":1},"string",{"name":"good.pcap","bytes":7}]}""");
        assertEquals(List.of("good.pcap"), List.copyOf(files.keySet()));
    }

    @Test
    void aManifestWithoutFilesListsNothingAndNonObjectsFail() throws Exception {
        assertEquals(Map.of(), parse("{\"version\":1}"));
        assertEquals(Map.of(), parse("{\"files\":\"none\"}"));
        assertThrows(IOException.class, () -> parse("[1,2]"));
        assertThrows(IOException.class, () -> parse("{\"files\":["));
        assertThrows(IOException.class, () -> parse(""));
    }
}
