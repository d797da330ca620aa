package io.callrec.atrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AtRestKeysTest {
    private final AtRestKey a = AtRestKey.of(SealedWriterTest.filled(32, 1));
    private final AtRestKey b = AtRestKey.of(SealedWriterTest.filled(32, 2));

    @Test
    void theCurrentKeyEncryptsAndEveryKeyDecrypts() throws UnknownKeyException {
        AtRestKeys keys = AtRestKeys.of(b, List.of(a, b, a));
        assertTrue(keys.encrypts());
        assertSame(b, keys.current().orElseThrow());
        assertSame(a, keys.find(a.id()));
        assertSame(b, keys.find(b.id()));
        assertEquals(List.of(b.id(), a.id()), keys.ids(), "current first, duplicates once");
        assertFalse(keys.toString().contains("AtRestKey["), "ids only");
    }

    @Test
    void decryptOnlyKeysReadWithoutWriting() throws UnknownKeyException {
        AtRestKeys keys = AtRestKeys.of(null, List.of(a));
        assertFalse(keys.encrypts());
        assertSame(a, keys.find(a.id()));
        assertThrows(UnknownKeyException.class, () -> keys.find(b.id()));
        assertFalse(AtRestKeys.none().encrypts());
    }
}
