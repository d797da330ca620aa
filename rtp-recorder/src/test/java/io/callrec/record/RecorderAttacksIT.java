package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.media.relay.RecordingTap;
import io.callrec.media.relay.RelayStream;
import io.callrec.media.relay.Side;
import io.callrec.media.rtp.NtpTime;
import io.callrec.media.rtp.RtcpPackets;
import io.callrec.testing.media.Ffprobe;
import io.callrec.testing.media.Impairments;
import io.callrec.testing.media.PlayReport;
import io.callrec.testing.media.RtpPlayer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the media path of a recorded call (the standard call: H.264 + PCMA from the requester, VP8 + Opus from
 * the peer): RTP bleed from strangers, another call's SSRC, forged Sender Reports and BYEs. The recording must hold
 * exactly what the parties sent, in lip sync, and go on to the end.
 */
class RecorderAttacksIT {
    private static final byte[] CNAME = "attacker".getBytes(StandardCharsets.US_ASCII);
    /** One stream of the standard call: its name in the play report, its m-line, the party sending it. */
    private record Sent(String name, int stream, String party) {
        String kind() {
            return name.substring(name.indexOf('-') + 1);
        }
    }

    private static final List<Sent> STREAMS = List.of(new Sent("requester-video", 1, "requester"),
            new Sent("requester-audio", 0, "requester"), new Sent("peer-video", 1, "peer"),
            new Sent("peer-audio", 0, "peer"));

    @TempDir
    Path data;

    /** The SSRC and the newest RTP timestamp of one stream from one side, as seen on the wire. */
    private record Seen(int ssrc, long timestamp) {
    }

    /** The recorder's tap with an eye on the wire, as an attacker on the path would have. */
    private static final class WireWatch implements RecordingTap {
        private final RecordingTap recorder;
        private final Map<String, Seen> seen = new ConcurrentHashMap<>();

        WireWatch(RecordingTap recorder) {
            this.recorder = recorder;
        }

        @Override
        public void onPacket(RelayStream stream, Side from, boolean rtcp, ByteBuffer packet, long receivedNanos) {
            if (!rtcp) {
                int p = packet.position();
                seen.put(stream.index() + "/" + from, new Seen(packet.getInt(p + 8),
                        packet.getInt(p + 4) & 0xffffffffL));
            }
            recorder.onPacket(stream, from, rtcp, packet, receivedNanos);
        }

        /** What {@code side} sends on m-line {@code stream}, once it has sent. */
        Seen await(int stream, Side side) throws InterruptedException {
            for (int i = 0; i < 500; i++) {
                Seen s = seen.get(stream + "/" + side);
                if (s != null) {
                    return s;
                }
                Thread.sleep(10);
            }
            throw new AssertionError("nothing from " + side + " on m-line " + stream + " within 5 s");
        }
    }

    private static RecordingSpec spec(String id) {
        return new RecordingSpec(id, RecordingMode.BOTH, Side.A, "sip:alice@example.com", "sip:bob@example.com",
                "call-a", "call-b", false, List.of());
    }

    private static long nowMicros() {
        return System.currentTimeMillis() * 1000L;
    }

    private static ByteBuffer senderReport(int ssrc, long ntpUnixMicros, long rtpTimestamp) {
        ByteBuffer b = ByteBuffer.allocate(128);
        RtcpPackets.writeSenderReport(b, ssrc, NtpTime.fromUnixMicros(ntpUnixMicros), rtpTimestamp, 1, 160, CNAME);
        return b.flip();
    }

    private static ByteBuffer bye(int ssrc) {
        ByteBuffer b = ByteBuffer.allocate(128);
        RtcpPackets.writeReceiverReport(b, ssrc, CNAME);
        RtcpPackets.writeBye(b, ssrc);
        return b.flip();
    }

    /** 20 ms of PCMA silence (0xd5). */
    private static ByteBuffer pcmaSilence(int seq, long timestamp, int ssrc) {
        ByteBuffer b = ByteBuffer.allocate(12 + 160);
        b.put((byte) 0x80).put((byte) 8).putShort((short) seq).putInt((int) timestamp).putInt(ssrc);
        byte[] silence = new byte[160];
        Arrays.fill(silence, (byte) 0xd5);
        return b.put(silence).flip();
    }

    private static DatagramChannel stranger(String address) throws IOException {
        DatagramChannel c = DatagramChannel.open();
        c.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
        c.bind(new InetSocketAddress(address, 0));
        return c;
    }

    private static void awaitLatched(RecordingScenario call) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            boolean all = true;
            for (RelayStream s : List.of(call.audio, call.video)) {
                for (Side side : Side.values()) {
                    all &= s.latchedSource(side).isPresent() && s.latchedRtcpSource(side).isPresent();
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the parties' RTP and RTCP sources did not latch within 5 s");
    }

    private static long droppedStranger(RecordingScenario call) {
        long n = 0;
        for (RelayStream s : List.of(call.audio, call.video)) {
            for (Side side : Side.values()) {
                n += s.counters(side).droppedStranger();
            }
        }
        return n;
    }

    /**
     * What the recording must be whatever came on top of the call: per stream, exactly the packets the player sent
     * (no more: nothing of a stranger's), only its SSRCs (plus {@code extraSsrcs} where an attacker's SSRC is
     * expected), each track going on to where its media ends, every file decoding cleanly and in lip sync.
     */
    private static void assertRecordingIsTheCall(JsonNode manifest, Path dir, PlayReport report,
                                                 Map<String, Set<Long>> extraSsrcs, StringBuilder figures) {
        long start = SentMedia.startedAtMicros(manifest);
        for (Sent s : STREAMS) {
            String name = s.name();
            String party = s.party();
            PlayReport.StreamReport sent = report.stream(name);
            Set<Long> ssrcs = new HashSet<>();
            sent.ssrcs().forEach(span -> ssrcs.add(span.ssrc() & 0xffffffffL));
            long packets = 0;
            for (JsonNode source : manifest.get("sources")) {
                if (source.get("party").asText().equals(party) && source.get("stream").asInt() == s.stream()) {
                    long ssrc = source.get("ssrc").asLong();
                    if (ssrcs.contains(ssrc)) {
                        packets += source.get("packets").asLong();
                    } else {
                        assertTrue(extraSsrcs.getOrDefault(name, Set.of()).contains(ssrc),
                                name + ": a source nobody of this call sent: " + source);
                    }
                }
            }
            assertEquals(sent.datagramsSent(), packets, name + ": the recorded packets are the ones sent");
            for (JsonNode track : manifest.get("tracks")) {
                if (track.get("party").asText().equals(party) && track.get("kind").asText().equals(s.kind())) {
                    double end = track.get("endMs").asDouble();
                    double expected = SentMedia.span(sent, start).to() * 1000;
                    figures.append(String.format(Locale.ROOT, "  %-15s %d packets, track ends at %.0f ms "
                            + "(media ends at %.0f ms)%n", name, packets, end, expected));
                    assertEquals(expected, end, 300, name + ": the track goes on to the end of its media");
                }
            }
        }
        for (String file : List.of("requester.mkv", "peer.mkv", "combined.mkv")) {
            assertEquals("", Ffprobe.decodeErrors(dir.resolve(file)), file + " decodes cleanly");
        }
        double worst = RecordingScenario.worstLipSyncMillis(dir, figures);
        assertTrue(worst <= 20, "worst A/V offset " + worst + " ms > 20 ms:\n" + figures);
    }

    /**
     * Strangers (another port of the parties' host, and 127.0.0.5) flood every relay port of the call with RTP
     * carrying the requester's own SSRC, forged Sender Reports and BYEs; the requester's own RTCP address sends a
     * Sender Report that moves its video 2 s, and a BYE in mid-call.
     */
    @Test
    void strangersForgedSenderReportsAndByesLeaveTheRecordingAsTheCallWas() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        try (RecordingScenario call = new RecordingScenario(27600, 11);
             Recorder recorder = new Recorder(RecorderConfig.under(data), new RecordingListener() {
                 @Override
                 public void onError(String id, String code, String message) {
                     errors.add(code + ": " + message);
                 }
             });
             DatagramChannel sameHost = stranger("127.0.0.1");
             DatagramChannel otherHost = stranger("127.0.0.5")) {
            MediaFork fork = recorder.fork(call.session);
            WireWatch wire = new WireWatch(fork);
            call.session.setTap(wire);
            RecordingSession rec = recorder.start(fork, spec("attacked"), RecordingScenario.formats());
            call.standardCall(Impairments.NONE);
            CompletableFuture<PlayReport> playing = call.player.start();

            // The requester's video has just started: its first SR was sent before its first packet.
            Seen video = wire.await(1, Side.A);
            RtpPlayer.Stream requesterVideo = call.streams.get(0);
            requesterVideo.sendRtcp(senderReport(video.ssrc(), nowMicros() + 2_000_000, video.timestamp()));

            awaitLatched(call);
            int audioSsrc = wire.await(0, Side.A).ssrc();
            List<InetSocketAddress> rtpPorts = new ArrayList<>();
            List<InetSocketAddress> rtcpPorts = new ArrayList<>();
            for (RelayStream s : List.of(call.audio, call.video)) {
                for (Side side : Side.values()) {
                    rtpPorts.add(s.localRtp(side));
                    rtcpPorts.add(s.localRtcp(side));
                }
            }
            int strangerSent = 0;
            long mid = System.nanoTime() + 1_000_000_000L;
            boolean byeSent = false;
            for (int round = 0; round < 100; round++) { // 2 s
                for (DatagramChannel from : List.of(sameHost, otherHost)) {
                    for (InetSocketAddress to : rtpPorts) {
                        from.send(pcmaSilence(round, round * 160L, audioSsrc), to);
                        strangerSent++;
                    }
                    for (InetSocketAddress to : rtcpPorts) {
                        from.send(round % 2 == 0 ? senderReport(audioSsrc, nowMicros() + 5_000_000, round * 160L)
                                : bye(audioSsrc), to);
                        strangerSent++;
                    }
                }
                if (!byeSent && System.nanoTime() - mid > 0) {
                    call.streams.get(1).sendRtcp(bye(audioSsrc)); // from the requester's own RTCP address
                    byeSent = true;
                }
                Thread.sleep(20);
            }
            assertTrue(byeSent);
            PlayReport report = playing.get(30, TimeUnit.SECONDS);
            Thread.sleep(400);
            assertFalse(call.session.isClosed(), "a BYE does not end the call");
            assertEquals(RecordingSession.State.RECORDING, rec.state(), "nor the recording");
            FinishedRecording done = rec.stop().get(30, TimeUnit.SECONDS);
            assertEquals("complete", done.state());
            assertEquals(List.of(), errors);

            StringBuilder figures = new StringBuilder();
            figures.append(String.format(Locale.ROOT, "stranger datagrams sent %d, relay counted %d as strangers, "
                    + "relay totals %s%n", strangerSent, droppedStranger(call), call.relay.totals()));
            JsonNode manifest = Manifest.JSON.readTree(done.manifest().toFile());
            try {
                assertEquals(strangerSent, droppedStranger(call), "every stranger datagram dropped at the relay");
                assertRecordingIsTheCall(manifest, done.directory(), report, Map.of(), figures);
                JsonNode videoSource = null;
                for (JsonNode source : manifest.get("sources")) {
                    if (source.get("ssrc").asLong() == (video.ssrc() & 0xffffffffL)) {
                        videoSource = source;
                    }
                }
                assertEquals("rtcp-sr", videoSource.get("sync").asText(), videoSource.toString());
                assertEquals(1, videoSource.path("senderReportsIgnored").asInt(), "the forged SR: " + videoSource);
            } finally {
                System.out.print(figures);
            }
        }
    }

    /**
     * Two recorded calls. Call B's requester sends, from its own latched address, 25 packets with call A's requester
     * audio SSRC and a Sender Report that places them 5 s off; a stranger sends packets with that SSRC to call A's
     * port. Call A's recording holds none of it; in call B they are B's packets, an SSRC change placed by arrival.
     */
    @Test
    void anotherCallsSsrcStaysOutOfThatCallsRecordingAndCannotMoveThisCallsTimeline() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        try (RecordingScenario callA = new RecordingScenario(27600, 21);
             RecordingScenario callB = new RecordingScenario(27800, 22);
             Recorder recorder = new Recorder(RecorderConfig.under(data), new RecordingListener() {
                 @Override
                 public void onError(String id, String code, String message) {
                     errors.add(code + ": " + message);
                 }
             });
             DatagramChannel strangerSocket = stranger("127.0.0.5")) {
            MediaFork forkA = recorder.fork(callA.session);
            WireWatch wireA = new WireWatch(forkA);
            callA.session.setTap(wireA);
            RecordingSession recA = recorder.start(forkA, spec("call-a"), RecordingScenario.formats());
            RecordingSession recB = recorder.start(recorder.fork(callB.session), spec("call-b"),
                    RecordingScenario.formats());
            callA.standardCall(Impairments.NONE);
            callB.standardCall(Impairments.NONE);
            CompletableFuture<PlayReport> playingA = callA.player.start();
            CompletableFuture<PlayReport> playingB = callB.player.start();
            awaitLatched(callA);
            awaitLatched(callB);
            Thread.sleep(1100); // between the beeps, so silence lands in silence
            int ssrcOfA = wireA.await(0, Side.A).ssrc();
            RtpPlayer.Stream requesterAudioOfB = callB.streams.get(1);
            requesterAudioOfB.sendRtcp(senderReport(ssrcOfA, nowMicros() + 5_000_000, 40_000));
            for (int i = 0; i < 25; i++) {
                requesterAudioOfB.sendRtp(pcmaSilence(3000 + i, 40_000 + i * 160L, ssrcOfA));
                strangerSocket.send(pcmaSilence(5000 + i, 90_000 + i * 160L, ssrcOfA), callA.audio.localRtp(Side.A));
                Thread.sleep(20);
            }
            PlayReport reportA = playingA.get(30, TimeUnit.SECONDS);
            PlayReport reportB = playingB.get(30, TimeUnit.SECONDS);
            Thread.sleep(400);
            FinishedRecording doneA = recA.stop().get(30, TimeUnit.SECONDS);
            FinishedRecording doneB = recB.stop().get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), errors);

            StringBuilder figures = new StringBuilder();
            long changesB = callB.audio.counters(Side.A).ssrcChanges();
            figures.append(String.format(Locale.ROOT, "call A: strangers dropped %d; call B: requester audio SSRC "
                    + "changes %d%n", callA.audio.counters(Side.A).droppedStranger(), changesB));
            JsonNode manifestA = Manifest.JSON.readTree(doneA.manifest().toFile());
            JsonNode manifestB = Manifest.JSON.readTree(doneB.manifest().toFile());
            try {
                assertEquals(25, callA.audio.counters(Side.A).droppedStranger());
                figures.append("call A:\n");
                assertRecordingIsTheCall(manifestA, doneA.directory(), reportA, Map.of(), figures);
                figures.append("call B:\n");
                assertRecordingIsTheCall(manifestB, doneB.directory(), reportB,
                        Map.of("requester-audio", Set.of(ssrcOfA & 0xffffffffL)), figures);
                assertTrue(changesB >= 2, "to A's SSRC and back (interleaved: more): " + changesB);
                JsonNode injected = null;
                for (JsonNode source : manifestB.get("sources")) {
                    if (source.get("ssrc").asLong() == (ssrcOfA & 0xffffffffL)) {
                        injected = source;
                    }
                }
                figures.append("call B's source with call A's SSRC: ").append(injected).append('\n');
                assertEquals(25, injected.get("packets").asLong());
                assertEquals("arrival", injected.get("sync").asText(), "its forged SR was refused");
                assertEquals(1, injected.get("senderReportsIgnored").asInt());
                double arrivedMs = (java.time.Instant.parse(injected.get("firstArrival").asText()).toEpochMilli()
                        - java.time.Instant.parse(manifestB.get("startedAt").asText()).toEpochMilli());
                assertEquals(arrivedMs, injected.get("offsetMs").asDouble(), 50, "placed where it arrived, not 5 s off");
            } finally {
                System.out.print(figures);
            }
        }
    }
}
