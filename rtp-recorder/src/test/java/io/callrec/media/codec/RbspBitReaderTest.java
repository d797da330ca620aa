package io.callrec.media.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RbspBitReaderTest {

    private static RbspBitReader reader(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new RbspBitReader(b, 0, b.length);
    }

    @Test
    void readsExpGolombCodes() throws Exception {
        // 1 | 010 | 011 | 00100 | 00101 | 0001000 → ue 0, 1, 2, 3, 4, 7; padded with 1s
        RbspBitReader r = reader(0b1010_0110, 0b0100_0010, 0b1000_1000, 0xff);
        assertEquals(0, r.ue());
        assertEquals(1, r.ue());
        assertEquals(2, r.ue());
        assertEquals(3, r.ue());
        assertEquals(4, r.ue());
        assertEquals(7, r.ue());
    }

    @Test
    void readsSignedExpGolombCodes() throws Exception {
        // codeNum 1, 2, 3, 4 → 1, -1, 2, -2
        RbspBitReader r = reader(0b0100_1100, 0b1000_0101, 0xff);
        assertEquals(1, r.se());
        assertEquals(-1, r.se());
        assertEquals(2, r.se());
        assertEquals(-2, r.se());
    }

    @Test
    void skipsEmulationPreventionBytes() throws Exception {
        RbspBitReader r = reader(0x00, 0x00, 0x03, 0x01, 0xab);
        assertEquals(0, r.bits(16));
        assertEquals(0x01, r.bits(8), "the 03 after two zero bytes is not data");
        assertEquals(0xab, r.bits(8));
    }

    @Test
    void a03NotAfterTwoZerosIsData() throws Exception {
        RbspBitReader r = reader(0x00, 0x03, 0x00, 0x00, 0x03);
        assertEquals(0x0003, r.bits(16));
        assertEquals(0, r.bits(16));
        assertThrows(MalformedPayloadException.class, r::bit, "an emulation prevention byte cannot end the data");
    }

    @Test
    void readingPastTheEndIsMalformed() {
        RbspBitReader r = reader(0x00);
        assertThrows(MalformedPayloadException.class, r::ue);
    }

    @Test
    void tooManyLeadingZerosIsMalformed() {
        RbspBitReader r = reader(0, 0, 0, 0, 0, 0, 0, 0x80);
        assertThrows(MalformedPayloadException.class, r::ue);
    }
}
