package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Ports;
import io.callrec.it.support.Sipp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The limits other than rate (FloodIT): the digest lockout and the cap on concurrent recordings, through the real
 * server.
 */
class LimitsIT {

    @Test
    void aSourceThatGuessesFiveTimesIsLockedOutAndEvenTheRightPasswordIsRefused(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).args("--user", "alice:alice-secret").start()) {
            // Five guesses from 127.0.0.1 for a user that does not exist: 401, then 403, each.
            try (Sipp guesses = Sipp.scenario("uac_register_forbidden.xml").name("guesses").logDir(dir)
                    .remote(callrec.sipPort()).service("mallory").args("-au", "mallory", "-ap", "guess").calls(5)
                    .key("contact", "<sip:mallory@127.0.0.1:" + Ports.freeUdpTcpPort() + ">").run()) {
                assertEquals(0, guesses.exitCode(), guesses.report() + callrec.logTail());
            }
            callrec.awaitLog(".*digest lockout: source 127.0.0.1 locked out for 300 s after 5 failed"
                    + " authentications within 60 s.*", Duration.ofSeconds(5));
            // alice's right password from the locked source: refused as if it were wrong, without being checked.
            try (Sipp locked = Sipp.scenario("uac_register_forbidden.xml").name("locked").logDir(dir)
                    .remote(callrec.sipPort()).service("alice").args("-au", "alice", "-ap", "alice-secret")
                    .key("contact", "<sip:alice@127.0.0.1:" + Ports.freeUdpTcpPort() + ">").run()) {
                assertEquals(0, locked.exitCode(), "401, then 403 for the right password\n" + locked.report()
                        + callrec.logTail());
            }
            // From another address alice registers as usual: the lock is the guesser's, not alice's.
            try (Sipp elsewhere = Sipp.scenario("uac_register_digest.xml").name("elsewhere").logDir(dir)
                    .localHost("127.0.0.3").remote("127.0.0.1:" + callrec.sipPort()).service("alice").run()) {
                assertEquals(0, elsewhere.exitCode(), elsewhere.report() + callrec.logTail());
            }
            JsonNode lockout = callrec.healthJson().at("/limits/authLockout");
            assertEquals(5, lockout.get("failures").asLong(), lockout.toString());
            assertEquals(1, lockout.get("lockedSources").asInt(), lockout.toString());
            assertEquals(0, lockout.get("lockedUsers").asInt(), "mallory is no user, so only the source counts");
            assertEquals(1, lockout.get("refusedWhileLocked").asLong(), lockout.toString());
            assertEquals(1, callrec.healthJson().get("registrations").asInt());
        }
    }

    @Test
    void aRecordingBeyondMaxRecordingsIsAnsweredLimitReachedAndTheCallGoesOn(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir)
                .args("--consent", "one-party", "--max-recordings", "1").start();
             Sipp callee = Sipp.scenario("uas_echo_callrec.xml").args("-aa").logDir(dir).rtpEcho().calls(2).start();
             Sipp callers = Sipp.scenario("uac_record_request.xml").args("-aa", "-l", "2", "-r", "10").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(12).low()).outboundProxy(callrec.sipPort())
                     .remote(callee.localPort()).key("record_mode", "both").pcapAudio(MediaFiles.shortG711a())
                     .pauseMillis(3000).calls(2).run()) {
            assertEquals(0, callers.exitCode(), callers.report() + callrec.logTail());
            assertEquals(OptionalLong.of(2), callers.cumulative("Successful call"), "both calls went through");
            callrec.awaitLog(".*recording not started: limit-reached: already 1 recordings running, the most allowed.*",
                    Duration.ofSeconds(5));
            // The requester hears it in the callrec info package (spec: recording-error code limit-reached).
            String traced = callers.messages().replaceAll("\\s+", "");
            assertTrue(traced.contains("\"type\":\"recording-error\"") && traced.contains("\"code\":\"limit-reached\""),
                    callers.messages());
            String finished = callrec.awaitLog(".*recording (r-\\S+) finished.*", Duration.ofSeconds(10));
            callrec.awaitLog(".*" + finished.replaceAll(".*recording (r-\\S+) finished.*", "$1") + ".*stored.*",
                    Duration.ofSeconds(10));
            assertEquals(1, countStored(callrec), "one recording: the one under the limit");
            JsonNode recordings = callrec.healthJson().at("/limits/recordings");
            assertEquals(1, recordings.get("max").asInt(), recordings.toString());
            assertEquals(0, recordings.get("active").asInt(), recordings.toString());
        }
    }

    private static long countStored(CallrecProcess callrec) throws Exception {
        Path stored = callrec.dataDir().resolve("recordings");
        if (!Files.isDirectory(stored)) {
            return 0;
        }
        try (var entries = Files.list(stored)) {
            return entries.count();
        }
    }
}
