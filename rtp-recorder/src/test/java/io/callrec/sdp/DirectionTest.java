package io.callrec.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DirectionTest {
    @Test
    void reverseSwapsSendAndReceive() {
        assertEquals(Direction.RECVONLY, Direction.SENDONLY.reverse());
        assertEquals(Direction.SENDONLY, Direction.RECVONLY.reverse());
        assertEquals(Direction.SENDRECV, Direction.SENDRECV.reverse());
        assertEquals(Direction.INACTIVE, Direction.INACTIVE.reverse());
        for (Direction d : Direction.values()) {
            assertEquals(d, d.reverse().reverse());
            assertEquals(d.sends(), d.reverse().receives());
        }
    }

    @Test
    void sendsAndReceives() {
        assertTrue(Direction.SENDRECV.sends() && Direction.SENDRECV.receives());
        assertTrue(Direction.SENDONLY.sends() && !Direction.SENDONLY.receives());
        assertFalse(Direction.RECVONLY.sends());
        assertFalse(Direction.INACTIVE.sends() || Direction.INACTIVE.receives());
    }

    @Test
    void attributeNames() {
        for (Direction d : Direction.values()) {
            assertEquals(Optional.of(d), Direction.fromAttribute(d.attribute()));
        }
        assertEquals("sendonly", Direction.SENDONLY.attribute());
        assertEquals(Optional.empty(), Direction.fromAttribute("SENDONLY"));
        assertEquals(Optional.empty(), Direction.fromAttribute("sendonly:1"));
        assertEquals(Optional.empty(), Direction.fromAttribute("rtcp-mux"));
    }
}
