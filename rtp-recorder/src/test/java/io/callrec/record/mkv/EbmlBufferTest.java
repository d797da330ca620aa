package io.callrec.record.mkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EbmlBufferTest {

    private static String hex(EbmlBuffer b) {
        return HexFormat.of().formatHex(b.toByteArray());
    }

    @ParameterizedTest
    @CsvSource({
        "0, 1", "126, 1", "127, 2", "16382, 2", "16383, 3", "2097150, 3", "2097151, 4", "268435454, 4",
        "268435455, 5", "34359738366, 5", "34359738367, 6", "4398046511102, 6", "4398046511103, 7",
        "562949953421310, 7", "562949953421311, 8", "72057594037927934, 8"})
    void sizeTakesTheShortestVintThatIsNotAllOnes(long size, int width) {
        assertEquals(width, EbmlBuffer.sizeLength(size));
        EbmlBuffer b = new EbmlBuffer(16);
        b.putSize(size);
        assertEquals(width, b.length());
        // Marker bit: the first set bit sits at position `width` from the left, the rest is the value.
        byte[] bytes = b.toByteArray();
        assertEquals(0x80 >>> (width - 1), Integer.highestOneBit(bytes[0] & 0xFF));
        long value = bytes[0] & (0xFF >>> width);
        for (int i = 1; i < width; i++) {
            value = value << 8 | (bytes[i] & 0xFF);
        }
        assertEquals(size, value);
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, 72057594037927935L, Long.MAX_VALUE})
    void sizesOutsideEightBytesAreRefused(long size) {
        assertThrows(IllegalArgumentException.class, () -> EbmlBuffer.sizeLength(size));
        assertThrows(IllegalArgumentException.class, () -> new EbmlBuffer(16).putSize(size));
    }

    @Test
    void knownEncodings() {
        EbmlBuffer b = new EbmlBuffer(16);
        b.putSize(0);
        b.putSize(126);
        b.putSize(127);
        b.putSize(5, 8);
        assertEquals("80" + "fe" + "407f" + "0100000000000005", hex(b));
    }

    @Test
    void aValueTooLargeForAFixedWidthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EbmlBuffer(16).putSize(127, 1));
        assertThrows(IllegalArgumentException.class, () -> new EbmlBuffer(16).putSize(1, 9));
    }

    @Test
    void unknownSizeIsAllOnesInEightBytes() {
        EbmlBuffer b = new EbmlBuffer(16);
        b.putUnknownSize();
        assertEquals("01ffffffffffffff", hex(b));
    }

    @Test
    void idsKeepTheirMarkerBitsAndLength() {
        EbmlBuffer b = new EbmlBuffer(16);
        b.putId(MatroskaIds.VOID);
        b.putId(MatroskaIds.EBML_VERSION);
        b.putId(MatroskaIds.TIMESTAMP_SCALE);
        b.putId(MatroskaIds.EBML);
        assertEquals("ec" + "4286" + "2ad7b1" + "1a45dfa3", hex(b));
        assertEquals(List.of(1, 2, 3, 4), List.of(EbmlBuffer.idLength(0xA3), EbmlBuffer.idLength(0x4DBB),
                EbmlBuffer.idLength(0x22B59C), EbmlBuffer.idLength(0x1F43B675)));
    }

    @Test
    void unsignedIntegersUseTheFewestBytes() {
        EbmlBuffer b = new EbmlBuffer(16);
        b.putUnsigned(MatroskaIds.TRACK_NUMBER, 0);
        b.putUnsigned(MatroskaIds.TRACK_NUMBER, 255);
        b.putUnsigned(MatroskaIds.TRACK_NUMBER, 256);
        b.putUnsigned(MatroskaIds.TIMESTAMP_SCALE, 1_000_000);
        b.putUnsigned(MatroskaIds.TRACK_UID, -1L);
        assertEquals("d78100" + "d781ff" + "d7820100" + "2ad7b1830f4240" + "73c588ffffffffffffffff", hex(b));
    }

    @Test
    void floatsAreEightByteIeee() {
        EbmlBuffer b = new EbmlBuffer(16);
        b.putFloat(MatroskaIds.SAMPLING_FREQUENCY, 48000.0);
        assertEquals("b588" + "40e7700000000000", hex(b));
        b.clear();
        b.putFloat(MatroskaIds.DURATION, 2999.5);
        assertEquals(2999.5, EbmlReader.parse(b.toByteArray()).get(0).floatValue());
    }

    @Test
    void datesCountNanosecondsFrom2001() {
        EbmlBuffer b = new EbmlBuffer(16);
        b.putDate(MatroskaIds.DATE_UTC, Instant.parse("2001-01-01T00:00:01Z"));
        assertEquals("4461" + "88" + "000000003b9aca00", hex(b));
        b.clear();
        b.putDate(MatroskaIds.DATE_UTC, Instant.parse("2000-12-31T23:59:59Z"));
        assertEquals("446188" + "ffffffffc4653600", hex(b));
    }

    @Test
    void stringsAreUtf8() {
        EbmlBuffer b = new EbmlBuffer(16);
        b.putString(MatroskaIds.NAME, "Zoë");
        assertEquals("536e" + "84" + "5a6fc3ab", hex(b));
    }

    @Test
    void masterSizeCoversItsContentInEightBytesAndCanShrinkToSeven() {
        EbmlBuffer b = new EbmlBuffer(16);
        int mark = b.startMaster(MatroskaIds.VIDEO);
        b.putUnsigned(MatroskaIds.PIXEL_WIDTH, 320);
        b.endMaster(mark);
        assertEquals("e0" + "0100000000000004" + "b0820140", hex(b));
        b.shrinkMasterSize(mark);
        assertEquals("e0" + "02000000000004" + "b0820140", hex(b));
        EbmlReader.Element video = EbmlReader.parse(b.toByteArray()).get(0);
        assertEquals(320, video.uint(MatroskaIds.PIXEL_WIDTH));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 127, 128, 129, 130, 20_000})
    void voidTakesExactlyTheGivenLength(int total) {
        EbmlBuffer b = new EbmlBuffer(16);
        b.putVoid(total);
        assertEquals(total, b.length());
        List<EbmlReader.Element> parsed = EbmlReader.parse(b.toByteArray());
        assertEquals(1, parsed.size());
        assertEquals(MatroskaIds.VOID, parsed.get(0).id());
    }

    @Test
    void aOneByteVoidDoesNotExist() {
        assertThrows(IllegalArgumentException.class, () -> new EbmlBuffer(16).putVoid(1));
    }

    @Test
    void clearKeepsTheArray() {
        EbmlBuffer b = new EbmlBuffer(16);
        b.putBytes(new byte[1000], 0, 1000);
        byte[] array = b.array();
        b.clear();
        b.putBytes(new byte[1000], 0, 1000);
        assertEquals(1000, b.length());
        assertSame(array, b.array());
    }
}
