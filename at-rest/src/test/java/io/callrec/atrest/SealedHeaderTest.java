package io.callrec.atrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SealedHeaderTest {
    private final SealedHeader header = SealedHeader.create(SealedWriterTest.KEY, 1024);

    @Test
    void encodesAndParsesItsFieldsWhereTheFormatSays() throws SealedFileException {
        byte[] bytes = header.encoded();
        assertEquals(SealedHeader.LENGTH, bytes.length);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        assertEquals(0x89637261720d0a1aL, b.getLong(0), "magic \\x89crar\\r\\n\\x1a");
        assertEquals(1, bytes[8], "version");
        assertEquals(1, bytes[9], "algorithm");
        assertEquals(1024, b.getInt(12));
        assertEquals(SealedWriterTest.KEY.id(), java.util.HexFormat.of().formatHex(bytes, 16, 24));
        SealedHeader parsed = SealedHeader.parse(bytes, 0, bytes.length);
        assertEquals(header, parsed);
        assertEquals(SealedWriterTest.KEY.id(), parsed.keyId());
        assertTrue(SealedHeader.isSealed(bytes, 8));
        assertFalse(SealedHeader.isSealed("{\"version\":1}".getBytes(), 13));
    }

    @Test
    void refusesWhatIsNotAHeaderOfThisVersion() {
        byte[] bytes = header.encoded();
        bytes[8] = 2;
        SealedFileException e = assertThrows(SealedFileException.class, () -> SealedHeader.parse(bytes, 0, 56));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
        byte[] chunk = header.encoded();
        ByteBuffer.wrap(chunk).putInt(12, 16);
        assertThrows(SealedFileException.class, () -> SealedHeader.parse(chunk, 0, 56));
        assertThrows(SealedFileException.class, () -> SealedHeader.parse(header.encoded(), 0, 55));
        byte[] magic = header.encoded();
        magic[1] = 'C';
        assertTrue(assertThrows(SealedFileException.class, () -> SealedHeader.parse(magic, 0, 56)).getMessage()
                .contains("not an encrypted callrec file"));
    }

    @Test
    void lengthsMapBothWays() throws SealedFileException {
        int slot = 1024 + 20;
        assertEquals(56 + 20, header.storedLength(0));
        assertEquals(56 + 21, header.storedLength(1));
        assertEquals(56 + slot, header.storedLength(1024));
        assertEquals(56 + slot + 21, header.storedLength(1025));
        for (long plain = 0; plain < 5000; plain++) {
            long stored = header.storedLength(plain);
            assertEquals(plain, header.plainLength(stored));
            assertEquals(plain == 0 ? 0 : (plain - 1) / 1024, header.lastChunk(stored), "last chunk of " + plain);
        }
        assertThrows(SealedFileException.class, () -> header.plainLength(56 + 19));
        assertThrows(SealedFileException.class, () -> header.plainLength(56 + slot + 5));
        assertThrows(SealedFileException.class, () -> header.plainLength(10));
    }

    @Test
    void aRangeCoversExactlyTheChunksItTouches() {
        long stored = header.storedLength(3000);
        SealedHeader.StoredRange r = header.storedRange(1000, 100, stored);
        assertEquals(new SealedHeader.StoredRange(56, 2 * 1044, 0, 1000), r, "bytes 1000..1099 span chunks 0, 1");
        SealedHeader.StoredRange tail = header.storedRange(2048, 952, stored);
        assertEquals(new SealedHeader.StoredRange(56 + 2 * 1044, 952 + 20, 2, 0), tail, "the short last chunk");
    }
}
