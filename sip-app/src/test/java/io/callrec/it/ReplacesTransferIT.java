package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Ports;
import io.callrec.it.support.SipProbe;
import io.callrec.it.support.SipResponse;
import io.callrec.it.support.Sipp;
import io.callrec.testing.media.Ffprobe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Spec §1 "Transfers", the REFER-and-Replaces way (RFC 3891): a recorded call between a requester R and a peer P
 * (Bob) is taken over by a new party N (Carol) whose INVITE names P's dialog in {@code Replaces}. callrec, a
 * B2BUA, substitutes the leg: re-INVITE to R with Carol's offer, 200 to Carol, BYE to Bob. R's recording pauses,
 * Carol is asked and grants, the recording resumes and goes on until R stops it; the manifest logs both grants.
 */
class ReplacesTransferIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern DIALOG = Pattern.compile(
            "REPLACES_DIALOG call-id=(\\S+) callrec-tag=(\\S+) peer-tag=(\\S+)");

    @Test
    void anInviteWithReplacesTakesThePeersPlaceAndIsAskedForConsent(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             Sipp peer = Sipp.scenario("uas_consent_replaced.xml").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).rtpEcho().start();
             Sipp requester = Sipp.scenario("uac_consent_transfer.xml").logDir(dir).key("record_mode", "both")
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(peer.localPort()).pcapAudio(MediaFiles.shortG711a()).pauseMillis(2500).start()) {
            Matcher dialog = awaitDialog(peer, requester, callrec);
            try (Sipp carol = Sipp.scenario("uac_replaces.xml").logDir(dir)
                    .key("replaces_call_id", dialog.group(1))
                    .key("replaces_to_tag", dialog.group(2)) // RFC 3891: to-tag is the recipient's (callrec's) tag
                    .key("replaces_from_tag", dialog.group(3))
                    .mediaPort(Ports.freeEvenUdpRange(4).low()).remote(callrec.sipPort())
                    .pcapAudio(MediaFiles.shortG711a()).start()) {
                assertEquals(0, requester.exitCode(), requester.report() + carol.report() + callrec.logTail());
                assertEquals(0, carol.exitCode(), carol.report() + callrec.logTail());
                assertEquals(0, peer.exitCode(), "Bob got callrec's BYE: " + peer.report() + callrec.logTail());
                assertTrue(carol.logs().contains("CONSENT_ID c-"), "Carol was asked: " + carol.logs());
            }
            callrec.awaitLog(".*the callee's dialog " + Pattern.quote(dialog.group(1)) + " is replaced by .*"
                    + "sip:carol@example.com.*", Duration.ofSeconds(5));
            callrec.awaitLog(".*callee is now sip:carol@example.com \\(p-asserted-identity\\).*", Duration.ofSeconds(5));

            Matcher m = Pattern.compile("RECORDING_URL=(\\S+)").matcher(requester.logs());
            assertTrue(m.find(), requester.logs());
            URI link = URI.create(m.group(1));
            JsonNode manifest = new ObjectMapper().readTree(HTTP.send(HttpRequest.newBuilder(link)
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString()).body());
            String consent = manifest.get("consent").toString();
            assertTrue(consent.contains("sip:bob@example.com") && consent.contains("sip:carol@example.com"),
                    "Bob's and Carol's grants are logged: " + consent);

            // The peer's recording goes on with Carol's media after the substitution.
            URI file = URI.create(link.getScheme() + "://" + link.getAuthority() + link.getPath() + "/peer.mkv?"
                    + link.getRawQuery());
            Path downloaded = dir.resolve("peer.mkv");
            assertEquals(200, HTTP.send(HttpRequest.newBuilder(file).build(),
                    HttpResponse.BodyHandlers.ofFile(downloaded)).statusCode());
            Ffprobe probe = Ffprobe.probe(downloaded);
            assertEquals("pcm_alaw", probe.stream(0, "codec_name"));
            assertTrue(Double.parseDouble(probe.format("duration")) > 1.0, probe.format("duration"));

            // RFC 3891 §3: a late Replaces naming the (replaced, and now ended) dialog finds nothing to replace.
            String late = dialog.group(1) + ";to-tag=" + dialog.group(2) + ";from-tag=" + dialog.group(3);
            assertEquals(481, answerTo(callrec, late), callrec.logTail());
            assertEquals(400, answerTo(callrec, dialog.group(1) + ";to-tag=" + dialog.group(2)),
                    "from-tag is mandatory");
        }
    }

    private static int answerTo(CallrecProcess callrec, String replaces) {
        try (SipProbe sip = SipProbe.udp(callrec.sipPort())) {
            sip.send(sip.request("INVITE").header("Replaces", replaces));
            return sip.receiveFinal(Duration.ofSeconds(5)).map(SipResponse::status).orElse(0);
        }
    }

    /** The peer logs its dialog once the recording runs: what a transferor would put in Refer-To. */
    private static Matcher awaitDialog(Sipp peer, Sipp requester, CallrecProcess callrec) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = DIALOG.matcher(peer.logs());
            if (m.find()) {
                return m;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the peer never logged its dialog: " + peer.report() + requester.report()
                + callrec.logTail());
    }
}
