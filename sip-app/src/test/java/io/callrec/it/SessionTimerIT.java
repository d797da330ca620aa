package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.Sipp;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * RFC 4028 on a leg whose UA does not refresh: the caller asked for no session timer, so callrec asks the
 * callee for one (90 s, the smallest RFC 4028 allows) and refreshes leg B itself at half the interval. Slow by
 * nature: the refresh comes 45 s into the call.
 */
class SessionTimerIT {

    @Test
    void theServerRefreshesTheCalleesLegWhenNoUaDoes(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).args("--session-expires", "90s").start();
             Sipp uas = Sipp.scenario("uas_session_refresh.xml").logDir(dir).timeout(Duration.ofSeconds(90)).start();
             Sipp uac = Sipp.builtin("uac").logDir(dir).outboundProxy(callrec.sipPort()).remote(uas.localPort())
                     .pauseMillis(50_000).timeout(Duration.ofSeconds(90)).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), "the callee got a refresh re-INVITE and the BYE\n" + uas.report()
                    + callrec.logTail());
            assertTrue(uas.logs().contains("REFRESH_SE=90;refresher=uac"), uas.logs());
            assertTrue(uas.messages().contains("Session-Expires: 90;refresher=uac"), "the first INVITE asks for it");
            // The caller asked for no timer, so it is not told about leg B's.
            assertFalse(uac.messages().contains("Session-Expires"), uac.messages());
        }
    }
}
