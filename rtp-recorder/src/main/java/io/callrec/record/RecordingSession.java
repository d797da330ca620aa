package io.callrec.record;

import java.util.concurrent.CompletableFuture;

/** The control layer's handle on one running recording. Methods are thread-safe and return at once. */
public final class RecordingSession {
    /** As reported in recording-state. */
    public enum State { RECORDING, PAUSED, STOPPED }

    private final Recorder recorder;
    private final ActiveRecording recording;
    private final CompletableFuture<FinishedRecording> finished = new CompletableFuture<>();
    private volatile State state = State.RECORDING;

    RecordingSession(Recorder recorder, ActiveRecording recording) {
        this.recorder = recorder;
        this.recording = recording;
    }

    public String recordingId() {
        return recording.spec.recordingId();
    }

    public RecordingSpec spec() {
        return recording.spec;
    }

    public State state() {
        return state;
    }

    /** Media during a pause is not written (raw capture included); the timeline keeps the gap. */
    public void pause() {
        if (state == State.RECORDING) {
            state = State.PAUSED;
            recorder.pause(recording);
        }
    }

    public void resume() {
        if (state == State.PAUSED) {
            state = State.RECORDING;
            recorder.resume(recording);
        }
    }

    /** The call's SDP changed (re-INVITE): new payload types apply from now on. */
    public void updateFormats(MediaFormats formats) {
        if (state != State.STOPPED) {
            recorder.updateFormats(recording, formats);
        }
    }

    /** A consent decision made after the start (e.g. a withdrawal) that this recording's manifest must carry. */
    public void addConsent(java.util.Map<String, Object> entry) {
        if (state != State.STOPPED) {
            recorder.addConsent(recording, entry);
        }
    }

    /** Ends the recording; what was received is written and delivered. Idempotent. */
    public CompletableFuture<FinishedRecording> stop() {
        if (state != State.STOPPED) {
            state = State.STOPPED;
            recorder.stop(recording, finished);
        }
        return finished;
    }

    /** Completes when the files are in the spool. */
    public CompletableFuture<FinishedRecording> finished() {
        return finished;
    }

    ActiveRecording active() {
        return recording;
    }

    void markStopped() {
        state = State.STOPPED;
    }
}
