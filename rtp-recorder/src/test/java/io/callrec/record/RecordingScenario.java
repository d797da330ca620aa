package io.callrec.record;

import io.callrec.media.relay.RelayConfig;
import io.callrec.media.relay.RelaySession;
import io.callrec.media.relay.RelayStream;
import io.callrec.media.relay.RtpRelay;
import io.callrec.media.relay.Side;
import io.callrec.media.rtp.RtpHeader;
import io.callrec.testing.media.AvSyncProbe;
import io.callrec.testing.media.FfmpegRtp;
import io.callrec.testing.media.Ffprobe;
import io.callrec.testing.media.Impairments;
import io.callrec.testing.media.RtpPlayer;
import io.callrec.testing.media.StreamPlan;
import io.callrec.testing.media.SyncSource;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A two-party audio+video call through a real relay, played from ffmpeg-made RTP (flash + beep test media), for the
 * recorder's integration tests. Requester on side A sends H.264 + PCMA, the peer on side B VP8 + Opus.
 */
final class RecordingScenario implements AutoCloseable {
    static final Path WORK = Path.of("target", "recorder-it");
    static final SyncSource SOURCE_8K = SyncSource.standard(15, 8000);
    static final SyncSource SOURCE_48K = SyncSource.standard(15, 48000);

    private static Map<String, FfmpegRtp.Capture> captures;

    final RtpRelay relay;
    final RelaySession session;
    final RelayStream audio;
    final RelayStream video;
    final RtpPlayer player;
    final List<RtpPlayer.Stream> streams = new ArrayList<>();

    /** ffmpeg encodes each stream once per test JVM. */
    static synchronized Map<String, FfmpegRtp.Capture> captures() {
        if (captures == null) {
            captures = Map.of(
                    "h264", FfmpegRtp.send(WORK, SOURCE_8K.videoInput(), List.of("-c:v", "libx264", "-preset",
                            "veryfast", "-tune", "zerolatency", "-profile:v", "baseline", "-pix_fmt", "yuv420p",
                            "-g", "15", "-payload_type", "96", "-pkt_size", "1200")),
                    "pcma", FfmpegRtp.send(WORK, SOURCE_8K.audioInput(), List.of("-c:a", "pcm_alaw",
                            "-payload_type", "8")),
                    "vp8", FfmpegRtp.send(WORK, SOURCE_48K.videoInput(), List.of("-c:v", "libvpx", "-deadline",
                            "realtime", "-b:v", "300k", "-g", "15", "-payload_type", "97", "-pkt_size", "1200")),
                    "opus", FfmpegRtp.send(WORK, SOURCE_48K.audioInput(), List.of("-c:a", "libopus", "-b:a", "32k",
                            "-payload_type", "111")),
                    "pcmu", FfmpegRtp.send(WORK, SOURCE_8K.audioInput(), List.of("-c:a", "pcm_mulaw",
                            "-payload_type", "0")));
        }
        return captures;
    }

    static MediaFormats formats() {
        return formats(Map.of(111, new PayloadFormat(111, "opus", 48000, 2, Map.of())));
    }

    /** The standard call's formats, but the peer sends these on the audio stream. */
    static MediaFormats formats(Map<Integer, PayloadFormat> peerAudio) {
        return new MediaFormats(Map.of(
                0, new MediaFormats.StreamFormats(0, "audio",
                        Map.of(8, new PayloadFormat(8, "PCMA", 8000, 1, Map.of())), peerAudio, false, false),
                1, new MediaFormats.StreamFormats(1, "video",
                        Map.of(96, new PayloadFormat(96, "H264", 90000, 1, Map.of("packetization-mode", "1"))),
                        Map.of(97, new PayloadFormat(97, "VP8", 90000, 1, Map.of())), false, false)));
    }

    RecordingScenario(int portBase, long seed) throws IOException {
        relay = RtpRelay.start(RelayConfig.defaults(InetAddress.getLoopbackAddress())
                .withPorts(portBase, portBase + 99).withTimeouts(Duration.ofSeconds(2), Duration.ZERO));
        session = relay.openSession("scenario", (s, idle) -> { });
        try {
            audio = session.stream(0, "audio");
            video = session.stream(1, "video");
        } catch (io.callrec.media.relay.PortsExhaustedException e) {
            throw new IOException(e);
        }
        player = new RtpPlayer(seed);
    }

    /** Packets of a capture, the first {@code skipMillis} of media left out (a stream that starts late). */
    static List<byte[]> packets(String name, int skipMillis, int clockRate) {
        List<FfmpegRtp.Packet> rtp = captures().get(name).rtp();
        long first = rtp.get(0).timestamp();
        List<byte[]> out = new ArrayList<>();
        for (FfmpegRtp.Packet p : rtp) {
            long mediaMillis = (p.timestamp() - first) * 1000 / clockRate;
            if (mediaMillis >= skipMillis) {
                out.add(p.datagram());
            }
        }
        return out;
    }

    /**
     * The packets of capture {@code before} up to {@code atMillis} of media, then those of {@code after} from there on
     * with timestamps continuing the first one's: one sender switching codec (and payload type) in mid-stream. Both
     * captures must be of the same source at the same clock rate.
     */
    static List<byte[]> switched(String before, String after, int atMillis, int clockRate) {
        List<byte[]> out = new ArrayList<>();
        long firstBefore = captures().get(before).rtp().get(0).timestamp();
        for (FfmpegRtp.Packet p : captures().get(before).rtp()) {
            if ((p.timestamp() - firstBefore) * 1000 / clockRate < atMillis) {
                out.add(p.datagram());
            }
        }
        long firstAfter = captures().get(after).rtp().get(0).timestamp();
        for (FfmpegRtp.Packet p : captures().get(after).rtp()) {
            long ticks = p.timestamp() - firstAfter;
            if (ticks * 1000 / clockRate >= atMillis) {
                byte[] copy = p.datagram().clone();
                ByteBuffer.wrap(copy).putInt(4, (int) (firstBefore + ticks));
                out.add(copy);
            }
        }
        return out;
    }

    /** Adds a stream sent by {@code side}'s party; the relay forwards to the player's socket of it. */
    RtpPlayer.Stream add(Side side, RelayStream stream, StreamPlan plan) throws IOException {
        RtpPlayer.Stream s = player.add(plan);
        s.sendTo(stream.localRtp(side), stream.localRtcp(side));
        stream.setRemote(side, s.rtpAddress(), s.rtcpAddress(), false);
        streams.add(s);
        return s;
    }

    /** The standard call: every stream with {@code network} impairments, audio starting 300 ms after video. */
    void standardCall(Impairments network) throws IOException {
        standardCall(plan -> plan.with(network));
    }

    /** The standard call, each stream's plan (named requester-video, requester-audio, peer-video, peer-audio)
     * first passed through {@code adjust}: impairments, an SSRC change, another stream in its place. */
    void standardCall(UnaryOperator<StreamPlan> adjust) throws IOException {
        add(Side.A, video, adjust.apply(StreamPlan.of("requester-video", packets("h264", 0, 90000), 90000)));
        add(Side.A, audio, adjust.apply(StreamPlan.of("requester-audio", packets("pcma", 300, 8000), 8000)
                .withStartOffsetMillis(300)));
        add(Side.B, video, adjust.apply(StreamPlan.of("peer-video", packets("vp8", 0, 90000), 90000)));
        add(Side.B, audio, adjust.apply(StreamPlan.of("peer-audio", packets("opus", 300, 48000), 48000)
                .withStartOffsetMillis(300)));
    }

    /**
     * The worst |beep − flash| in milliseconds over each party's pair of tracks in each file of a mode-both recording
     * of the standard call; every check must find both flash/beep pairs. Appends each file's offsets to
     * {@code report}.
     */
    static double worstLipSyncMillis(Path dir, StringBuilder report) {
        double worst = 0;
        for (String[] check : new String[][] {{"requester.mkv", "requester"}, {"peer.mkv", "peer"},
                {"combined.mkv", "requester"}, {"combined.mkv", "peer"}}) {
            Path file = dir.resolve(check[0]);
            Ffprobe probe = Ffprobe.probe(file);
            AvSyncProbe sync = AvSyncProbe.of(file, kindIndex(probe, "video", check[1]),
                    kindIndex(probe, "audio", check[1]));
            report.append(check[0]).append(' ').append(check[1]).append(": ").append(sync.offsetMillis())
                    .append(" ms\n");
            if (sync.offsetMillis().size() != 2) {
                throw new AssertionError("two flash/beep pairs expected in " + check[0] + ": " + sync);
            }
            for (double offset : sync.offsetMillis()) {
                worst = Math.max(worst, Math.abs(offset));
            }
        }
        return worst;
    }

    /** Index among the file's streams of one kind ({@code 0:v:N}) of the track whose title starts with a prefix. */
    static int kindIndex(Ffprobe probe, String codecType, String titlePrefix) {
        int n = 0;
        for (int i = 0; i < probe.streamCount(); i++) {
            if (codecType.equals(probe.stream(i, "codec_type"))) {
                String title = probe.stream(i, "tags.title");
                if (title != null && title.startsWith(titlePrefix)) {
                    return n;
                }
                n++;
            }
        }
        throw new AssertionError("no " + codecType + " stream titled " + titlePrefix + "…");
    }

    /** Absolute indices of the file's streams whose title starts with a prefix ("peer audio"), in file order. */
    static List<Integer> streamsTitled(Ffprobe probe, String titlePrefix) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < probe.streamCount(); i++) {
            String title = probe.stream(i, "tags.title");
            if (title != null && title.startsWith(titlePrefix)) {
                out.add(i);
            }
        }
        return out;
    }

    /** The times of the first and the last packet of one stream (absolute index) of a file. */
    static SentMedia.Span fileSpan(Path file, int streamIndex) {
        DoubleSummaryStatistics pts = Ffprobe.packets(file).stream().filter(p -> p.stream() == streamIndex)
                .mapToDouble(Ffprobe.Packet::ptsSeconds).summaryStatistics();
        if (pts.getCount() == 0) {
            throw new AssertionError("stream " + streamIndex + " of " + file + " has no packets");
        }
        return new SentMedia.Span(pts.getMin(), pts.getMax());
    }

    /** Absolute stream index of the first stream of a kind. */
    static int kindIndexAbs(Ffprobe probe, String codecType) {
        for (int i = 0; i < probe.streamCount(); i++) {
            if (codecType.equals(probe.stream(i, "codec_type"))) {
                return i;
            }
        }
        throw new AssertionError("no " + codecType + " stream");
    }

    static boolean isPli(byte[] rtcp) {
        ByteBuffer b = ByteBuffer.wrap(rtcp);
        while (b.remaining() >= 4) {
            int pt = b.get(b.position() + 1) & 0xff;
            int fmt = b.get(b.position()) & 0x1f;
            if (pt == 206 && fmt == 1) {
                return true;
            }
            int len = ((b.getShort(b.position() + 2) & 0xffff) + 1) * 4;
            if (len > b.remaining()) {
                return false;
            }
            b.position(b.position() + len);
        }
        return false;
    }

    static int payloadType(byte[] packet) {
        return RtpHeader.payloadType(ByteBuffer.wrap(packet));
    }

    @Override
    public void close() {
        player.close();
        session.close();
        relay.close();
    }
}
