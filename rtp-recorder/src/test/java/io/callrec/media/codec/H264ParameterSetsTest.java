package io.callrec.media.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callrec.testing.media.AnnexB;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class H264ParameterSetsTest {
    static final byte[] PPS = Base64.getDecoder().decode("aM4PyA==");

    @Test
    void avcCForBaselineFollowsTheFieldNotesLayout() throws Exception {
        H264ParameterSets sets = new H264ParameterSets();
        byte[] sps = H264SpsTest.BASELINE_640X360;
        sets.offer(sps, 0, sps.length);
        assertNull(sets.format(), "no PPS yet");
        sets.offer(PPS, 0, PPS.length);

        TrackFormat format = sets.format();

        assertEquals(TrackFormat.video(Codec.H264, 640, 360, format.codecPrivate()), format);
        byte[] expected = CollectedFrames.concat(new byte[] {1, sps[1], sps[2], sps[3], (byte) 0xff, (byte) 0xe1, 0,
                (byte) sps.length}, sps, new byte[] {1, 0, (byte) PPS.length}, PPS);
        assertArrayEquals(expected, format.codecPrivate());
    }

    private static H264ParameterSets baseline640x360() throws MalformedPayloadException {
        H264ParameterSets sets = new H264ParameterSets();
        sets.offer(H264SpsTest.BASELINE_640X360, 0, H264SpsTest.BASELINE_640X360.length);
        sets.offer(PPS, 0, PPS.length);
        return sets;
    }

    @Test
    void theFormatIsRebuiltOnlyWhenAParameterSetChanges() throws Exception {
        H264ParameterSets sets = baseline640x360();
        TrackFormat first = sets.format();
        byte[] sps = H264SpsTest.BASELINE_640X360;
        sets.offer(sps.clone(), 0, sps.length);
        assertSame(first, sets.format());
        byte[] otherPps = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};
        sets.offer(otherPps, 0, otherPps.length);
        assertArrayEquals(otherPps, Arrays.copyOfRange(sets.format().codecPrivate(),
                first.codecPrivate().length - PPS.length, first.codecPrivate().length));
    }

    @Test
    void aBrokenSpsLeavesTheOldOneInUse() throws Exception {
        H264ParameterSets sets = baseline640x360();
        TrackFormat before = sets.format();
        byte[] cut = Arrays.copyOf(H264SpsTest.BASELINE_640X360, 6);
        assertThrows(MalformedPayloadException.class, () -> sets.offer(cut, 0, cut.length));
        assertSame(before, sets.format());
    }

    /** The avcC must be byte for byte what ffmpeg's mp4 muxer makes of the same stream. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "yuv420p, baseline",
        "yuv420p, high",
        "yuv422p, high422",
        "yuv444p, high444",
    })
    void avcCEqualsFfmpegs(String pixelFormat, String profile) throws Exception {
        Path dir = TestFfmpeg.workDir("avcc");
        Path h264 = dir.resolve(profile + ".h264");
        Path mp4 = dir.resolve(profile + ".mp4");
        TestFfmpeg.ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x180:rate=25:duration=0.04", "-c:v", "libx264",
                "-pix_fmt", pixelFormat, "-profile:v", profile, h264.toString());
        TestFfmpeg.ffmpeg("-framerate", "25", "-i", h264.toString(), "-c", "copy", mp4.toString());
        List<byte[]> nals = AnnexB.nalUnits(TestFfmpeg.read(h264));
        byte[] sps = AnnexB.firstOfType(nals, 7);
        byte[] pps = AnnexB.firstOfType(nals, 8);
        assertNotNull(sps);
        assertNotNull(pps);
        H264ParameterSets sets = new H264ParameterSets();
        sets.offer(sps, 0, sps.length);
        sets.offer(pps, 0, pps.length);

        assertArrayEquals(TestFfmpeg.extradata(mp4), sets.format().codecPrivate());
        assertEquals(320, sets.format().width());
        assertEquals(180, sets.format().height());
    }
}
