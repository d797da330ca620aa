package io.callrec.record;

import io.callrec.media.relay.Side;
import io.callrec.testing.media.Impairments;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process that records the standard call to the end and exits: the durability test runs it in its own JVM under
 * strace to see what reaches the disk when. Prints {@code FINISHED <directory>}. Arguments: data directory, port base.
 */
public final class FinishHostMain {
    private FinishHostMain() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int portBase = Integer.parseInt(args[1]);
        RecordingScenario.captures();
        try (RecordingScenario call = new RecordingScenario(portBase, 97);
             Recorder recorder = new Recorder(RecorderConfig.under(data), new RecordingListener() { })) {
            RecordingSession rec = recorder.start(recorder.fork(call.session), new RecordingSpec("durable-1",
                    RecordingMode.BOTH, Side.A, "sip:alice@example.com", "sip:bob@example.com", "call-a", "call-b",
                    false, List.of()), RecordingScenario.formats());
            call.standardCall(Impairments.NONE);
            call.player.play();
            Thread.sleep(400);
            FinishedRecording done = rec.stop().get(30, TimeUnit.SECONDS);
            System.out.println("FINISHED " + done.directory());
        }
    }
}
