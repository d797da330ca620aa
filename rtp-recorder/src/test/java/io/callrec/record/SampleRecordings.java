package io.callrec.record;

import io.callrec.media.relay.Side;
import io.callrec.testing.media.Impairments;
import io.callrec.testing.media.SyncSource;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real recordings for other modules' tests: the recorder's own output, not files made to look like it. The standard
 * call of {@link RecordingScenario} (requester H.264 + PCMA, peer VP8 + Opus, ffmpeg-encoded RTP through a real
 * relay, a white flash and a 1 kHz beep together at 1 s and 3 s of the source, audio starting 300 ms after video),
 * recorded in mode {@code both}.
 */
public final class SampleRecordings {
    /** The flash/beep source of both parties (8 kHz for the requester's PCMA; the peer's is the same at 48 kHz). */
    public static final SyncSource SOURCE = RecordingScenario.SOURCE_8K;

    private SampleRecordings() {
    }

    /**
     * Records the standard call into {@code dataDir} as callrec's recorder would ({@code dataDir/spool/{id}/} when
     * finished, so a server started on {@code dataDir} stores it).
     *
     * @param portBase the first of 100 UDP ports for the relay
     * @param audio    what the network does to both parties' audio (e.g. an outage, which leaves a gap in the
     *                 recorded audio tracks); video goes through untouched
     * @return the finished recording (files and manifest in its directory)
     */
    public static FinishedRecording standardCall(Path dataDir, String recordingId, int portBase, Impairments audio)
            throws Exception {
        try (RecordingScenario call = new RecordingScenario(portBase, 7);
             Recorder recorder = new Recorder(RecorderConfig.under(dataDir), new RecordingListener() { })) {
            MediaFork fork = recorder.fork(call.session);
            RecordingSession rec = recorder.start(fork, new RecordingSpec(recordingId, RecordingMode.BOTH, Side.A,
                    "sip:alice@example.com", "sip:bob@example.com", "call-a", "call-b", false, List.of()),
                    RecordingScenario.formats());
            call.standardCall(plan -> plan.name().endsWith("audio") ? plan.with(audio) : plan);
            call.player.play();
            Thread.sleep(400);
            return rec.stop().get(30, TimeUnit.SECONDS);
        }
    }
}
