package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.Ports;
import io.callrec.it.support.RecordedCalls;
import io.callrec.it.support.Sipp;
import io.callrec.it.support.SippTrace;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Storage down (an S3 endpoint nobody answers, or a disk below the free-space floor): phones are told, allocate gets
 * storage-unavailable, calls go on.
 */
class StorageDownIT {
    private static final String DOWN = "\"type\":\"storage-status\",\"available\":false";
    private static final String UNAVAILABLE = "\"type\":\"recording-error\",\"code\":\"storage-unavailable\"";

    @Test
    void phonesHearStorageIsDownAndAllocateGetsStorageUnavailable(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = withStorageDown(dir)) {
            assertFalse(callrec.healthJson().at("/storage/available").asBoolean(true), callrec.health());
            assertAllocateGetsStorageUnavailable(callrec, dir);
        }
    }

    /**
     * {@code --storage-floor} above the disk's free space: {@code /health} says storage is unavailable and names the
     * floor, and a recording request is refused with {@code storage-unavailable}. A floor that is not a size stops
     * the start with exit code 2 and one line.
     */
    @Test
    void aFreeSpaceFloorAboveTheFreeSpaceRefusesRecordings(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        Path data = Files.createDirectories(dir.resolve("data"));
        long free = Files.getFileStore(data).getUsableSpace();
        long floorMib = (free >> 20) + 1024; // 1 GiB more than there is: other writers cannot close the gap
        try (CallrecProcess callrec = CallrecProcess.builder(dir).dataDir(data)
                .args("--storage-floor", floorMib + "MiB", "--consent", "one-party").start()) {
            JsonNode storage = callrec.healthJson().get("storage");
            assertFalse(storage.get("available").asBoolean(true), storage.toString());
            assertTrue(storage.get("reason").asText().matches("disk almost full: \\d+ MiB free, floor " + floorMib
                    + " MiB"), storage.toString());
            assertAllocateGetsStorageUnavailable(callrec, dir);
            assertTrue(callrec.logText().contains("floor " + floorMib + " MiB"), "the operator sees why in the"
                    + " log\n" + callrec.logTail());
        }
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> CallrecProcess
                .builder(dir).dataDir(data).logName("bad-floor.log").args("--storage-floor", "1 GB").start());
        assertTrue(refused.getMessage().startsWith("callrec exited with 2 "), refused.getMessage());
        assertTrue(refused.getMessage().contains(
                "callrec: error: --storage-floor: '1 GB' is not a size (e.g. 256MiB, 1GiB, 512KiB, 0)"),
                refused.getMessage());
    }

    /** A callrec-aware caller hears storage-status false, and its allocate gets recording-error storage-unavailable. */
    private static void assertAllocateGetsStorageUnavailable(CallrecProcess callrec, Path dir) throws Exception {
        try (Sipp callee = Sipp.scenario("uas_echo_callrec.xml").args("-aa").logDir(dir)
                .mediaPort(Ports.freeEvenUdpRange(4).low()).rtpEcho().start();
             Sipp caller = Sipp.scenario("uac_allocate_storage_down.xml").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(callee.localPort()).run()) {
            assertEquals(0, caller.exitCode(), caller.report() + callrec.logTail());
            assertTrue(caller.logs().contains("RECORDING_ERROR"), caller.logs());
            // Both phones knew before anyone asked: the callee (-aa answers its INFOs) as well as the caller.
            SippTrace.Message allocate = only(SippTrace.parse(caller.messages()).select(m -> !m.received()
                    && m.isRequest("INFO") && m.text().contains("\"type\":\"allocate\"")));
            SippTrace.Message calleeTold = only(SippTrace.parse(callee.messages()).select(m -> m.received()
                    && m.isRequest("INFO") && m.text().contains(DOWN)));
            assertTrue(!calleeTold.time().isAfter(allocate.time()),
                    "the callee got storage-status available=false at " + calleeTold.time()
                            + ", before the allocate at " + allocate.time());
        }
    }

    /**
     * Spec §2: a {@code Callrec-Request} while storage is down never refuses the call. It goes on unrecorded, and the
     * caller, told first that storage is down, gets {@code recording-error storage-unavailable} with retryAfter.
     */
    @Test
    void aCallrecRequestAtSetupWhileStorageIsDownLeavesTheCallUnrecordedAndTellsTheCaller(TestInfo test)
            throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = withStorageDown(dir)) {
            // The call itself (INVITE, media, BYE after 1 s, 200) passing is the "call goes on".
            RecordedCalls.Traces traces = RecordedCalls.requestAtSetup(callrec, dir, "uas_echo_callrec.xml", 1000);
            callrec.awaitLog(".*ended: BYE from caller.*", Duration.ofSeconds(5));
            SippTrace caller = SippTrace.parse(traces.caller());
            List<SippTrace.Message> infos = caller.select(m -> m.received() && m.isRequest("INFO"));
            int down = indexOf(infos, DOWN);
            int told = indexOf(infos, UNAVAILABLE);
            assertTrue(down >= 0 && told > down, "storage-status false, then the error: " + caller.summary());
            assertTrue(infos.get(told).text().matches("(?s).*\"retryAfter\":[1-9][0-9]*.*"), infos.get(told).text());
            assertTrue(traces.callee().contains(DOWN), "the callee is told as well: " + traces.callee());
            assertFalse(callrec.logText().contains(" started (mode"), callrec.logTail());
            try (Stream<Path> files = Files.walk(callrec.dataDir())) {
                assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".mkv")
                        || p.getFileName().toString().equals("manifest.json")).toList(), "nothing recorded");
            }
            assertEquals(0, callrec.healthJson().at("/limits/recordings/active").asInt(-1), callrec.health());
        }
    }

    /** callrec on S3 storage at a port nobody listens on (connections refused), consent policy one-party. */
    private static CallrecProcess withStorageDown(Path dir) throws IOException {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort(); // closed again: connections to it are refused
        }
        return CallrecProcess.builder(dir).withoutFileStorage()
                .env("AWS_ACCESS_KEY_ID", "x").env("AWS_SECRET_ACCESS_KEY", "y")
                .args("--storage", "s3://nowhere?endpoint=http://127.0.0.1:" + dead + "&region=us-east-1",
                        "--consent", "one-party").start();
    }

    private static SippTrace.Message only(List<SippTrace.Message> messages) {
        assertEquals(1, messages.size(), messages.toString());
        return messages.get(0);
    }

    private static int indexOf(List<SippTrace.Message> messages, String part) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).text().contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
