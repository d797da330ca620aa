package io.callrec.media.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.testing.media.AnnexB;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class H264SpsTest {
    /** ffmpeg's sprop-parameter-sets SPS for libx264 640x360 constrained baseline (coded 640x368, cropped). */
    static final byte[] BASELINE_640X360 = Base64.getDecoder().decode("Z0LAHtoCgL/lwEQAAAMABAAAAwDIPFi6gA==");

    @Test
    void parsesABaselineSpsWithCropping() throws Exception {
        H264Sps sps = H264Sps.parse(BASELINE_640X360, 0, BASELINE_640X360.length);
        assertEquals(66, sps.profileIdc());
        assertEquals(0xc0, sps.constraintFlags());
        assertEquals(30, sps.levelIdc());
        assertEquals(1, sps.chromaFormatIdc());
        assertEquals(640, sps.width());
        assertEquals(360, sps.height());
    }

    @Test
    void refusesWhatIsNotAnSps() {
        byte[] pps = Base64.getDecoder().decode("aM4PyA==");
        assertThrows(MalformedPayloadException.class, () -> H264Sps.parse(pps, 0, pps.length));
        assertThrows(MalformedPayloadException.class, () -> H264Sps.parse(new byte[] {0x67}, 0, 1));
    }

    @Test
    void refusesAFieldCodedHeightBeyondTheLimitEvenWhereTwiceItOverflowsAnInt() {
        // Found by H264ParameterSetsFuzz: pic_height_in_map_units 1081344003 with frame_mbs_only 0 gave 243269720.
        byte[] sps = Base64.getDecoder().decode("Z0LlN/QDAAAAABAdAADFXQ==");
        MalformedPayloadException e = assertThrows(MalformedPayloadException.class,
                () -> H264Sps.parse(sps, 0, sps.length));
        assertTrue(e.getMessage().startsWith("coded size 1536x"), e.getMessage());
    }

    @Test
    void refusesAnSpsCutBeforeItsCroppingAndReadsNothingAfter() throws Exception {
        for (int length = 0; length < 9; length++) {
            int cut = length;
            assertThrows(MalformedPayloadException.class, () -> H264Sps.parse(BASELINE_640X360, 0, cut),
                    "cut at " + cut);
        }
        assertEquals(360, H264Sps.parse(BASELINE_640X360, 0, 9).height(), "the VUI is not needed");
    }

    @Test
    void refusesCroppingThatLeavesNothing() {
        // profile 66, level 30, sps id 0, log2_max_frame_num 4 (ue 0), poc type 2, 1 ref frame, no gaps,
        // 1x1 macroblocks, frame_mbs_only, direct_8x8, cropping 8 left + 0 + 0 + 0 (16 px of 16).
        // bits: 1 | 1 | 011 | 010 | 0 | 1 | 1 | 1 | 1 | 1 | 0001001 | 1 | 1 | 1 | stop bit 1
        byte[] sps = {0x67, 66, 0, 30, (byte) 0b1101_1010, (byte) 0b0111_1100, (byte) 0b0100_1111, (byte) 0x80};
        MalformedPayloadException e = assertThrows(MalformedPayloadException.class,
                () -> H264Sps.parse(sps, 0, sps.length));
        assertEquals("cropping 8/0/0/0 leaves nothing of 16x16", e.getMessage());
    }

    /** SPSs that libx264 writes, parsed from the Annex-B stream ffmpeg writes now. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
        "176x144,   yuv420p, -profile:v baseline,           66,  1, 176, 144",
        "320x240,   yuv420p, -profile:v main,               77,  1, 320, 240",
        "640x360,   yuv420p, -profile:v high,               100, 1, 640, 360",
        "1280x720,  yuv420p, -profile:v high,               100, 1, 1280, 720",
        "640x360,   yuv420p, -x264-params cqm=jvt:interlaced=1, 100, 1, 640, 360",
        "352x288,   yuv422p, -x264-params cqm=jvt,          122, 2, 352, 288",
        "200x100,   yuv444p, -x264-params cqm=jvt,          244, 3, 200, 100",
        "202x98,    yuv444p, -preset ultrafast,             244, 3, 202, 98",
        "318x238,   yuv422p, -x264-params interlaced=1,     122, 2, 318, 238",
    })
    void parsesLibx264Sps(String size, String pixelFormat, String options, int profile, int chroma, int width,
                          int height) throws Exception {
        Path dir = TestFfmpeg.workDir("sps");
        Path file = dir.resolve(size + "-" + pixelFormat + "-" + Math.abs(options.hashCode()) + ".h264");
        String[] extra = options.split(" ");
        TestFfmpeg.ffmpeg(concat(new String[] {"-f", "lavfi", "-i", "testsrc=size=" + size + ":rate=25:duration=0.04",
                "-c:v", "libx264", "-pix_fmt", pixelFormat}, extra, new String[] {file.toString()}));
        List<byte[]> nals = AnnexB.nalUnits(TestFfmpeg.read(file));
        byte[] spsNal = AnnexB.firstOfType(nals, 7);
        assertNotNull(spsNal, "no SPS in " + file);

        H264Sps sps = H264Sps.parse(spsNal, 0, spsNal.length);

        assertEquals(profile, sps.profileIdc());
        assertEquals(chroma, sps.chromaFormatIdc());
        assertEquals(width, sps.width());
        assertEquals(height, sps.height());
        assertEquals(8, sps.bitDepthLuma());
    }

    private static String[] concat(String[]... parts) {
        return Arrays.stream(parts).flatMap(Arrays::stream).toArray(String[]::new);
    }
}
