package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SideTest {
    @Test
    void otherSwapsTheParties() {
        assertEquals(Side.B, Side.A.other());
        assertEquals(Side.A, Side.B.other());
    }
}
