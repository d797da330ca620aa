package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Ports;
import io.callrec.it.support.Sipp;
import io.callrec.testing.media.Ffprobe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.TestInfo;

/**
 * The structured flow of spec §2 with consent policy {@code required}: the requester asks by callrec INFO, the peer
 * grants by callrec INFO, the recording starts, the requester stops it, and the link arrives in its dialog.
 */
class ConsentFlowIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Mode {@code both} records each party and the combined file; mode {@code peer} only the peer. */
    @ParameterizedTest
    @ValueSource(strings = {"both", "peer"})
    void consentGrantedByInfoRecordsUntilStopAndTheLinkArrivesInTheDialog(String mode, TestInfo test)
            throws Exception {
        Path dir = ItDirs.logDir(test);
        MediaFiles.alaw(dir.resolve("tone.alaw"), Duration.ofSeconds(7)); // SIPp runs in dir: the requester's audio
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             Sipp peer = Sipp.scenario("uas_consent_grant.xml").logDir(dir).mediaPort(Ports.freeEvenUdpRange(4).low())
                     .rtpEcho().start();
             Sipp requester = Sipp.scenario("uac_consent.xml").logDir(dir).key("record_mode", mode)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(peer.localPort()).pcapVideo(MediaFiles.h264Video())
                     .pauseMillis(2500).run()) {
            assertEquals(0, requester.exitCode(), requester.report() + callrec.logTail());
            assertEquals(0, peer.finish(), peer.report() + callrec.logTail());
            String log = requester.logs();
            Matcher m = Pattern.compile("RECORDING_URL=(\\S+)").matcher(log);
            assertTrue(m.find(), log);
            URI link = URI.create(m.group(1));
            assertTrue(peer.logs().contains("CONSENT_ID c-"), peer.logs());

            JsonNode manifest = new ObjectMapper().readTree(HTTP.send(HttpRequest.newBuilder(link)
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString()).body());
            assertEquals(mode, manifest.get("mode").asText());
            Set<String> files = new TreeSet<>();
            manifest.get("files").forEach(f -> files.add(f.get("name").asText()));
            Set<String> expected = mode.equals("both") ? Set.of("requester.mkv", "peer.mkv", "combined.mkv")
                    : Set.of("peer.mkv");
            assertEquals(new TreeSet<>(expected), files.stream().filter(f -> f.endsWith(".mkv"))
                    .collect(Collectors.toCollection(TreeSet::new)), manifest.toString());
            JsonNode consent = manifest.get("consent");
            assertTrue(consent.size() >= 1, manifest.toString());
            assertTrue(consent.toString().contains("granted") && consent.toString().contains("info"),
                    "the peer's INFO grant is in the manifest: " + consent);
            String audit = Files.readString(callrec.dataDir().resolve("consent.log"));
            assertTrue(audit.contains("granted"), audit);

            for (String name : expected) {
                URI file = URI.create(link.getScheme() + "://" + link.getAuthority() + link.getPath() + "/" + name
                        + "?" + link.getRawQuery());
                Path downloaded = dir.resolve(name);
                assertEquals(200, HTTP.send(HttpRequest.newBuilder(file).build(),
                        HttpResponse.BodyHandlers.ofFile(downloaded)).statusCode());
                Ffprobe probe = Ffprobe.probe(downloaded);
                Set<String> codecs = new TreeSet<>();
                for (int i = 0; i < probe.streamCount(); i++) {
                    codecs.add(probe.stream(i, "codec_name"));
                }
                assertEquals(Set.of("pcm_alaw", "h264"), codecs, name + ": the party's audio and video");
                assertTrue(Double.parseDouble(probe.format("duration")) > 1.0, name + " " + probe.format("duration"));
                assertEquals("", Ffprobe.decodeErrors(downloaded), name);
            }
        }
    }

    /**
     * Spec §2: a transfer to a new party pauses the recording and asks the new party. The PBX in front of the callee
     * names Carol in a re-INVITE (P-Asserted-Identity, believed from a trusted peer); Carol grants and the recording
     * goes on; the manifest's consent log holds both grants, Carol's with its identity source.
     */
    @Test
    void aTransferToANewPartyPausesTheRecordingUntilTheNewPartyConsents(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             Sipp pbx = Sipp.scenario("uas_transfer_pai.xml").logDir(dir).mediaPort(Ports.freeEvenUdpRange(4).low())
                     .rtpEcho().pauseMillis(1500).start();
             Sipp requester = Sipp.scenario("uac_consent_transfer.xml").logDir(dir).key("record_mode", "both")
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(pbx.localPort()).pcapAudio(MediaFiles.shortG711a()).pauseMillis(1500).run()) {
            assertEquals(0, requester.exitCode(), requester.report() + pbx.report() + callrec.logTail());
            assertEquals(0, pbx.finish(), pbx.report() + callrec.logTail());
            assertTrue(pbx.logs().contains("CONSENT_ID_2 c-"), "the new party was asked: " + pbx.logs());
            callrec.awaitLog(".*callee is now sip:carol@example.com \\(p-asserted-identity\\).*",
                    Duration.ofSeconds(5));
            Matcher m = Pattern.compile("RECORDING_URL=(\\S+)").matcher(requester.logs());
            assertTrue(m.find(), requester.logs());
            JsonNode manifest = new ObjectMapper().readTree(HTTP.send(HttpRequest.newBuilder(URI.create(m.group(1)))
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString()).body());
            String consent = manifest.get("consent").toString();
            assertTrue(consent.contains("sip:bob@example.com") && consent.contains("sip:carol@example.com"),
                    "both the first and the new party's grants are logged: " + consent);
            assertTrue(consent.contains("p-asserted-identity"), consent);
        }
    }

    @Test
    void aDeclinedConsentRecordsNothingAndTellsTheRequester(TestInfo test) throws Exception {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
             Sipp peer = Sipp.scenario("uas_consent_decline.xml").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).start();
             Sipp requester = Sipp.scenario("uac_consent_declined.xml").logDir(dir)
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(peer.localPort()).run()) {
            assertEquals(0, requester.exitCode(), requester.report() + callrec.logTail());
            assertEquals(0, peer.finish(), peer.report() + callrec.logTail());
            callrec.awaitLog(".*ended: BYE from caller.*", Duration.ofSeconds(5));
            for (String sub : new String[] {"recording", "spool", "recordings"}) {
                Path d = callrec.dataDir().resolve(sub);
                if (Files.isDirectory(d)) {
                    try (var entries = Files.list(d)) {
                        assertTrue(entries.findAny().isEmpty(), "nothing recorded in " + d);
                    }
                }
            }
            String audit = Files.readString(callrec.dataDir().resolve("consent.log"));
            assertTrue(audit.contains("declined"), "a declined consent leaves its audit entry: " + audit);
        }
    }
}
