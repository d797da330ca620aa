package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.srtp.SrtpContext;
import io.callrec.media.srtp.SrtpKeyMaterial;
import io.callrec.media.srtp.SrtpProfile;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SsrcContextsTest {
    private final SrtpKeyMaterial key = SrtpKeyMaterial.random(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
            new SecureRandom());

    @Test
    void findsBySsrcUpToItsCapacityAndClears() {
        SsrcContexts<SrtpContext> table = new SsrcContexts<>(2);
        SrtpContext one = SrtpContext.sender(key, 1);
        SrtpContext minusOne = SrtpContext.sender(key, -1);
        assertNull(table.find(1));
        table.add(one);
        assertFalse(table.isFull());
        table.add(minusOne);
        assertTrue(table.isFull());
        assertSame(one, table.find(1));
        assertSame(minusOne, table.find(0xffffffff), "SSRCs are unsigned 32-bit values in an int");
        assertNull(table.find(2));
        table.clear();
        assertNull(table.find(1));
        assertFalse(table.isFull());
    }
}
