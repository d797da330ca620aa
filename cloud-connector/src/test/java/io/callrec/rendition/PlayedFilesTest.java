package io.callrec.rendition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PlayedFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<SourceFile> played(String manifest) throws Exception {
        JsonNode m = JSON.readTree(manifest);
        return PlayedFiles.of(m);
    }

    private static SourceFile file(String name, String party, String video, String audio) {
        return new SourceFile(name, party, Optional.ofNullable(video), Optional.ofNullable(audio));
    }

    @Test
    void aModeBothRecordingPlaysEachPartysFileWithTheCodecsOfItsTracks() throws Exception {
        List<SourceFile> files = played("""
                {"tracks":[
                  {"party":"requester","kind":"video","codec":"H264","storedAs":"h264","files":["requester.mkv","combined.mkv"]},
                  {"party":"requester","kind":"audio","codec":"PCMA","storedAs":"pcm_alaw","files":["requester.mkv","combined.mkv"]},
                  {"party":"peer","kind":"audio","codec":"opus","storedAs":"opus","files":["peer.mkv","combined.mkv"]},
                  {"party":"peer","kind":"video","codec":"VP8","storedAs":"vp8","files":["peer.mkv","combined.mkv"]}],
                 "files":[{"name":"peer.mkv","party":"peer"},{"name":"requester.mkv","party":"requester"},
                          {"name":"combined.mkv","party":"both"},{"name":"peer.pcap","party":"peer"}]}""");
        assertEquals(List.of(file("requester.mkv", "requester", "h264", "pcm_alaw"),
                file("peer.mkv", "peer", "vp8", "opus")), files);
    }

    @Test
    void aCombinedFileIsPlayedOnlyWhenNoPartyHasAFile() throws Exception {
        assertEquals(List.of(file("combined.mkv", "both", "h264", "opus")), played("""
                {"tracks":[{"party":"peer","kind":"video","codec":"H264","files":["combined.mkv"]},
                           {"party":"requester","kind":"audio","codec":"opus","files":["combined.mkv"]}],
                 "files":[{"name":"combined.mkv","party":"both"}]}"""));
        assertEquals(List.of(), played("{\"files\":[{\"name\":\"peer.pcap\",\"party\":\"peer\"}]}"));
        assertEquals(List.of(), played("{\"version\":1}"));
    }

    @Test
    void withoutStoredAsOrFilesTheWireCodecAndThePartyDecide() throws Exception {
        assertEquals(List.of(file("peer.mkv", "peer", null, "pcm_mulaw")), played("""
                {"tracks":[{"party":"requester","kind":"video","codec":"VP8"},
                           {"party":"peer","kind":"audio","codec":"PCMU"}],
                 "files":[{"name":"peer.mkv","party":"peer"}]}"""));
        assertEquals("g722", PlayedFiles.storedAs("G722"));
        assertEquals("pcm_alaw", PlayedFiles.storedAs("PCMA"));
        assertEquals("opus", PlayedFiles.storedAs("opus"));
    }

    @Test
    void afterACodecChangeTheFirstTrackOfEachKindCounts() throws Exception {
        assertEquals(List.of(file("peer.mkv", "peer", "h264", "pcm_s16le")), played("""
                {"tracks":[{"party":"peer","kind":"video","storedAs":"h264","files":["peer.mkv"]},
                           {"party":"peer","kind":"audio","storedAs":"pcm_s16le","files":["peer.mkv"]},
                           {"party":"peer","kind":"video","storedAs":"vp8","files":["peer.mkv"]}],
                 "files":[{"name":"peer.mkv","party":"peer"},{"name":"peer-2.mkv","party":"peer"}]}"""));
    }

    @Test
    void namesThatAreNotPlainMatroskaFilesAreNotPlayed() throws Exception {
        assertEquals(List.of(), played("""
                {"files":[{"name":"../peer.mkv","party":"peer"},{"name":".peer.mkv","party":"peer"},
                          {"name":"peer.webm","party":"peer"}]}"""));
    }
}
