package io.callrec.testing.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.testing.ExternalCommand;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole harness against a third party: SyncSource media packetized by ffmpeg, played by RtpPlayer, received by
 * ffmpeg (which aligns streams by their RTCP SRs) into Matroska, and measured by AvSyncProbe. If the player's SRs
 * did not follow its media clock, ffmpeg's recording would be out of sync.
 */
class RtpPlayerSyncIT {
    private static final Path DIR = Path.of("target", "rtp-player-sync");
    private static final SyncSource SOURCE = SyncSource.standard(30, 8000);
    private static Packetized audio;
    private static Packetized video;

    /** ffmpeg's RTP packets for one input and the SDP it wrote for them. */
    private record Packetized(List<byte[]> packets, String sdp) {
    }

    @BeforeAll
    static void packetizeOnce() throws IOException {
        audio = packetize(SOURCE.audioInput(), List.of("-c:a", "pcm_alaw", "-payload_type", "8"), "audio");
        video = packetize(SOURCE.videoInput(), List.of("-c:v", "libx264", "-preset", "ultrafast", "-tune",
                "zerolatency", "-pix_fmt", "yuv420p", "-g", "30", "-payload_type", "96"), "video");
    }

    // Kept minimal on purpose: FfmpegRtp (test support from the depacketizer work) does this in full.
    private static Packetized packetize(List<String> input, List<String> codec, String name) throws IOException {
        Files.createDirectories(DIR);
        Path sdp = DIR.resolve(name + "-send.sdp");
        try (DatagramChannel socket = DatagramChannel.open(); DatagramChannel rtcp = DatagramChannel.open()) {
            // Read only after ffmpeg exits: 4 MiB of socket buffer holds these 4 s of small video.
            socket.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            rtcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel",
                    "error"));
            command.addAll(input);
            command.addAll(codec);
            command.addAll(List.of("-f", "rtp", "-sdp_file", sdp.toString(), "rtp://127.0.0.1:" + port(socket)
                    + "?rtcpport=" + port(rtcp)));
            ExternalCommand.run(Duration.ofSeconds(60), command).requireSuccess();
            socket.configureBlocking(false);
            List<byte[]> packets = new ArrayList<>();
            ByteBuffer buffer = ByteBuffer.allocate(65536);
            while (socket.receive(buffer.clear()) != null) {
                packets.add(Arrays.copyOf(buffer.array(), buffer.position()));
            }
            return new Packetized(packets, Files.readString(sdp));
        }
    }

    private static int port(DatagramChannel channel) throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /** The first media section of an SDP from its m= line on, moved to {@code port}, without c=/b= lines. */
    private static String mediaSection(String sdp, int port) {
        List<String> lines = sdp.substring(sdp.indexOf("m=")).lines().toList();
        String[] m = lines.get(0).split(" ");
        m[1] = Integer.toString(port);
        StringBuilder section = new StringBuilder(String.join(" ", m)).append('\n');
        lines.stream().skip(1).filter(l -> !l.startsWith("c=") && !l.startsWith("b="))
                .forEach(l -> section.append(l).append('\n'));
        return section.toString();
    }

    /** An even port whose odd neighbour is free too, for ffmpeg's RTP/RTCP pair. */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (DatagramChannel rtp = DatagramChannel.open(); DatagramChannel rtcp = DatagramChannel.open()) {
                rtp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = port(rtp);
                if (port % 2 == 0 && port < 65534) {
                    rtcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port + 1));
                    return port;
                }
            } catch (IOException e) {
                // the neighbour is taken: try another
            }
        }
        throw new IOException("no free RTP/RTCP port pair on loopback after 100 attempts");
    }

    /** Plays audio and video to an ffmpeg that records them, and probes the recording. */
    private static AvSyncProbe recordThroughFfmpeg(StreamPlan audioPlan, StreamPlan videoPlan, String name)
            throws Exception {
        int audioPort = freePortPair();
        int videoPort = freePortPair();
        Path sdp = DIR.resolve(name + "-receive.sdp");
        Files.writeString(sdp, "v=0\no=- 0 0 IN IP4 127.0.0.1\ns=sync\nc=IN IP4 127.0.0.1\nt=0 0\n"
                + mediaSection(audio.sdp(), audioPort) + mediaSection(video.sdp(), videoPort));
        Path recording = DIR.resolve(name + ".mkv");
        Files.deleteIfExists(recording);
        // listen_timeout: ffmpeg ends by itself 2 s after the last packet (and fails if none come within 2 s).
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-protocol_whitelist", "file,udp,rtp", "-listen_timeout", "2", "-i", sdp.toString(), "-c", "copy",
                "-y", recording.toString())
                .redirectErrorStream(true).redirectOutput(DIR.resolve(name + "-receive.log").toFile()).start();
        try (RtpPlayer player = new RtpPlayer(7)) {
            TimeUnit.MILLISECONDS.sleep(500); // ffmpeg opens its sockets
            player.add(audioPlan).sendTo(new InetSocketAddress("127.0.0.1", audioPort));
            player.add(videoPlan).sendTo(new InetSocketAddress("127.0.0.1", videoPort));
            player.play();
            assertTrue(ffmpeg.waitFor(15, TimeUnit.SECONDS), "ffmpeg did not end");
            assertEquals(0, ffmpeg.exitValue(), "ffmpeg failed: see " + name + "-receive.log");
        } finally {
            ffmpeg.destroyForcibly();
        }
        AvSyncProbe probe = AvSyncProbe.of(recording);
        System.out.println("ffmpeg's recording of the player (" + name + "): " + probe);
        return probe;
    }

    @Test
    void aStreamSentLateIsRecordedInSyncByItsSenderReports() throws Exception {
        AvSyncProbe probe = recordThroughFfmpeg(
                StreamPlan.of("audio", audio.packets(), 8000).with(Impairments.NONE.withJitterMillis(10)),
                StreamPlan.of("video", video.packets(), 90000)
                        .with(Impairments.NONE.withDelayMillis(300).withJitterMillis(10)), "late-video");
        assertEquals(2, probe.offsetMillis().size(), probe.toString());
        for (double offset : probe.offsetMillis()) {
            assertEquals(0, offset, 5, probe.toString());
        }
    }

    @Test
    void aStartOffsetMovesTheContentAndTheReportsSaySo() throws Exception {
        AvSyncProbe probe = recordThroughFfmpeg(
                StreamPlan.of("audio", audio.packets(), 8000),
                StreamPlan.of("video", video.packets(), 90000).withStartOffsetMillis(300), "shifted-video");
        assertEquals(2, probe.offsetMillis().size(), probe.toString());
        for (double offset : probe.offsetMillis()) {
            assertEquals(-300, offset, 5, probe.toString());
        }
    }
}
