package io.callrec.sip.limits;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void startsFullAndRefillsAtItsRateUpToTheBurst() {
        TokenBucket b = new TokenBucket(10, 3, 0);
        assertTrue(b.isFull(0));
        assertTrue(b.tryTake(0));
        assertTrue(b.tryTake(0));
        assertTrue(b.tryTake(0));
        assertFalse(b.tryTake(0), "the burst is spent");
        assertFalse(b.tryTake(99), "0.99 of a token after 99 ms at 10/s");
        assertTrue(b.tryTake(100));
        assertFalse(b.hasToken(100));
        assertTrue(b.isFull(10_000), "an idle bucket fills up to its burst");
        assertTrue(b.tryTake(10_000) && b.tryTake(10_000) && b.tryTake(10_000));
        assertFalse(b.tryTake(10_000), "and no further");
    }

    @Test
    void hasTokenTakesNothing() {
        TokenBucket b = new TokenBucket(1, 1, 0);
        assertTrue(b.hasToken(0));
        assertTrue(b.hasToken(0));
        assertTrue(b.tryTake(0));
        assertFalse(b.hasToken(0));
    }

    @Test
    void aClockSteppingBackAddsNothing() {
        TokenBucket b = new TokenBucket(1000, 1, 5_000);
        assertTrue(b.tryTake(5_000));
        assertFalse(b.tryTake(1_000));
        assertFalse(b.tryTake(5_000), "time before the last refill does not count twice");
        assertTrue(b.tryTake(5_001));
    }

    @Test
    void shapesThatCannotWorkAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(10, 0.5, 0));
    }
}
