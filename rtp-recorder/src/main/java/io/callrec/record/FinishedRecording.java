package io.callrec.record;

import java.nio.file.Path;

/**
 * A recording whose files are complete.
 *
 * @param recordingId the id
 * @param directory   its directory in the spool (the files and manifest.json)
 * @param state       {@code complete}, or {@code interrupted} when it was rebuilt after a crash or failed
 * @param spec        what was recorded
 */
public record FinishedRecording(String recordingId, Path directory, String state, RecordingSpec spec) {
    public Path manifest() {
        return directory.resolve("manifest.json");
    }
}
