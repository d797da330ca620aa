package io.callrec.sip.limits;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locks out password guessing: {@code maxFailures} failed digest authentications within {@code window} lock the
 * source address (IPv6: its /64) and, separately, the user name out for {@code lockout}. While locked, the caller
 * answers without checking any password, so a guess made then tells nothing even when it is right. A successful
 * authentication clears both counts.
 *
 * <p>Only configured user names are counted (any other name fails anyway, and counting it would let a guesser fill
 * the table). A user's lock does not apply to the last {@value #KNOWN_SOURCES_PER_USER} sources that user
 * authenticated from: someone guessing alice's password elsewhere locks alice's name for everyone else, but not her
 * own phone. Sources are kept in a bounded table (least recently failed forgotten first). Thread-safe.
 */
public final class AuthLockout {
    private static final Logger log = LoggerFactory.getLogger(AuthLockout.class);
    static final int KNOWN_SOURCES_PER_USER = 4;

    private final int maxFailures;
    private final long windowMillis;
    private final Duration lockout;
    private final Set<String> users;
    private final Clock clock;
    private final Map<SourceKey, Strikes> sources;
    private final Map<String, Strikes> byUser = new HashMap<>();
    private final LongAdder failures = new LongAdder();
    private final LongAdder lockouts = new LongAdder();
    private final LongAdder refused = new LongAdder();

    /** @param maxFailures 0 turns the lockout off */
    public AuthLockout(int maxFailures, Duration window, Duration lockout, Set<String> users, int maxSources,
                       Clock clock) {
        if (maxFailures < 0) {
            throw new IllegalArgumentException("max failures " + maxFailures + " is negative");
        }
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
        this.lockout = Objects.requireNonNull(lockout, "lockout");
        this.users = Set.copyOf(users);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sources = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<SourceKey, Strikes> eldest) {
                return size() > maxSources;
            }
        };
    }

    /**
     * Whether a request from {@code source} claiming {@code user} (null when it names none) must be refused
     * without looking at its credentials; counts the refusal.
     */
    public boolean locked(String user, InetAddress source) {
        if (maxFailures == 0) {
            return false;
        }
        long now = clock.millis();
        SourceKey key = SourceKey.of(source);
        boolean locked;
        synchronized (this) {
            Strikes s = sources.get(key);
            Strikes u = user == null ? null : byUser.get(user);
            locked = s != null && s.locked(now) || u != null && u.locked(now) && !u.known.contains(key);
        }
        if (locked) {
            refused.increment();
        }
        return locked;
    }

    /** A failed authentication from {@code source} claiming {@code user} (null when it named none). */
    public void failed(String user, InetAddress source) {
        if (maxFailures == 0) {
            return;
        }
        failures.increment();
        long now = clock.millis();
        SourceKey key = SourceKey.of(source);
        String sourceLocked = null;
        String userLocked = null;
        synchronized (this) {
            if (sources.computeIfAbsent(key, k -> new Strikes(maxFailures)).fail(now, windowMillis, lockout)) {
                sourceLocked = "source " + key + " locked out" + why();
            }
            if (user != null && users.contains(user)
                    && byUser.computeIfAbsent(user, k -> new Strikes(maxFailures)).fail(now, windowMillis, lockout)) {
                userLocked = "user '" + user + "' locked out" + why() + ", the last from " + key
                        + " (sources it logged in from before are not affected)";
            }
        }
        for (String what : new String[] {sourceLocked, userLocked}) {
            if (what != null) {
                lockouts.increment();
                log.warn("digest lockout: {}", what);
            }
        }
    }

    private String why() {
        return " for " + lockout.toSeconds() + " s after " + maxFailures + " failed authentications within "
                + windowMillis / 1000 + " s";
    }

    /** A successful authentication: clears the counts of both, and remembers the source as the user's own. */
    public void succeeded(String user, InetAddress source) {
        if (maxFailures == 0) {
            return;
        }
        SourceKey key = SourceKey.of(source);
        synchronized (this) {
            sources.remove(key);
            if (users.contains(user)) {
                Strikes u = byUser.computeIfAbsent(user, k -> new Strikes(maxFailures));
                u.clearFailures();
                u.known.remove(key);
                u.known.add(key);
                if (u.known.size() > KNOWN_SOURCES_PER_USER) {
                    u.known.remove(u.known.iterator().next());
                }
            }
        }
    }

    /** For {@code /health}. */
    public Map<String, Object> stats() {
        long now = clock.millis();
        int lockedSources;
        int lockedUsers;
        synchronized (this) {
            lockedSources = (int) sources.values().stream().filter(s -> s.locked(now)).count();
            lockedUsers = (int) byUser.values().stream().filter(s -> s.locked(now)).count();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("failures", failures.sum());
        out.put("lockouts", lockouts.sum());
        out.put("refusedWhileLocked", refused.sum());
        out.put("lockedSources", lockedSources);
        out.put("lockedUsers", lockedUsers);
        return out;
    }

    /** Recent failures of one source or user (a ring of the last few times) and its lock; guarded by the owner. */
    private static final class Strikes {
        private final long[] times;
        private int count;
        private int next;
        private long lockedUntil = Long.MIN_VALUE;
        final Set<SourceKey> known = new LinkedHashSet<>();

        Strikes(int maxFailures) {
            this.times = new long[maxFailures];
        }

        boolean locked(long now) {
            return now < lockedUntil;
        }

        /** Records a failure; true when it starts a lock. */
        boolean fail(long now, long windowMillis, Duration lockout) {
            times[next] = now;
            next = (next + 1) % times.length;
            count = Math.min(count + 1, times.length);
            // With the ring full, times[next] is the oldest of the last maxFailures failures.
            if (count == times.length && now - times[next] <= windowMillis && !locked(now)) {
                lockedUntil = now + lockout.toMillis();
                clearFailures();
                return true;
            }
            return false;
        }

        void clearFailures() {
            count = 0;
            next = 0;
        }
    }
}
