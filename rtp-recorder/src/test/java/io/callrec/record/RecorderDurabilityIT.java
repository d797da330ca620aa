package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.testing.CommandResult;
import io.callrec.testing.ExternalCommand;
import io.callrec.testing.media.Ffprobe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a finished recording has on the disk before its journal records go: a recording process traced with strace
 * (fsync and fdatasync, with the path of each descriptor) must force every file of the recording, the manifest and
 * the directories it moves between, before anything of its journal is deleted.
 */
class RecorderDurabilityIT {
    private static final Pattern SYNC = Pattern.compile("f(?:data)?sync\\(\\d+<([^>]*)>\\) += 0");
    private static final Pattern UNLINK = Pattern.compile("unlink(?:at)?\\((?:AT_FDCWD, )?\"([^\"]*)\"(?:, 0)?\\) += 0");
    @TempDir
    Path data;

    @Test
    void aFinishedRecordingsFilesAndManifestAreForcedBeforeItIsSpooled() throws Exception {
        Path trace = data.resolve("sync.trace");
        CommandResult run = ExternalCommand.run(Duration.ofSeconds(180), "strace", "-f", "-qq", "-y",
                "-e", "trace=fsync,fdatasync,unlink,unlinkat", "-o", trace.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FinishHostMain.class.getName(),
                data.toString(), "29400").requireSuccess();
        assertTrue(run.stdout().contains("FINISHED "), run.stdout());
        Path spooled = data.resolve("spool").resolve("durable-1");
        List<String> names;
        try (Stream<Path> files = Files.list(spooled)) {
            names = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("combined.mkv", "manifest.json", "peer.mkv", "requester.mkv"), names);
        for (String name : List.of("combined.mkv", "peer.mkv", "requester.mkv")) {
            Path file = spooled.resolve(name);
            assertEquals("", Ffprobe.decodeErrors(file), name + " decodes cleanly");
            assertEquals(name.equals("combined.mkv") ? 4 : 2, Ffprobe.probe(file).streamCount(), name);
        }

        // In order: "sync <path>" and "unlink <path>" for what the recorder process did.
        List<String> events = Files.readAllLines(trace).stream().map(RecorderDurabilityIT::event)
                .filter(e -> !e.isEmpty()).toList();
        Path real = data.toRealPath();
        Path work = real.resolve("recording").resolve("durable-1");
        for (String name : List.of("combined.mkv", "peer.mkv", "requester.mkv", "manifest.json.part")) {
            assertTrue(events.contains("sync " + work.resolve(name)), name + " forced: " + events);
        }
        int lastFile = events.lastIndexOf("sync " + work.resolve("manifest.json.part"));
        int recordingDir = events.lastIndexOf("sync " + work);
        int spoolDir = events.lastIndexOf("sync " + real.resolve("spool"));
        assertTrue(lastFile < recordingDir && recordingDir < spoolDir,
                "the manifest, then the recording's directory, then the spool directory after the move: " + events);
        int segmentDeleted = -1;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).startsWith("unlink " + real.resolve("journal"))) {
                segmentDeleted = i;
            }
        }
        assertTrue(segmentDeleted > spoolDir, "the journal segment is deleted after all that: " + events);
    }

    private static String event(String line) {
        Matcher sync = SYNC.matcher(line);
        if (sync.find()) {
            return "sync " + sync.group(1);
        }
        Matcher unlink = UNLINK.matcher(line);
        return unlink.find() ? "unlink " + unlink.group(1) : "";
    }
}
