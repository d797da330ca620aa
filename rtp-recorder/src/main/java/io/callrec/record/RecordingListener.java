package io.callrec.record;

/** Events of the recorder; called on recorder threads, must not block for long. */
public interface RecordingListener {
    /** The fork is running. */
    default void onStarted(RecordingSession session) {
    }

    /**
     * A recording failed or is losing media while going on. {@code code} is one of the spec's recording-error codes
     * ({@code disk-full}, {@code recorder-overload}, {@code internal}).
     */
    default void onError(String recordingId, String code, String message) {
    }

    /** The files and the manifest are complete and in the spool directory, ready for upload. */
    default void onFinished(FinishedRecording recording) {
    }
}
