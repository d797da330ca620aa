package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class RateLimitedLogTest {
    @Test
    void letsOneMessageThroughPerInterval() {
        FakeTime time = new FakeTime();
        RateLimitedLog log = new RateLimitedLog(time.source, TimeUnit.SECONDS.toNanos(10));
        assertTrue(log.permit());
        assertFalse(log.permit());
        time.advanceMillis(9_999);
        assertFalse(log.permit());
        assertEquals(2, log.takeSuppressed());
        assertEquals(0, log.takeSuppressed());
        time.advanceMillis(1);
        assertTrue(log.permit());
        assertFalse(log.permit());
        assertEquals(1, log.takeSuppressed());
    }
}
