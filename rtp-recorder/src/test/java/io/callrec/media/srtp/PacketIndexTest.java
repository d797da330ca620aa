package io.callrec.media.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PacketIndexTest {

    @Test
    void theSameRollOverWithoutAWrap() {
        assertEquals(5 * 65536L + 1001, PacketIndex.estimate(5 * 65536L + 1000, 1001));
        assertEquals(5 * 65536L + 990, PacketIndex.estimate(5 * 65536L + 1000, 990));
        assertEquals(5 * 65536L + 40000, PacketIndex.estimate(5 * 65536L + 40100, 40000));
    }

    @Test
    void aWrapForwardIncrementsTheRollOverCounter() {
        assertEquals(6 * 65536L, PacketIndex.estimate(5 * 65536L + 65535, 0));
        assertEquals(6 * 65536L + 10, PacketIndex.estimate(5 * 65536L + 65500, 10));
    }

    @Test
    void aLatePacketFromBeforeTheWrapKeepsTheOldRollOverCounter() {
        assertEquals(5 * 65536L + 65535, PacketIndex.estimate(6 * 65536L + 3, 65535));
        assertEquals(5 * 65536L + 65000, PacketIndex.estimate(6 * 65536L, 65000));
    }

    @Test
    void beforeRollOverZeroIsNegative() {
        assertEquals(-65536L + 65535, PacketIndex.estimate(3, 65535));
    }

    /** RFC 3711 §3.3.1's boundaries: exactly half the sequence space ahead still counts as the same ROC. */
    @Test
    void halfTheSequenceSpaceBoundaries() {
        assertEquals(2 * 65536L + 32768 + 100, PacketIndex.estimate(2 * 65536L + 100, 32868));
        assertEquals(65536L + 32869, PacketIndex.estimate(2 * 65536L + 100, 32869));
        assertEquals(2 * 65536L + 32768, PacketIndex.estimate(2 * 65536L + 65535, 32768));
        assertEquals(3 * 65536L + 32766, PacketIndex.estimate(2 * 65536L + 65535, 32766));
    }
}
