package io.callrec.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExternalCommandTest {

    @Test
    void capturesExitCodeAndBothStreams() {
        CommandResult r = ExternalCommand.run(Duration.ofSeconds(10), "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, r.exitCode());
        assertEquals("out\n", r.stdout());
        assertEquals("err\n", r.stderr());
    }

    @Test
    void killsACommandThatOutlivesItsTimeout() {
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ExternalCommand.run(Duration.ofMillis(300), "sleep", "20"));
        assertTrue(e.getMessage().contains("did not finish"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5);
    }

    @Test
    void aMissingToolIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ExternalCommand.run(Duration.ofSeconds(5), "no-such-tool-callrec"));
        assertTrue(e.getMessage().contains("no-such-tool-callrec"), e.getMessage());
    }

    @Test
    void stdinIsClosed() {
        // cat would block forever on an open stdin; with /dev/null it ends at once.
        assertEquals(0, ExternalCommand.run(Duration.ofSeconds(5), "cat").exitCode());
    }

    @Test
    void tailKeepsTheEndAndMarksTheCut() {
        assertEquals("abc", ExternalCommand.tail("abc", 3));
        assertEquals("[...]cd", ExternalCommand.tail("abcd", 2));
    }
}
