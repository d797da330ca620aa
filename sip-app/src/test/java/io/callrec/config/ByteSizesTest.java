package io.callrec.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void parsesBytesAndBinaryUnits() {
        assertEquals(0L, ByteSizes.parse("0"));
        assertEquals(1_048_576L, ByteSizes.parse("1048576"));
        assertEquals(100L, ByteSizes.parse("100B"));
        assertEquals(512L << 10, ByteSizes.parse("512KiB"));
        assertEquals(256L << 20, ByteSizes.parse("256MiB"));
        assertEquals(256L << 20, ByteSizes.parse(" 256mib "));
        assertEquals(1L << 30, ByteSizes.parse("1GiB"));
        assertEquals(2L << 40, ByteSizes.parse("2TiB"));
        assertEquals(Long.MAX_VALUE, ByteSizes.parse(Long.toString(Long.MAX_VALUE)));
    }

    @Test
    void refusesOtherText() {
        for (String bad : new String[] {"", "abc", "256 MiB", "1.5GiB", "-1", "256MB", "1G", "MiB", "1PiB"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(bad), bad);
            assertEquals("'" + bad.trim() + "' is not a size (e.g. 256MiB, 1GiB, 512KiB, 0)", e.getMessage());
        }
        assertEquals("'8388608TiB' is too large a size",
                assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("8388608TiB")).getMessage());
        assertEquals("'9999999999999999999' is too large a size",
                assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("9999999999999999999")).getMessage());
    }
}
