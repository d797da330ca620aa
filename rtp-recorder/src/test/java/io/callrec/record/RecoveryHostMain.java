package io.callrec.record;

import java.nio.file.Path;

/**
 * A start-up that only recovers: what the server does first thing with the recorder. {@link RecorderRecoveryIT}
 * runs it in its own JVM, with fewer privileges than the test. Prints {@code RECOVERED <id>} per rebuilt recording;
 * the recorder's log goes to stdout.
 */
public final class RecoveryHostMain {
    private RecoveryHostMain() {
    }

    public static void main(String[] args) throws Exception {
        try (Recorder recorder = new Recorder(RecorderConfig.under(Path.of(args[0])), new RecordingListener() { })) {
            for (FinishedRecording f : recorder.recover()) {
                System.out.println("RECOVERED " + f.recordingId());
            }
        }
    }
}
