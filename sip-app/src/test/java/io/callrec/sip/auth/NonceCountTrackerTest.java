package io.callrec.sip.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NonceCountTrackerTest {

    @Test
    void eachCountOncePerNonceInAnyOrder() {
        NonceCountTracker tracker = new NonceCountTracker(10);
        assertTrue(tracker.firstUse("n1", 2));
        assertTrue(tracker.firstUse("n1", 1));
        assertFalse(tracker.firstUse("n1", 2));
        assertTrue(tracker.firstUse("n2", 2));
    }

    @Test
    void leastRecentlyUsedNoncesAreForgotten() {
        NonceCountTracker tracker = new NonceCountTracker(2);
        tracker.firstUse("a", 1);
        tracker.firstUse("b", 1);
        tracker.firstUse("a", 2);
        tracker.firstUse("c", 1);
        assertFalse(tracker.firstUse("a", 1), "a was used recently and is still known");
        assertTrue(tracker.firstUse("b", 1), "b was evicted, so its count looks new");
    }

    @Test
    void countsPerNonceAreCapped() {
        NonceCountTracker tracker = new NonceCountTracker(1);
        for (int nc = 1; nc <= NonceCountTracker.MAX_COUNTS_PER_NONCE; nc++) {
            assertTrue(tracker.firstUse("n", nc));
        }
        assertFalse(tracker.firstUse("n", NonceCountTracker.MAX_COUNTS_PER_NONCE + 1L));
    }
}
