package io.callrec.testing.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnnexBTest {
    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static final byte[] STREAM = bytes(
            0, 0, 0, 1, 0x67, 0xaa, // SPS after a 4-byte start code
            0, 0, 1, 0x68, 0xbb, // PPS
            0, 0, 1, 0x65, 0x88, 0x01, // IDR slice, first_mb_in_slice 0
            0, 0, 1, 0x65, 0x08, 0x02, 0, // IDR slice, first_mb_in_slice > 0, then a trailing zero byte
            0, 0, 0, 1, 0x41, 0x9a, 0x03); // next picture

    @Test
    void splitsNalUnitsWithoutStartCodesOrTrailingZeros() {
        List<byte[]> nals = AnnexB.nalUnits(STREAM);
        assertEquals(5, nals.size());
        assertArrayEquals(bytes(0x67, 0xaa), nals.get(0));
        assertArrayEquals(bytes(0x65, 0x08, 0x02), nals.get(3));
        assertArrayEquals(bytes(0x41, 0x9a, 0x03), nals.get(4));
    }

    @Test
    void groupsAccessUnitsAtTheFirstSliceOfEachPicture() {
        List<List<byte[]>> units = AnnexB.accessUnits(AnnexB.nalUnits(STREAM));
        assertEquals(2, units.size());
        assertEquals(4, units.get(0).size());
        assertEquals(1, units.get(1).size());
    }

    @Test
    void writesAvccWithFourByteLengths() {
        byte[] avcc = AnnexB.avcc(List.of(bytes(0x67, 0xaa), bytes(0x65)));
        assertArrayEquals(bytes(0, 0, 0, 2, 0x67, 0xaa, 0, 0, 0, 1, 0x65), avcc);
    }

    @Test
    void findsTheFirstNalUnitOfAType() {
        List<byte[]> nals = AnnexB.nalUnits(STREAM);
        assertArrayEquals(bytes(0x68, 0xbb), AnnexB.firstOfType(nals, 8));
        assertNull(AnnexB.firstOfType(nals, 9));
    }
}
