package io.callrec.sip.limits;

import static io.callrec.sip.limits.SourceRateLimiterTest.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.testing.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthLockoutTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InetAddress guesser = address("192.0.2.66");
    private final InetAddress phone = address("192.0.2.10");
    private final InetAddress other = address("192.0.2.20");
    private final AuthLockout lockout = new AuthLockout(5, Duration.ofSeconds(60), Duration.ofMinutes(5),
            Set.of("alice", "bob"), 100, clock);

    @Test
    void fiveFailuresWithinTheWindowLockTheSourceForTheLockoutTime() {
        for (int i = 0; i < 4; i++) {
            lockout.failed("mallory", guesser);
            assertFalse(lockout.locked("mallory", guesser), "after " + (i + 1) + " failures");
            clock.advance(Duration.ofSeconds(10));
        }
        lockout.failed("mallory", guesser);
        assertTrue(lockout.locked("mallory", guesser));
        assertTrue(lockout.locked("bob", guesser), "the source is locked whatever user it claims");
        assertTrue(lockout.locked(null, guesser));
        assertFalse(lockout.locked("mallory", other));
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertTrue(lockout.locked(null, guesser));
        clock.advance(Duration.ofMillis(1));
        assertFalse(lockout.locked(null, guesser), "the lock ends after 5 minutes");
        assertEquals(1L, lockout.stats().get("lockouts"));
        assertEquals(5L, lockout.stats().get("failures"));
    }

    @Test
    void failuresSpreadWiderThanTheWindowDoNotLock() {
        for (int i = 0; i < 50; i++) {
            lockout.failed("alice", guesser);
            clock.advance(Duration.ofSeconds(16)); // 5 failures span 64 s
        }
        assertFalse(lockout.locked("alice", guesser));
        assertFalse(lockout.locked("alice", other));
    }

    @Test
    void aUserGuessedFromManySourcesIsLockedButNotForTheSourcesItLoggedInFrom() {
        lockout.succeeded("alice", phone);
        for (int i = 0; i < 5; i++) {
            lockout.failed("alice", address("198.51.100." + i));
        }
        assertTrue(lockout.locked("alice", other), "alice's name is locked for everyone else");
        assertFalse(lockout.locked("alice", phone), "but not for the phone she logged in from");
        assertFalse(lockout.locked("bob", other));
        assertEquals(1, lockout.stats().get("lockedUsers"));
        assertEquals(0, lockout.stats().get("lockedSources"), "no single source failed 5 times");
    }

    @Test
    void unknownUserNamesAreNotCounted() {
        for (int i = 0; i < 5; i++) {
            lockout.failed("admin", address("198.51.100." + i));
        }
        assertFalse(lockout.locked("admin", other));
        assertEquals(0, lockout.stats().get("lockedUsers"));
    }

    @Test
    void aSuccessClearsTheCounts() {
        for (int i = 0; i < 4; i++) {
            lockout.failed("alice", phone);
        }
        lockout.succeeded("alice", phone);
        for (int i = 0; i < 4; i++) {
            lockout.failed("alice", phone);
        }
        assertFalse(lockout.locked("alice", phone));
        assertFalse(lockout.locked("alice", other));
    }

    @Test
    void refusalsWhileLockedAreCounted() {
        for (int i = 0; i < 5; i++) {
            lockout.failed("bob", guesser);
        }
        for (int i = 0; i < 7; i++) {
            assertTrue(lockout.locked("bob", guesser));
        }
        assertEquals(7L, lockout.stats().get("refusedWhileLocked"));
    }

    @Test
    void theTableOfSourcesIsBounded() {
        AuthLockout small = new AuthLockout(2, Duration.ofSeconds(60), Duration.ofMinutes(5), Set.of(), 2, clock);
        small.failed(null, guesser);
        small.failed(null, address("198.51.100.1"));
        small.failed(null, address("198.51.100.2"));
        small.failed(null, guesser);
        assertFalse(small.locked(null, guesser), "its first failure was forgotten with the eldest entry");
    }

    @Test
    void zeroFailuresTurnsItOff() {
        AuthLockout off = new AuthLockout(0, Duration.ofSeconds(60), Duration.ofMinutes(5), Set.of("alice"), 10, clock);
        for (int i = 0; i < 100; i++) {
            off.failed("alice", guesser);
        }
        assertFalse(off.locked("alice", guesser));
    }
}
