package io.callrec.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.rtp.RtcpPackets;
import io.callrec.media.rtp.RtcpVisitor;
import io.callrec.media.rtp.RtpHeader;
import io.callrec.testing.ExternalCommand;
import io.callrec.testing.media.FfmpegRtp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interoperability with a real SRTP implementation, ffmpeg's ({@code srtp://}, libavformat's own SRTP, which has
 * the two AES-CM suites and no AES-GCM): ffmpeg encrypts and we decrypt, we encrypt and ffmpeg decrypts. The
 * streams start 136 packets before the sequence number wraps, so the roll-over counter moves on both sides, and
 * SRTCP goes both ways too (ffmpeg's sender report to us, our BYE, which ends ffmpeg's reception, to ffmpeg).
 */
class SrtpFfmpegIT {
    private static final Path DIR = Path.of("target", "srtp-ffmpeg-it");
    private static final int SSRC = 0x1234abcd;
    private static final int FIRST_SEQ = 65400;
    private static final List<String> TONE = List.of("-f", "lavfi", "-i",
            "sine=frequency=440:sample_rate=8000:samples_per_frame=160:duration=4");
    private static final SecureRandom RANDOM = new SecureRandom();

    @ParameterizedTest
    @EnumSource(value = SrtpProfile.class, names = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"})
    void ffmpegEncryptsAndWeDecrypt(SrtpProfile profile) throws Exception {
        SrtpKeyMaterial key = SrtpKeyMaterial.random(profile, RANDOM);
        FfmpegRtp.Capture capture = FfmpegRtp.send(DIR, TONE, List.of("-c:a", "pcm_mulaw",
                "-ssrc", Integer.toString(SSRC), "-seq", Integer.toString(FIRST_SEQ),
                "-srtp_out_suite", profile.sdpName(),
                "-srtp_out_params", Base64.getEncoder().encodeToString(key.keyThenSalt())), "srtp");
        assertEquals(0, capture.sequenceGaps(), "loss on loopback");
        assertTrue(capture.rtp().size() > 150, capture.rtp().size() + " packets");

        // ffmpeg's SDP offers the key as SDES: our parser reads its a=crypto line.
        String crypto = capture.sdp().lines().filter(l -> l.startsWith("a=crypto:")).findFirst().orElseThrow();
        assertEquals(key, SdesCrypto.parse(crypto.substring("a=crypto:".length())).key(), crypto);

        SrtpContext receiver = SrtpContext.receiver(key, SSRC);
        ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        for (FfmpegRtp.Packet p : capture.rtp()) {
            ByteBuffer packet = ByteBuffer.wrap(p.datagram().clone());
            assertEquals(SrtpVerdict.OK, receiver.unprotect(packet), "seq " + p.sequenceNumber());
            int payload = RtpHeader.payloadOffset(packet);
            payloads.write(packet.array(), payload, packet.remaining() - payload);
        }
        assertEquals(1, receiver.rolloverCounter(), "the sequence number wrapped");
        assertArrayEquals(mulaw(), payloads.toByteArray(), "decrypted payloads are ffmpeg's mu-law encoding");

        // Tampered: one bit of one packet's payload.
        byte[] forged = capture.rtp().get(3).datagram().clone();
        forged[20] ^= 1;
        assertEquals(SrtpVerdict.AUTH_FAILED, SrtpContext.receiver(key, SSRC).unprotect(ByteBuffer.wrap(forged)));

        SrtcpContext rtcpReceiver = SrtcpContext.receiver(key, SSRC);
        List<String> seen = new ArrayList<>();
        for (FfmpegRtp.Packet p : capture.rtcp()) {
            ByteBuffer packet = ByteBuffer.wrap(p.datagram().clone());
            assertEquals(SrtpVerdict.OK, rtcpReceiver.unprotect(packet));
            assertTrue(RtcpPackets.walk(packet, new RtcpVisitor() {
                @Override
                public void senderReport(int ssrc, long ntp64, long rtpTimestamp, long packetCount, long octets) {
                    seen.add("SR " + Integer.toHexString(ssrc));
                }
            }) > 0, "a valid RTCP compound after unprotect");
        }
        // ffmpeg (like libre) sends 32-bit SRTCP tags with the SDES _32 suite, libsrtp 80-bit ones: both are taken.
        assertEquals(profile == SrtpProfile.AES_CM_128_HMAC_SHA1_32 ? 4 : 10, rtcpReceiver.tagLength());
        assertTrue(seen.contains("SR " + Integer.toHexString(SSRC)), seen.toString());
    }

    @ParameterizedTest
    @EnumSource(value = SrtpProfile.class, names = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"})
    void weEncryptAndFfmpegDecrypts(SrtpProfile profile) throws Exception {
        FfmpegRtp.Capture plain = FfmpegRtp.send(DIR, TONE, List.of("-c:a", "pcm_mulaw",
                "-ssrc", Integer.toString(SSRC), "-seq", Integer.toString(FIRST_SEQ)));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (FfmpegRtp.Packet p : plain.rtp()) {
            ByteBuffer payload = p.payload();
            expected.write(payload.array(), payload.arrayOffset(), payload.remaining());
        }

        SdesCrypto crypto = SdesCrypto.generate(1, profile, RANDOM);
        int port = freePortPair();
        Files.createDirectories(DIR);
        String name = "ffmpeg-receives-" + profile.sdpName();
        Path sdp = DIR.resolve(name + ".sdp");
        Files.writeString(sdp, "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=srtp\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\na=crypto:" + crypto.format() + "\r\n");
        Path received = DIR.resolve(name + ".ul");
        Path log = DIR.resolve(name + ".log");
        Files.deleteIfExists(received);
        // No listen timeout: ffmpeg ends only when it has decrypted and read our SRTCP BYE.
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-protocol_whitelist", "file,udp,rtp,srtp", "-i", sdp.toString(), "-c:a", "copy", "-f", "mulaw",
                "-y", received.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (DatagramChannel socket = DatagramChannel.open()) {
            awaitBound(port, ffmpeg);
            InetSocketAddress rtp = new InetSocketAddress("127.0.0.1", port);
            SrtpContext sender = SrtpContext.sender(crypto.key(), SSRC);
            ByteBuffer buffer = ByteBuffer.allocate(2048);
            for (FfmpegRtp.Packet p : plain.rtp()) {
                buffer.clear();
                buffer.put(p.datagram()).flip();
                assertEquals(SrtpVerdict.OK, sender.protect(buffer));
                socket.send(buffer, rtp);
                TimeUnit.MICROSECONDS.sleep(500);
            }
            assertEquals(1, sender.rolloverCounter());
            // ffmpeg expects the SRTCP tag of the SDES _32 suite to be 32 bits as well.
            SrtcpContext rtcpSender = SrtcpContext.sender(crypto.key(), SSRC, profile.rtpTagLength());
            buffer.clear();
            RtcpPackets.writeReceiverReport(buffer, SSRC, "callrec".getBytes(StandardCharsets.US_ASCII));
            RtcpPackets.writeBye(buffer, SSRC);
            buffer.flip();
            assertEquals(SrtpVerdict.OK, rtcpSender.protect(buffer));
            socket.send(buffer, new InetSocketAddress("127.0.0.1", port + 1));

            assertTrue(ffmpeg.waitFor(15, TimeUnit.SECONDS),
                    "ffmpeg did not end: it did not take our SRTCP BYE; see " + log);
        } finally {
            ffmpeg.destroyForcibly();
        }
        String output = ExternalCommand.readIfExists(log);
        assertEquals(0, ffmpeg.exitValue(), output);
        assertFalse(output.contains("HMAC mismatch"), output);
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(received),
                "ffmpeg's decryption of our SRTP is the mu-law we encrypted; log: " + output);
    }

    /** The tone as ffmpeg encodes it to mu-law: what the RTP payloads carry, concatenated. */
    private static byte[] mulaw() throws IOException {
        Path file = DIR.resolve("tone.ul");
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error"));
        command.addAll(TONE);
        command.addAll(List.of("-c:a", "pcm_mulaw", "-f", "mulaw", "-y", file.toString()));
        ExternalCommand.run(Duration.ofSeconds(30), command).requireSuccess();
        return Files.readAllBytes(file);
    }

    /** An even port whose odd neighbour is free too, for ffmpeg's RTP/RTCP pair. */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (DatagramChannel rtp = DatagramChannel.open(); DatagramChannel rtcp = DatagramChannel.open()) {
                rtp.bind(new InetSocketAddress("127.0.0.1", 0));
                int port = ((InetSocketAddress) rtp.getLocalAddress()).getPort();
                if (port % 2 == 0 && port < 65534) {
                    rtcp.bind(new InetSocketAddress("127.0.0.1", port + 1));
                    return port;
                }
            } catch (IOException e) {
                // the neighbour is taken: try another
            }
        }
        throw new IOException("no free RTP/RTCP port pair on loopback after 100 attempts");
    }

    /** Waits until ffmpeg has bound both ports (we can no longer bind them). */
    private static void awaitBound(int port, Process ffmpeg) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && ffmpeg.isAlive()) {
            if (isBound(port) && isBound(port + 1)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("ffmpeg did not open ports " + port + "/" + (port + 1));
    }

    private static boolean isBound(int port) throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress("0.0.0.0", port));
            return false;
        } catch (BindException e) {
            return true;
        }
    }
}
