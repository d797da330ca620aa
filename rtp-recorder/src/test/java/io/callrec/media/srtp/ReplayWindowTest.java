package io.callrec.media.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {

    @Test
    void newIndexesAreAcceptedOnceAndOnlyOnce() {
        ReplayWindow window = new ReplayWindow();
        assertEquals(SrtpVerdict.OK, window.check(1000));
        window.accept(1000);
        assertEquals(SrtpVerdict.REPLAYED, window.check(1000));
        assertEquals(SrtpVerdict.OK, window.check(1001));
        assertEquals(SrtpVerdict.OK, window.check(999), "a late packet inside the window");
        window.accept(999);
        assertEquals(SrtpVerdict.REPLAYED, window.check(999));
        assertEquals(1000, window.highest());
    }

    @Test
    void theWindowIsSixtyFourPacketsBehindTheHighest() {
        ReplayWindow window = new ReplayWindow();
        window.accept(200);
        assertEquals(SrtpVerdict.OK, window.check(200 - 63));
        assertEquals(SrtpVerdict.TOO_OLD, window.check(200 - 64));
        window.accept(210);
        assertEquals(SrtpVerdict.REPLAYED, window.check(200), "still remembered after the window moved");
        assertEquals(SrtpVerdict.TOO_OLD, window.check(210 - 64));
        window.accept(500);
        assertEquals(SrtpVerdict.TOO_OLD, window.check(210), "a jump beyond the window forgets everything before");
        assertEquals(SrtpVerdict.OK, window.check(499));
    }

    @Test
    void aGapIsFilledInAnyOrder() {
        ReplayWindow window = new ReplayWindow();
        window.accept(10);
        window.accept(20);
        for (long i = 19; i > 10; i -= 2) {
            window.accept(i);
        }
        for (long i = 10; i <= 20; i++) {
            boolean accepted = i == 10 || i == 20 || i % 2 == 1;
            assertEquals(accepted ? SrtpVerdict.REPLAYED : SrtpVerdict.OK, window.check(i), "index " + i);
        }
    }

    @Test
    void negativeIndexesAreBeforeTheStream() {
        assertEquals(SrtpVerdict.TOO_OLD, new ReplayWindow().check(-5));
    }
}
