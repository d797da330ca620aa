package io.callrec.testing.media;

import io.callrec.media.rtp.RtpHeader;
import io.callrec.media.rtp.SeqNum;
import io.callrec.testing.CommandResult;
import io.callrec.testing.ExternalCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sends media with ffmpeg's RTP muxer ({@code -f rtp}) to a loopback socket and captures every RTP and RTCP
 * packet, in arrival order, together with the SDP ffmpeg wrote ({@code -sdp_file}). The real packetizer for tests
 * of depacketizers, jitter buffers and recorders.
 *
 * <p>ffmpeg sends as fast as it reads unless told otherwise ({@code -re}, {@code -readrate}); the receive buffers are
 * 4 MiB (the usual {@code net.core.rmem_max}) and drained by a thread of their own, which keeps a few seconds of
 * video loss-free on loopback. Check {@link Capture#sequenceGaps()} anyway.
 *
 * <p>The sockets take ephemeral ports, and on a shared machine a port can still be the destination of someone
 * else's media (a relay or sender that outlived its receiver). So every capture has an SSRC (the caller's
 * {@code -ssrc} or a random one added) and packets with another SSRC are only counted as strangers.
 */
public final class FfmpegRtp {
    /** Longest ffmpeg run allowed. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Quiet time after ffmpeg exits before capture stops: loopback delivers at once, this catches stragglers. */
    private static final int DRAIN_MILLIS = 100;
    /** Longest drain after ffmpeg's exit, however busy the sockets stay with strangers. */
    private static final long MAX_DRAIN_NANOS = 1_000_000_000L;
    private static final int RECEIVE_BUFFER_BYTES = 4 << 20;

    private FfmpegRtp() {
    }

    /** One captured datagram: its place among all captured packets (RTP and RTCP), arrival time, bytes. */
    public record Packet(int arrival, long arrivalNanos, byte[] datagram) {
        public int sequenceNumber() {
            return RtpHeader.sequenceNumber(ByteBuffer.wrap(datagram));
        }

        public long timestamp() {
            return RtpHeader.timestamp(ByteBuffer.wrap(datagram));
        }

        public boolean marker() {
            return RtpHeader.marker(ByteBuffer.wrap(datagram));
        }

        public int payloadType() {
            return RtpHeader.payloadType(ByteBuffer.wrap(datagram));
        }

        public int ssrc() {
            return RtpHeader.ssrc(ByteBuffer.wrap(datagram));
        }

        /** A new buffer over the payload (no header, no padding). */
        public ByteBuffer payload() {
            ByteBuffer packet = ByteBuffer.wrap(datagram);
            int offset = RtpHeader.payloadOffset(packet);
            return ByteBuffer.wrap(datagram, offset, RtpHeader.payloadLength(packet)).slice();
        }
    }

    /**
     * What one ffmpeg run sent: RTP and RTCP packets in arrival order, the SDP, ffmpeg's result, and how many
     * datagrams from other sources reached the sockets meanwhile.
     */
    public record Capture(List<Packet> rtp, List<Packet> rtcp, String sdp, CommandResult ffmpeg, int strangers) {
        public Capture {
            rtp = List.copyOf(rtp);
            rtcp = List.copyOf(rtcp);
        }

        /** Sequence numbers missing between consecutive RTP packets in arrival order. */
        public int sequenceGaps() {
            int gaps = 0;
            for (int i = 1; i < rtp.size(); i++) {
                int distance = SeqNum.distance(rtp.get(i - 1).sequenceNumber(), rtp.get(i).sequenceNumber());
                gaps += Math.max(0, distance - 1);
            }
            return gaps;
        }

        /** RTP packets that arrived after a packet with a later sequence number (or repeated one). */
        public int outOfOrder() {
            int count = 0;
            for (int i = 1; i < rtp.size(); i++) {
                if (SeqNum.distance(rtp.get(i - 1).sequenceNumber(), rtp.get(i).sequenceNumber()) <= 0) {
                    count++;
                }
            }
            return count;
        }
    }

    /**
     * Runs {@code ffmpeg [inputArgs] [codecArgs] -f rtp -sdp_file … rtp://127.0.0.1:port?rtcpport=…} and captures.
     *
     * @param workDir   where the SDP file goes
     * @param inputArgs e.g. {@code -f lavfi -i sine=…} or {@code -i file.h264}
     * @param codecArgs e.g. {@code -c copy -payload_type 96 -ssrc 4660 -pkt_size 400}; without {@code -ssrc} a
     *                  random one is added
     * @throws IllegalStateException if ffmpeg fails or outlives {@link #TIMEOUT}
     */
    public static Capture send(Path workDir, List<String> inputArgs, List<String> codecArgs) {
        return send(workDir, inputArgs, codecArgs, "rtp");
    }

    /**
     * {@link #send(Path, List, List)} with another URL scheme: {@code srtp} makes ffmpeg encrypt (with
     * {@code -srtp_out_suite} and {@code -srtp_out_params} among {@code codecArgs}); the capture holds SRTP and SRTCP.
     */
    public static Capture send(Path workDir, List<String> inputArgs, List<String> codecArgs, String scheme) {
        try (DatagramChannel rtp = openLoopback(); DatagramChannel rtcp = openLoopback();
             Selector selector = Selector.open()) {
            Files.createDirectories(workDir);
            Path sdpFile = Files.createTempFile(workDir, "ffmpeg-rtp-", ".sdp");
            rtp.register(selector, SelectionKey.OP_READ);
            rtcp.register(selector, SelectionKey.OP_READ);
            List<String> codec = new ArrayList<>(codecArgs);
            int ssrcAt = codec.indexOf("-ssrc");
            if (ssrcAt < 0) {
                codec.addAll(List.of("-ssrc", Integer.toString(new SecureRandom().nextInt())));
                ssrcAt = codec.size() - 2;
            }
            int ssrc = (int) (long) Long.decode(codec.get(ssrcAt + 1));
            Receiver receiver = new Receiver(selector, rtp, ssrc);
            Thread thread = new Thread(receiver, "ffmpeg-rtp-capture");
            thread.start();
            List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error"));
            command.addAll(inputArgs);
            command.addAll(codec);
            command.addAll(List.of("-f", "rtp", "-sdp_file", sdpFile.toString(),
                    scheme + "://127.0.0.1:" + port(rtp) + "?rtcpport=" + port(rtcp)));
            CommandResult result;
            try {
                result = ExternalCommand.run(TIMEOUT, command);
            } finally {
                receiver.stopping = true;
                thread.join();
            }
            result.requireSuccess();
            if (receiver.failure != null) {
                throw new UncheckedIOException("capture failed", receiver.failure);
            }
            return new Capture(receiver.rtpPackets, receiver.rtcpPackets, Files.readString(sdpFile), result,
                    receiver.strangers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while capturing ffmpeg's RTP", e);
        }
    }

    private static DatagramChannel openLoopback() throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        channel.configureBlocking(false);
        return channel;
    }

    private static int port(DatagramChannel channel) throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /**
     * Drains both sockets until told to stop and then quiet for {@link #DRAIN_MILLIS} (at most
     * {@link #MAX_DRAIN_NANOS}), keeping the datagrams of one SSRC.
     */
    private static final class Receiver implements Runnable {
        private final Selector selector;
        private final DatagramChannel rtpChannel;
        private final int ssrc;
        private final List<Packet> rtpPackets = new ArrayList<>();
        private final List<Packet> rtcpPackets = new ArrayList<>();
        private volatile boolean stopping;
        private IOException failure;
        private int arrivals;
        private int strangers;

        Receiver(Selector selector, DatagramChannel rtpChannel, int ssrc) {
            this.selector = selector;
            this.rtpChannel = rtpChannel;
            this.ssrc = ssrc;
        }

        @Override
        public void run() {
            ByteBuffer buffer = ByteBuffer.allocate(65536);
            long stoppedAt = 0;
            try {
                while (true) {
                    boolean wasStopping = stopping; // read before waiting: quiet must follow ffmpeg's exit
                    if (wasStopping && stoppedAt == 0) {
                        stoppedAt = System.nanoTime();
                    }
                    int ready = selector.select(DRAIN_MILLIS);
                    if (wasStopping && (ready == 0 || System.nanoTime() - stoppedAt > MAX_DRAIN_NANOS)) {
                        return;
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        DatagramChannel channel = (DatagramChannel) key.channel();
                        while (channel.receive(buffer.clear()) != null) {
                            keep(channel == rtpChannel, Arrays.copyOf(buffer.array(), buffer.position()));
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        private void keep(boolean isRtp, byte[] datagram) {
            // RTP: SSRC at byte 8 (after a valid header); RTCP: the sender's SSRC at byte 4.
            ByteBuffer b = ByteBuffer.wrap(datagram);
            boolean ours = isRtp
                    ? RtpHeader.isValid(b) && RtpHeader.ssrc(b) == ssrc
                    : datagram.length >= 8 && b.getInt(4) == ssrc;
            if (!ours) {
                strangers++;
                return;
            }
            (isRtp ? rtpPackets : rtcpPackets).add(new Packet(arrivals++, System.nanoTime(), datagram));
        }
    }
}
