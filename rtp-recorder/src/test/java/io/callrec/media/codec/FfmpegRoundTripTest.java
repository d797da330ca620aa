package io.callrec.media.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.rtp.SeqNum;
import io.callrec.testing.media.AnnexB;
import io.callrec.testing.media.FfmpegRtp;
import io.callrec.testing.media.IvfReader;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each codec encoded once by ffmpeg to a file, then that file copied ({@code -c copy}) both to RTP through ffmpeg's
 * own packetizer and to the form a container stores: what the depacketizer makes of the packets must be exactly
 * what ffmpeg wrote.
 */
class FfmpegRoundTripTest {
    private static final Path DIR = TestFfmpeg.workDir("roundtrip");
    private static final String SSRC = "305419896"; // 0x12345678

    /** {@code ffmpeg -i input -c copy -ssrc SSRC [extra] -f rtp}, captured. */
    private static FfmpegRtp.Capture copyToRtp(Path input, String... extra) {
        List<String> codec = new ArrayList<>(List.of("-c", "copy", "-ssrc", SSRC));
        codec.addAll(List.of(extra));
        return FfmpegRtp.send(DIR, List.of("-i", input.toString()), codec);
    }

    /** Feeds every packet in arrival order, timestamps extended, no loss; all captured, none malformed. */
    private static CollectedFrames depacketize(FfmpegRtp.Capture capture, Depacketizer depacketizer) {
        assertTrue(capture.rtp().size() > 10, "packets: " + capture.rtp().size());
        assertEquals(0, capture.outOfOrder());
        CollectedFrames sink = depacketizeWithLoss(capture, depacketizer, 0);
        assertEquals(0, depacketizer.malformed());
        return sink;
    }

    /** The a=fmtp parameters of the SDP's first payload type. */
    private static Map<String, String> fmtp(String sdp) {
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("a=fmtp:")) {
                return Depacketizers.fmtpParameters(line.substring(line.indexOf(' ') + 1));
            }
        }
        return Map.of();
    }

    private static Depacketizer fromSdp(String encoding, int clockRate, int channels, String sdp) {
        return Depacketizers.create(encoding, clockRate, channels, fmtp(sdp)).orElseThrow();
    }

    /**
     * Encoded to MPEG-TS, which keeps B-frame timestamps and in-band parameter sets (a raw .h264 file has no
     * timestamps; Matroska would move SPS/PPS out of band), then copied to RTP and to Annex-B.
     */
    private static FfmpegRtp.Capture h264(Path annexB) {
        Path encoded = DIR.resolve("high.ts");
        TestFfmpeg.ffmpeg("-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=2", "-c:v", "libx264",
                "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", "25", "-bf", "2",
                "-x264-params", "slice-max-size=500", encoded.toString());
        TestFfmpeg.ffmpeg("-i", encoded.toString(), "-c", "copy", "-f", "h264", annexB.toString());
        return copyToRtp(encoded, "-payload_type", "96", "-pkt_size", "400");
    }

    @Test
    void h264AccessUnitsEqualTheAnnexBStreamInAvccForm() {
        Path file = DIR.resolve("high.h264");
        FfmpegRtp.Capture capture = h264(file);
        int[] packetTypes = new int[32];
        capture.rtp().forEach(p -> packetTypes[p.payload().get(0) & 0x1f]++);
        assertTrue(packetTypes[24] > 0 && packetTypes[28] > 0 && packetTypes[1] + packetTypes[5] > 0,
                "STAP-A " + packetTypes[24] + ", FU-A " + packetTypes[28] + ", single slices "
                        + (packetTypes[1] + packetTypes[5]));
        Depacketizer h264 = fromSdp("H264", 90000, 1, capture.sdp());
        TrackFormat fromSprop = h264.format();
        assertNotNull(fromSprop, "sprop-parameter-sets in " + capture.sdp());

        CollectedFrames frames = depacketize(capture, h264);

        List<List<byte[]>> accessUnits = AnnexB.accessUnits(AnnexB.nalUnits(TestFfmpeg.read(file)));
        assertEquals(50, accessUnits.size());
        assertEquals(accessUnits.size(), frames.size());
        TreeSet<Long> timestamps = new TreeSet<>();
        int keyframes = 0;
        for (int i = 0; i < accessUnits.size(); i++) {
            CollectedFrames.Frame frame = frames.frames.get(i);
            assertArrayEquals(AnnexB.avcc(accessUnits.get(i)), frame.data(), "access unit " + i);
            boolean idr = accessUnits.get(i).stream().anyMatch(nal -> (nal[0] & 0x1f) == 5);
            assertEquals(idr, frame.keyframe(), "access unit " + i);
            keyframes += idr ? 1 : 0;
            timestamps.add(frame.timestamp());
        }
        assertEquals(2, keyframes);
        assertEquals(50, timestamps.size(), "one timestamp per access unit");
        assertEquals(49 * 3600, timestamps.last() - timestamps.first(), "25 fps at 90 kHz");
        assertEquals(fromSprop, h264.format(), "in-band parameter sets are those of the SDP");
        assertEquals(640, h264.format().width());
        assertEquals(360, h264.format().height());
    }

    private static FfmpegRtp.Capture vp8(Path ivf) {
        TestFfmpeg.ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2", "-c:v", "libvpx",
                "-deadline", "realtime", "-cpu-used", "8", "-lag-in-frames", "0", "-g", "25", "-b:v", "1M",
                ivf.toString());
        return copyToRtp(ivf, "-payload_type", "97", "-pkt_size", "300");
    }

    @Test
    void vp8FramesEqualTheIvfFrames() {
        Path file = DIR.resolve("vp8.ivf");
        FfmpegRtp.Capture capture = vp8(file);
        Depacketizer vp8 = fromSdp("VP8", 90000, 1, capture.sdp());

        CollectedFrames frames = depacketize(capture, vp8);

        List<IvfReader.Frame> expected = IvfReader.frames(TestFfmpeg.read(file));
        assertEquals(50, expected.size());
        assertEquals(expected.size(), frames.size());
        int keyframes = 0;
        for (int i = 0; i < expected.size(); i++) {
            CollectedFrames.Frame frame = frames.frames.get(i);
            assertArrayEquals(expected.get(i).data(), frame.data(), "frame " + i);
            assertEquals(expected.get(i).pts() * 3600, frame.timestamp() - frames.frames.get(0).timestamp());
            keyframes += frame.keyframe() ? 1 : 0;
        }
        assertEquals(2, keyframes);
        assertTrue(capture.rtp().size() >= 3 * frames.size(), "frames span several packets: "
                + capture.rtp().size() + " packets");
        assertEquals(TrackFormat.video(Codec.VP8, 320, 240, null), vp8.format());
    }

    @Test
    void opusFramesEqualTheOggPackets() throws Exception {
        Path file = DIR.resolve("opus.ogg");
        TestFfmpeg.ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2", "-c:a",
                "libopus", "-b:a", "32k", file.toString());
        FfmpegRtp.Capture capture = copyToRtp(file, "-payload_type", "111");
        Depacketizer opus = fromSdp("opus", 48000, 2, capture.sdp());

        CollectedFrames frames = depacketize(capture, opus);

        // framemd5 of the copied stream: one line per Opus packet, "stream, dts, pts, duration, size, md5".
        String md5s = TestFfmpeg.ffmpeg("-i", file.toString(), "-c", "copy", "-f", "framemd5", "-").stdout();
        List<String[]> packets = new ArrayList<>();
        for (String line : md5s.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                packets.add(line.split(",\\s*"));
            }
        }
        assertTrue(packets.size() >= 100, "2 s of 20 ms packets: " + packets.size());
        assertEquals(packets.size(), frames.size());
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        for (int i = 0; i < packets.size(); i++) {
            byte[] data = frames.frames.get(i).data();
            assertEquals(Integer.parseInt(packets.get(i)[4]), data.length, "packet " + i);
            assertEquals(packets.get(i)[5].trim(), HexFormat.of().formatHex(md5.digest(data)), "packet " + i);
            if (i > 0) {
                assertEquals(960, frames.frames.get(i).timestamp() - frames.frames.get(i - 1).timestamp());
            }
        }
        assertEquals(2, opus.format().channels(), "ffmpeg's SDP says only sprop-stereo=0: " + fmtp(capture.sdp()));
    }

    /**
     * Every 23rd packet lost after the first access unit: what is stored is made of whole NAL units of the access
     * unit sent at its timestamp, never a cut one, and an access unit missing slices is never a keyframe.
     */
    @Test
    void h264WithLossStoresWholeNalUnitsOnly() {
        Path file = DIR.resolve("high-loss.h264");
        FfmpegRtp.Capture capture = h264(file);
        List<List<byte[]>> accessUnits = AnnexB.accessUnits(AnnexB.nalUnits(TestFfmpeg.read(file)));
        Map<Long, List<byte[]>> byTimestamp = new HashMap<>();
        H264Depacketizer h264 = new H264Depacketizer(null);
        CollectedFrames frames = depacketizeWithLoss(capture, h264, 23);
        // Access units in order of first packet: map each RTP timestamp to the access unit sent under it.
        List<Long> order = new ArrayList<>();
        long timestamp = capture.rtp().get(0).timestamp();
        for (FfmpegRtp.Packet packet : capture.rtp()) {
            timestamp = SeqNum.extendTimestamp(timestamp, packet.timestamp());
            if (order.isEmpty() || order.get(order.size() - 1) != timestamp) {
                order.add(timestamp);
            }
        }
        assertEquals(accessUnits.size(), order.size());
        for (int i = 0; i < order.size(); i++) {
            byTimestamp.put(order.get(i), accessUnits.get(i));
        }

        int exact = 0;
        int missingSlices = 0;
        for (CollectedFrames.Frame frame : frames.frames) {
            List<byte[]> sent = byTimestamp.get(frame.timestamp());
            assertNotNull(sent, "a frame at a timestamp never sent: " + frame.timestamp());
            List<byte[]> stored = avccNalUnits(frame.data());
            for (byte[] nal : stored) {
                assertTrue(sent.stream().anyMatch(s -> Arrays.equals(s, nal)), "a NAL unit that was not sent");
            }
            if (Arrays.equals(AnnexB.avcc(sent), frame.data())) {
                exact++;
            } else if (slices(stored) < slices(sent)) {
                missingSlices++;
                assertFalse(frame.keyframe(), "an access unit missing slices is no keyframe");
            }
            // else only an AUD, SEI or parameter set before the first slice was lost: the picture decodes whole.
        }
        assertTrue(missingSlices > 0, "the loss did not hit a slice: the test proves nothing");
        assertTrue(h264.damagedFrames() >= missingSlices, h264.damagedFrames() + " < " + missingSlices);
        assertTrue(exact + h264.damagedFrames() <= frames.size());
        assertTrue(h264.discarded(Discard.INCOMPLETE_NAL) > 0);
        assertEquals(0, h264.malformed());
    }

    /**
     * Every 23rd packet lost after the first frame: every stored VP8 frame is exactly one that was encoded, a
     * keyframe or an interframe with no loss between it and the last keyframe.
     */
    @Test
    void vp8WithLossStoresOnlyWholeFramesOfAnUnbrokenChain() {
        Path file = DIR.resolve("vp8-loss.ivf");
        FfmpegRtp.Capture capture = vp8(file);
        List<IvfReader.Frame> encoded = IvfReader.frames(TestFfmpeg.read(file));
        Vp8Depacketizer vp8 = new Vp8Depacketizer();

        CollectedFrames frames = depacketizeWithLoss(capture, vp8, 23);

        long first = capture.rtp().get(0).timestamp();
        for (CollectedFrames.Frame frame : frames.frames) {
            long index = (frame.timestamp() - first) / 3600;
            assertArrayEquals(encoded.get((int) index).data(), frame.data(), "frame " + index);
        }
        assertTrue(frames.size() < encoded.size());
        assertTrue(frames.frames.get(0).keyframe());
        assertTrue(vp8.discarded(Discard.DAMAGED_FRAME) > 0);
        assertTrue(vp8.discarded(Discard.WAITING_FOR_KEYFRAME) > 0);
        assertEquals(encoded.size(), frames.size() + vp8.discarded(Discard.DAMAGED_FRAME)
                + vp8.discarded(Discard.WAITING_FOR_KEYFRAME), "every frame stored or counted once");
    }

    /**
     * Feeds the packets in arrival order with extended timestamps, but every {@code nth} packet (0: none) after the
     * first frame (left whole, so that there is a keyframe to build on) is left out and reported lost.
     */
    private static CollectedFrames depacketizeWithLoss(FfmpegRtp.Capture capture, Depacketizer depacketizer,
                                                       int nth) {
        assertEquals(0, capture.sequenceGaps(), "loopback capture lost packets");
        CollectedFrames sink = new CollectedFrames();
        long timestamp = capture.rtp().get(0).timestamp();
        boolean lost = false;
        int firstMarker = -1;
        for (int i = 0; i < capture.rtp().size(); i++) {
            FfmpegRtp.Packet packet = capture.rtp().get(i);
            timestamp = SeqNum.extendTimestamp(timestamp, packet.timestamp());
            if (firstMarker < 0 && packet.marker()) {
                firstMarker = i;
            }
            if (nth > 0 && firstMarker >= 0 && i > firstMarker && (i - firstMarker) % nth == 0) {
                lost = true;
                continue;
            }
            depacketizer.push(packet.payload(), timestamp, packet.marker(), lost, sink);
            lost = false;
        }
        depacketizer.flush(sink);
        return sink;
    }

    private static long slices(List<byte[]> nals) {
        return nals.stream().filter(nal -> (nal[0] & 0x1f) == 1 || (nal[0] & 0x1f) == 5).count();
    }

    private static List<byte[]> avccNalUnits(byte[] avcc) {
        List<byte[]> nals = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(avcc);
        while (b.hasRemaining()) {
            byte[] nal = new byte[b.getInt()];
            b.get(nal);
            nals.add(nal);
        }
        return nals;
    }

    /** The frames are the G.711 code words ffmpeg put in the file, byte for byte: nothing is decoded. */
    @ParameterizedTest
    @CsvSource({"alaw, PCMA", "mulaw, PCMU"})
    void g711PassesTheCodedBytesThrough(String law, String encoding) {
        Path file = DIR.resolve("pcm_" + law + ".wav");
        Path codes = DIR.resolve("pcm_" + law + "." + law);
        TestFfmpeg.ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=2", "-c:a",
                "pcm_" + law, file.toString());
        TestFfmpeg.ffmpeg("-i", file.toString(), "-c", "copy", "-f", law, codes.toString());
        FfmpegRtp.Capture capture = copyToRtp(file);

        CollectedFrames frames = depacketize(capture, fromSdp(encoding, 8000, 1, capture.sdp()));

        assertEquals(16000, TestFfmpeg.read(codes).length);
        assertArrayEquals(TestFfmpeg.read(codes), concatenateCheckingTimestamps(frames, 1));
    }

    @Test
    void g722PassesTheCodedBytesThrough() {
        Path file = DIR.resolve("audio.g722");
        TestFfmpeg.ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=2", "-c:a", "g722",
                "-f", "g722", file.toString());
        FfmpegRtp.Capture capture = FfmpegRtp.send(DIR, List.of("-f", "g722", "-i", file.toString()),
                List.of("-c", "copy", "-ssrc", SSRC));
        assertEquals(9, capture.rtp().get(0).payloadType());

        CollectedFrames frames = depacketize(capture, fromSdp("G722", 8000, 1, capture.sdp()));

        assertArrayEquals(TestFfmpeg.read(file), concatenateCheckingTimestamps(frames, 1));
    }

    /**
     * All frames one after the other; each frame's timestamp must follow the previous one by its length in clock
     * ticks ({@code bytesPerTick} bytes each): no gap, no overlap.
     */
    private static byte[] concatenateCheckingTimestamps(CollectedFrames frames, int bytesPerTick) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < frames.size(); i++) {
            CollectedFrames.Frame frame = frames.frames.get(i);
            if (i > 0) {
                CollectedFrames.Frame previous = frames.frames.get(i - 1);
                assertEquals(previous.data().length / bytesPerTick, frame.timestamp() - previous.timestamp(),
                        "frame " + i);
            }
            assertTrue(frame.keyframe());
            all.writeBytes(frame.data());
        }
        return all.toByteArray();
    }
}
