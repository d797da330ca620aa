package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LoopCountersTest {
    @Test
    void sumsEverySlotOfEveryLoop() {
        LoopCounters first = new LoopCounters();
        LoopCounters second = new LoopCounters();
        first.increment(LoopCounters.PACKETS);
        first.add(LoopCounters.BYTES, 100);
        second.increment(LoopCounters.PACKETS);
        second.add(LoopCounters.BYTES, 50);
        second.increment(LoopCounters.STRANGER);
        first.increment(LoopCounters.MALFORMED);
        second.add(LoopCounters.NO_DESTINATION, 3);
        first.add(LoopCounters.SEND_FAILED, 4);
        second.add(LoopCounters.TAP_ERRORS, 5);
        first.add(LoopCounters.ERRORS, 6);
        second.add(LoopCounters.OVERSIZED, 7);
        RelayTotals totals = LoopCounters.sum(new DtlsCounters(), first, second);
        assertEquals(new RelayTotals(2, 150, 1, 1, 7, 3, 4, 5, 6, new SrtpTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                new DtlsTotals(0, 0, 0, 0, 0, 0)), totals);
        assertEquals(1 + 1 + 7 + 3 + 4, totals.dropped());
    }
}
