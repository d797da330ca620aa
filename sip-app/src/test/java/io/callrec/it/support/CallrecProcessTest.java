package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Drives {@link CallrecProcess} with {@link FakeCallrecServer} in a separate JVM. */
class CallrecProcessTest {

    private static List<String> fake(String... switches) {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", ItDirs.testClasses().toString(), FakeCallrecServer.class.getName()));
        cmd.addAll(List.of(switches));
        return cmd;
    }

    @Test
    void startsOnFreePortsWaitsForHealthAndStopsWithSigterm(TestInfo test) {
        Path logDir = ItDirs.logDir(test);
        CallrecProcess callrec = CallrecProcess.builder(logDir).launcher(fake()).start();
        try {
            assertTrue(callrec.health().contains("\"status\":\"up\""), callrec.health());
            assertTrue(callrec.logText().contains("accepting calls"), callrec.logTail());
            List<String> cmd = callrec.command();
            assertEquals(String.valueOf(callrec.sipPort()), cmd.get(cmd.indexOf("--sip-port") + 1));
            assertEquals(String.valueOf(callrec.httpPort()), cmd.get(cmd.indexOf("--http-port") + 1));
            assertEquals(callrec.rtpPorts().toString(), cmd.get(cmd.indexOf("--rtp-ports") + 1));
            assertEquals("127.0.0.1", cmd.get(cmd.indexOf("--sip-host") + 1));
            assertEquals("file:" + logDir.resolve("data").toAbsolutePath(), cmd.get(cmd.indexOf("--storage") + 1));
            assertTrue(Files.isDirectory(callrec.dataDir()));
            assertTrue(callrec.awaitLog("health on port \\d+", Duration.ofSeconds(1)).contains(String.valueOf(callrec.httpPort())));
        } finally {
            int exit = callrec.stop();
            // A JVM ended by SIGTERM exits with 128 + 15.
            assertEquals(143, exit, callrec.logTail());
        }
        assertFalse(callrec.isAlive());
        assertTrue(callrec.logText().contains("fake callrec: stopping"), callrec.logTail());
        assertEquals(logDir.resolve("callrec.log"), callrec.logFile());
    }

    @Test
    void sigtermReturnsAtOnceAndAwaitExitReportsTheCode(TestInfo test) {
        CallrecProcess callrec = CallrecProcess.builder(ItDirs.logDir(test)).launcher(fake()).start();
        try {
            assertEquals("up", callrec.healthJson().at("/status").asText());
            assertEquals(OptionalInt.empty(), callrec.awaitExit(Duration.ofMillis(100)), "still running");
            callrec.sigterm();
            assertEquals(OptionalInt.of(143), callrec.awaitExit(Duration.ofSeconds(10)), callrec.logTail());
        } finally {
            callrec.stop();
        }
    }

    @Test
    void extraArgsFollowTheGeneratedFlags(TestInfo test) {
        try (CallrecProcess callrec = CallrecProcess.builder(ItDirs.logDir(test)).launcher(fake())
                .withoutFileStorage().args("--consent", "one-party").start()) {
            List<String> cmd = callrec.command();
            assertEquals(List.of("--consent", "one-party"), cmd.subList(cmd.size() - 2, cmd.size()));
            assertFalse(cmd.contains("--storage"));
            assertTrue(callrec.logText().contains("--consent one-party"), callrec.logTail());
        }
    }

    @Test
    void failsFastWithTheLogWhenTheServerExits(TestInfo test) {
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CallrecProcess.builder(ItDirs.logDir(test)).launcher(fake("--exit-code", "2")).start());
        assertTrue(e.getMessage().contains("exited with 2"), e.getMessage());
        assertTrue(e.getMessage().contains("bad configuration"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "did not wait for the timeout");
    }

    @Test
    void givesUpWhenNeverHealthy(TestInfo test) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CallrecProcess.builder(ItDirs.logDir(test)).launcher(fake("--no-http"))
                        .startTimeout(Duration.ofSeconds(2)).stopTimeout(Duration.ofSeconds(5)).start());
        assertTrue(e.getMessage().contains("not 200 within PT2S"), e.getMessage());
    }

    @Test
    void killsAServerThatIgnoresSigterm(TestInfo test) {
        CallrecProcess callrec = CallrecProcess.builder(ItDirs.logDir(test)).launcher(fake("--hang-on-sigterm"))
                .stopTimeout(Duration.ofSeconds(1)).start();
        long start = System.nanoTime();
        int exit = callrec.stop();
        assertEquals(137, exit, callrec.logTail());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 8);
        assertTrue(callrec.logText().contains("ignoring SIGTERM"), callrec.logTail());
    }

    @Test
    void aMissingJarIsExplained(TestInfo test) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CallrecProcess.builder(ItDirs.logDir(test)).jar(Path.of("/nonexistent/callrec.jar")).start());
        assertTrue(e.getMessage().contains("/nonexistent/callrec.jar is missing"), e.getMessage());
    }
}
