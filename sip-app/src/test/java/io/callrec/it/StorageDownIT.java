package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.Ports;
import io.callrec.it.support.Sipp;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Storage down (an S3 endpoint nobody answers): phones are told, allocate gets storage-unavailable, calls go on. */
class StorageDownIT {

    @Test
    void phonesHearStorageIsDownAndAllocateGetsStorageUnavailable(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort(); // closed again: connections to it are refused
        }
        try (CallrecProcess callrec = CallrecProcess.builder(dir).withoutFileStorage()
                .env("AWS_ACCESS_KEY_ID", "x").env("AWS_SECRET_ACCESS_KEY", "y")
                .args("--storage", "s3://nowhere?endpoint=http://127.0.0.1:" + dead + "&region=us-east-1",
                        "--consent", "one-party").start()) {
            assertFalse(callrec.healthJson().at("/storage/available").asBoolean(true), callrec.health());
            try (Sipp callee = Sipp.scenario("uas_echo_callrec.xml").args("-aa").logDir(dir)
                    .mediaPort(Ports.freeEvenUdpRange(4).low()).rtpEcho().start();
                 Sipp caller = Sipp.scenario("uac_allocate_storage_down.xml").logDir(dir)
                         .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                         .remote(callee.localPort()).run()) {
                assertEquals(0, caller.exitCode(), caller.report() + callrec.logTail());
                assertTrue(caller.logs().contains("RECORDING_ERROR"), caller.logs());
            }
        }
    }
}
