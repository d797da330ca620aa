package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SippTest {

    @TempDir
    Path dir;

    @Test
    void uacCommandLineCarriesEveryOption() {
        Sipp.Builder b = Sipp.scenario("uac_pcap.xml").logDir(dir).name("uac").localPort(15090).mediaPort(17000)
                .remote(15080).outboundProxy(15060).service("bob").pcapAudio(Path.of("/x/a.pcap"))
                .pauseMillis(2500).calls(3).timeout(Duration.ofSeconds(12)).args("-max_retrans", "3");
        List<String> cmd = b.command(dir.resolve("uac_pcap.xml"));

        assertEquals(List.of("sipp", "-sf", dir.resolve("uac_pcap.xml").toString()), cmd.subList(0, 3));
        assertPair(cmd, "-i", "127.0.0.1");
        assertPair(cmd, "-p", "15090");
        assertPair(cmd, "-mi", "127.0.0.1");
        assertPair(cmd, "-mp", "17000");
        assertPair(cmd, "-m", "3");
        assertPair(cmd, "-timeout", "12s");
        assertPair(cmd, "-d", "2500");
        assertPair(cmd, "-s", "bob");
        assertPair(cmd, "-rsa", "127.0.0.1:15060");
        assertPair(cmd, "-message_file", dir.resolve("uac.messages.log").toString());
        assertPair(cmd, "-error_file", dir.resolve("uac.errors.log").toString());
        assertPair(cmd, "-log_file", dir.resolve("uac.actions.log").toString());
        assertPair(cmd, "-max_retrans", "3");
        int key = cmd.indexOf("-key");
        assertEquals(List.of("-key", "pcap_audio", "/x/a.pcap"), cmd.subList(key, key + 3));
        assertTrue(cmd.containsAll(List.of("-nostdin", "-timeout_error", "-trace_msg", "-trace_err", "-trace_logs")));
        assertEquals("127.0.0.1:15080", cmd.get(cmd.size() - 1), "the remote party comes last");
        assertEquals(-1, cmd.indexOf("-rtp_echo"));
    }

    @Test
    void uasDefaultsToFreePortsAndOneCall() {
        Sipp.Builder b = Sipp.scenario("uas_echo.xml").logDir(dir).rtpEcho().tcp();
        List<String> cmd = b.command(dir.resolve("uas_echo.xml"));
        int port = Integer.parseInt(cmd.get(cmd.indexOf("-p") + 1));
        int media = Integer.parseInt(cmd.get(cmd.indexOf("-mp") + 1));
        assertTrue(port >= Ports.LOWEST, "port " + port);
        assertEquals(0, media % 2, "media port " + media);
        assertPair(cmd, "-m", "1");
        assertPair(cmd, "-t", "t1");
        assertPair(cmd, "-message_file", dir.resolve("uas_echo.messages.log").toString());
        assertTrue(cmd.contains("-rtp_echo"));
        assertEquals(-1, cmd.indexOf("-rsa"));
    }

    @Test
    void localHostBindsSipAndMediaToAnotherLoopbackAddress() {
        List<String> cmd = Sipp.scenario("uas_echo.xml").logDir(dir).localHost("127.0.0.2")
                .command(dir.resolve("uas_echo.xml"));
        assertPair(cmd, "-i", "127.0.0.2");
        assertPair(cmd, "-mi", "127.0.0.2");
    }

    @Test
    void readsTheLastCumulativeValueOfAScreenCounter() {
        String screen = """
                  Counter Name           | Periodic value            | Cumulative value
                  Successful call        |        3                  |        7
                  Failed call            |        0                  |        0
                ------- Waiting for active calls to end.
                  Successful call        |        0                  |       50
                  Failed call            |        1                  |        2
                """;
        assertEquals(OptionalLong.of(50), Sipp.cumulative(screen, "Successful call"));
        assertEquals(OptionalLong.of(2), Sipp.cumulative(screen, "Failed call"));
        assertEquals(OptionalLong.empty(), Sipp.cumulative(screen, "Outgoing calls created"));
        assertEquals(OptionalLong.empty(), Sipp.cumulative("", "Failed call"));
    }

    @Test
    void copiesTheScenarioFromTestResourcesBesideTheLogs() throws IOException {
        Path copy = Sipp.scenario("uas_busy.xml").logDir(dir).copyScenario();
        assertEquals(dir.resolve("scenarios/uas_busy.xml"), copy);
        assertTrue(Files.readString(copy).contains("486 Busy Here"));
    }

    @Test
    void anOutOfCallScenarioIsCopiedBesideTheLogsAndPassedWithOocsf() throws IOException {
        List<String> cmd = Sipp.scenario("uac_record_request_av.xml").logDir(dir).outOfCallScenario("uas_message.xml")
                .command(dir.resolve("uac_record_request_av.xml"));
        assertPair(cmd, "-oocsf", dir.resolve("scenarios/uas_message.xml").toString());
        assertTrue(Files.readString(dir.resolve("scenarios/uas_message.xml")).contains("RECORDING_URL"));
    }

    @Test
    void copiesAScenarioFile() throws IOException {
        Path own = Files.writeString(dir.resolve("own.xml"), "<scenario name=\"own\"/>");
        Path copy = Sipp.scenarioFile(own).logDir(dir.resolve("logs")).copyScenario();
        assertEquals("<scenario name=\"own\"/>", Files.readString(copy));
    }

    @Test
    void unknownScenarioIsReported() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sipp.scenario("nope.xml").logDir(dir).copyScenario());
        assertTrue(e.getMessage().contains("/sipp/nope.xml"), e.getMessage());
    }

    @Test
    void logDirIsRequired() {
        assertThrows(IllegalStateException.class, () -> Sipp.scenario("uas_echo.xml").command(Path.of("x")));
    }

    @Test
    void timeoutCountsWholeSeconds() {
        assertThrows(IllegalArgumentException.class, () -> Sipp.scenario("uas_echo.xml").timeout(Duration.ofMillis(500)));
    }

    private static void assertPair(List<String> cmd, String flag, String value) {
        int i = cmd.indexOf(flag);
        assertTrue(i >= 0, flag + " missing in " + cmd);
        assertEquals(1, Collections.frequency(cmd, flag), flag + " repeated in " + cmd);
        assertEquals(value, cmd.get(i + 1), "value of " + flag);
    }
}
