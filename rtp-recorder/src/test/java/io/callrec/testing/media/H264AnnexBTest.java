package io.callrec.testing.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class H264AnnexBTest {

    @Test
    void accessUnitsBecomeAvccWithTheKeyframeMarked() {
        // SPS, PPS, IDR slice (first_mb 0), then a P slice (first_mb 0): two access units.
        byte[] stream = HexFormat.of().parseHex("00000001" + "6742c01e" + "00000001" + "68ce"
                + "00000001" + "6588aa" + "00000001" + "419a");
        MediaTrack track = H264AnnexB.read(stream, 320, 240, 10);
        assertEquals(2, track.frames().size());
        assertEquals("000000046742c01e" + "0000000268ce" + "000000036588aa",
                HexFormat.of().formatHex(track.frames().get(0).data()));
        assertTrue(track.frames().get(0).keyframe());
        assertFalse(track.frames().get(1).keyframe());
        assertEquals(100_000, track.frames().get(1).timeMicros());
        assertEquals("0142c01effe100046742c01e01000268ce", HexFormat.of().formatHex(track.format().codecPrivate()));
    }
}
