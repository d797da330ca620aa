package io.callrec.record;

import io.callrec.atrest.AtRestKey;
import io.callrec.atrest.AtRestKeys;
import io.callrec.media.relay.Side;
import io.callrec.testing.media.Impairments;
import java.nio.file.Path;
import java.util.List;

/**
 * A process that records the standard call until it is killed: the crash test runs it in its own JVM and kills it
 * with SIGKILL in mid-recording. Prints {@code RECORDING <ids>} once the recordings run and media is about to flow.
 * Arguments: data directory, port base, and optionally an at-rest key file to record encrypted.
 */
public final class RecordingHostMain {
    private RecordingHostMain() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int portBase = Integer.parseInt(args[1]);
        RecordingScenario.captures(); // encode first, so the kill lands in the middle of the media
        try (RecordingScenario call = new RecordingScenario(portBase, 99);
             RecordingScenario second = new RecordingScenario(portBase + 200, 98);
             Recorder recorder = new Recorder(RecorderConfig.under(data).withAtRest(args.length > 2
                     ? AtRestKeys.of(AtRestKey.read(Path.of(args[2]))) : AtRestKeys.none()),
                     new RecordingListener() { })) {
            recorder.start(recorder.fork(call.session), new RecordingSpec("crash-1", RecordingMode.BOTH, Side.A,
                    "sip:alice@example.com", "sip:bob@example.com", "call-a", "call-b", false, List.of()),
                    RecordingScenario.formats());
            // A second call at the same time, in mode peer: the two share a worker's journal (one worker on two
            // cores) and must come apart again.
            recorder.start(recorder.fork(second.session), new RecordingSpec("crash-2", RecordingMode.PEER, Side.A,
                    "sip:carol@example.com", "sip:dave@example.com", "call-c", "call-d", false, List.of()),
                    RecordingScenario.formats());
            call.standardCall(Impairments.NONE);
            second.standardCall(Impairments.NONE);
            System.out.println("RECORDING crash-1 crash-2");
            System.out.flush();
            second.player.start();
            call.player.play();
            Thread.sleep(60_000); // the test kills us long before
        }
    }
}
