package io.callrec.record;

import io.callrec.atrest.AtRestKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * @param workDirectory   recordings in progress (journal and files), one directory each
 * @param spoolDirectory  finished recordings are moved here (atomically) for upload
 * @param workers         recorder worker threads (each serves many recordings)
 * @param queueBytes      per recording, the hand-over buffer between relay threads and its worker
 * @param maxRecordings   concurrent recordings; beyond, start fails with limit-reached
 * @param journalSync     how often the journal is forced to disk (crash loses at most this much)
 * @param atRest          encryption at rest: with a current key, every file of a recording (journal, Matroska files,
 *                        pcaps, manifest) is written encrypted; any of the keys reads an encrypted journal back
 */
public record RecorderConfig(Path workDirectory, Path spoolDirectory, int workers, int queueBytes, int maxRecordings,
                             Duration journalSync, AtRestKeys atRest) {
    public RecorderConfig {
        Objects.requireNonNull(workDirectory, "workDirectory");
        Objects.requireNonNull(atRest, "atRest");
        Objects.requireNonNull(spoolDirectory, "spoolDirectory");
        Objects.requireNonNull(journalSync, "journalSync");
        if (workers < 1) {
            throw new IllegalArgumentException("workers " + workers + " must be at least 1");
        }
        if (queueBytes < 16 * 1024) {
            throw new IllegalArgumentException("queue of " + queueBytes + " bytes is below 16 KiB");
        }
        if (maxRecordings < 1) {
            throw new IllegalArgumentException("max recordings " + maxRecordings + " must be at least 1");
        }
    }

    /** Files written in plain. */
    public RecorderConfig(Path workDirectory, Path spoolDirectory, int workers, int queueBytes, int maxRecordings,
                          Duration journalSync) {
        this(workDirectory, spoolDirectory, workers, queueBytes, maxRecordings, journalSync, AtRestKeys.none());
    }

    /** Below a data directory: {@code recording/} and {@code spool/}; files written in plain. */
    public static RecorderConfig under(Path dataDirectory) {
        return new RecorderConfig(dataDirectory.resolve("recording"), dataDirectory.resolve("spool"),
                Math.max(1, Runtime.getRuntime().availableProcessors() / 2), 512 * 1024, 1000,
                Duration.ofSeconds(1));
    }

    /** The recorder workers' journal segments: {@code journal/} next to the work directory. */
    public Path journalDirectory() {
        return workDirectory.resolveSibling("journal");
    }

    public RecorderConfig withAtRest(AtRestKeys keys) {
        return new RecorderConfig(workDirectory, spoolDirectory, workers, queueBytes, maxRecordings, journalSync,
                keys);
    }
}
