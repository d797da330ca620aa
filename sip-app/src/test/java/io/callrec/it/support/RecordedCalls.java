package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.testing.media.Ffprobe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The set-ups that several ITs share: a phone registered for its links, a call asking to be recorded (SIPp), and what
 * a stored recording of an audio and video call must hold.
 */
public final class RecordedCalls {
    /** The digest user of {@link #registerPhone}: start callrec with {@code --user sipp:sipp-secret}. */
    public static final String USER = "sipp:sipp-secret";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern STARTED = Pattern.compile("recording (r-[A-Za-z0-9_-]+) started");

    private RecordedCalls() {
    }

    /** What the two UAs of a call saw: every SIP message each sent and received. */
    public record Traces(String caller, String callee) {
    }

    /** Registers user sipp with its phone (the link's destination) at 127.0.0.1:{@code phonePort}. */
    public static void registerPhone(CallrecProcess callrec, Path dir, int phonePort) {
        try (Sipp register = Sipp.scenario("uac_register.xml").logDir(dir).remote(callrec.sipPort())
                .service("sipp").args("-au", "sipp", "-ap", "sipp-secret")
                .key("contact", "<sip:sipp@127.0.0.1:" + phonePort + ">").key("expires", "120").run()) {
            assertEquals(0, register.exitCode(), register.report() + callrec.logTail());
        }
    }

    /**
     * One call through callrec whose INVITE carries {@code Callrec-Request: both} (uac_record_request.xml), playing
     * a 2 s PCMA tone, answered by {@code calleeScenario} (with -aa and RTP echo), hung up after {@code pauseMillis}.
     */
    public static Traces requestAtSetup(CallrecProcess callrec, Path dir, String calleeScenario, long pauseMillis) {
        try (Sipp uas = Sipp.scenario(calleeScenario).args("-aa").logDir(dir)
                .mediaPort(Ports.freeEvenUdpRange(4).low()).rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_record_request.xml").logDir(dir).args("-aa")
                     .mediaPort(Ports.freeEvenUdpRange(4).low()).outboundProxy(callrec.sipPort())
                     .remote(uas.localPort()).key("record_mode", "both").pcapAudio(MediaFiles.shortG711a())
                     .pauseMillis(pauseMillis).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            return new Traces(uac.messages(), uas.messages());
        }
    }

    /** A file of the recording a link names: {@code /recordings/{id}/{name}} with the link's signature. */
    public static URI fileUrl(URI link, String name) {
        return URI.create(link.getScheme() + "://" + link.getAuthority() + link.getPath() + "/" + name + "?"
                + link.getRawQuery());
    }

    /** Downloads {@code name} of the linked recording to {@code to}; asserts a 200. */
    public static Path download(URI link, String name, Path to) throws IOException, InterruptedException {
        HttpResponse<Path> r = HTTP.send(HttpRequest.newBuilder(fileUrl(link, name)).build(),
                HttpResponse.BodyHandlers.ofFile(to));
        assertEquals(200, r.statusCode(), name);
        return to;
    }

    /** The id of the next recording callrec logs as started (its log line matching {@code startedLine}). */
    public static String startedRecordingId(CallrecProcess callrec, String startedLine) {
        return recordingIdIn(callrec.awaitLog(startedLine, Duration.ofSeconds(5)));
    }

    /** The recording id of a "recording r-… started" log line. */
    public static String recordingIdIn(String startedLine) {
        Matcher m = STARTED.matcher(startedLine);
        assertTrue(m.find(), startedLine);
        return m.group(1);
    }

    /** Asserts that the requester's and the peer's file of a stored recording each hold audio and video. */
    public static void assertAudioAndVideo(Path recording, double minSeconds) {
        for (String name : new String[] {"requester.mkv", "peer.mkv"}) {
            Ffprobe p = Ffprobe.probe(recording.resolve(name));
            String all = p.stream(0, "codec_type") + "," + (p.streamCount() > 1 ? p.stream(1, "codec_type") : "");
            assertEquals(2, p.streamCount(), name + ": audio and video: " + all);
            assertTrue(all.contains("audio") && all.contains("video"), name + ": " + all);
            assertTrue(Double.parseDouble(p.format("duration")) > minSeconds, name + " " + p.format("duration"));
        }
    }
}
