package io.callrec.it.support;

import io.callrec.testing.ExternalCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Test media made at test time with ffmpeg (nothing binary is committed), as classic pcap files
 * that SIPp's {@code play_pcap_audio} / {@code play_pcap_video} can replay.
 *
 * <p>Debian's {@code sip-tester} package also ships {@link #SIPP_G711A_PCAP}, which scenarios can
 * use directly: PCMA, 240-byte payloads every 30 ms, 236 packets, 7.05 s.
 *
 * <p>How a file is made: ffmpeg sends RTP to a loopback port (a socket of ours swallows it, so no
 * ICMP errors disturb ffmpeg) while tcpdump captures it; {@code -re} makes ffmpeg send in real
 * time, so the capture's timestamps carry the pacing SIPp replays. Making a file therefore takes
 * as long as the media lasts.
 */
public final class MediaFiles {

    /** PCMA, 30 ms packets, 236 packets, about 7 s: shipped by Debian's sip-tester. */
    public static final Path SIPP_G711A_PCAP = Path.of("/usr/share/sip-tester/g711a.pcap");

    /** RTP header (12) + 160 PCMA samples: 20 ms packets. */
    private static final int G711_PACKET_BYTES = 12 + 160;

    private static Path shortG711a;
    private static Path h264Video;

    private MediaFiles() {
    }

    /**
     * A 2 s PCMA tone (100 packets of 20 ms), made once per test JVM under {@code target/it-media/}. Calls that hang up
     * after it has played can require every packet to arrive, which a pcap still playing at the BYE cannot.
     */
    public static synchronized Path shortG711a() {
        if (shortG711a == null) {
            shortG711a = g711a(itMedia().resolve("g711a-2s.pcap"), Duration.ofSeconds(2));
        }
        return shortG711a;
    }

    /** 7 s of H.264 video ({@link #h264}), as long as {@link #SIPP_G711A_PCAP}; made once per test JVM. */
    public static synchronized Path h264Video() {
        if (h264Video == null) {
            h264Video = h264(itMedia().resolve("h264-7s.pcap"), Duration.ofSeconds(7));
        }
        return h264Video;
    }

    private static Path itMedia() {
        Path dir = ItDirs.moduleTarget().resolve("it-media");
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir;
    }

    /**
     * A 1 kHz sine as PCMA (payload type 8), 160 samples (20 ms) a packet, real-time paced, written
     * as a classic pcap of the RTP packets only (no RTCP).
     *
     * @return {@code out}
     */
    public static Path g711a(Path out, Duration duration) {
        double seconds = duration.toMillis() / 1000.0;
        // samples_per_frame=160: one 20 ms frame per packet; the default 1024 would clump packets.
        String source = "sine=frequency=1000:sample_rate=8000:samples_per_frame=160:duration=" + seconds;
        return rtpCapture(out, duration, port -> List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                "-re", "-f", "lavfi", "-i", source,
                "-c:a", "pcm_alaw", "-ar", "8000", "-ac", "1",
                "-f", "rtp", "rtp://127.0.0.1:" + port + "?pkt_size=" + G711_PACKET_BYTES));
    }

    /**
     * H.264 video (payload type 96, 320x240, 15 fps, a keyframe every second with SPS/PPS before it, as phones
     * send them when the SDP has no sprop-parameter-sets), real-time paced, a classic pcap of the RTP packets only.
     * SIPp replays it with {@code play_pcap_video}.
     *
     * @return {@code out}
     */
    public static Path h264(Path out, Duration duration) {
        double seconds = duration.toMillis() / 1000.0;
        return rtpCapture(out, duration, port -> List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=" + seconds,
                "-c:v", "libx264", "-profile:v", "baseline", "-pix_fmt", "yuv420p", "-g", "15",
                "-x264-params", "repeat-headers=1", "-b:v", "300k",
                "-f", "rtp", "-payload_type", "96", "rtp://127.0.0.1:" + port + "?pkt_size=1200"));
    }

    /** A 1 kHz sine as raw A-law samples (8 kHz), what SIPp's {@code rtp_stream} plays as PCMA. */
    public static Path alaw(Path out, Duration duration) {
        ExternalCommand.run(Duration.ofSeconds(30), "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=8000:duration=" + duration.toMillis() / 1000.0,
                "-c:a", "pcm_alaw", "-f", "alaw", out.toString()).requireSuccess();
        return out;
    }

    /** Builds the ffmpeg command line that sends RTP to the given loopback port. */
    @FunctionalInterface
    interface RtpSender {
        List<String> command(int port);
    }

    @SuppressWarnings("try") // the RTCP sink only has to exist
    private static Path rtpCapture(Path out, Duration duration, RtpSender sender) {
        PortRange ports = Ports.freeEvenUdpRange(2);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        // ffmpeg also sends RTCP to port+1; only the RTP port is captured.
        try (DatagramSocket rtpSink = new DatagramSocket(new InetSocketAddress(loopback, ports.low()));
             DatagramSocket rtcpSink = new DatagramSocket(new InetSocketAddress(loopback, ports.high()));
             Capture capture = Capture.onLoopback(out, "udp and dst port " + ports.low())) {
            rtpSink.setReceiveBufferSize(1 << 20);
            ExternalCommand.run(duration.plusSeconds(30), sender.command(ports.low())).requireSuccess();
            capture.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
