package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SrtpTotalsTest {
    @Test
    void droppedAddsEveryReasonButNotTheForwarded() {
        SrtpTotals t = new SrtpTotals(1000, 900, 1, 2, 3, 4, 5, 6, 7, 8);
        assertEquals(36, t.dropped());
        RelayTotals relay = new RelayTotals(900, 0, 10, 20, 0, 30, 40, 0, 0, t, new DtlsTotals(0, 0, 0, 0, 0, 0));
        assertEquals(100 + 36, relay.dropped(), "the relay's drops include SRTP's");
    }
}
