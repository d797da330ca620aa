package io.callrec.sip.auth;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Remembers which nonce counts were used with which nonce, so a captured request cannot be
 * replayed while its nonce is still fresh. Bounded: the least recently used nonces are forgotten
 * first, and each nonce keeps at most {@link #MAX_COUNTS_PER_NONCE} counts. A set rather than a
 * high-water mark because requests sent in parallel over UDP may arrive out of order.
 */
final class NonceCountTracker {

    static final int MAX_COUNTS_PER_NONCE = 1024;

    private final Map<String, Set<Long>> seen;

    NonceCountTracker(int maxNonces) {
        this.seen = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Set<Long>> eldest) {
                return size() > maxNonces;
            }
        };
    }

    /** True the first time {@code nc} is seen with {@code nonce}; false for a replay or past the per-nonce cap. */
    synchronized boolean firstUse(String nonce, long nc) {
        Set<Long> counts = seen.computeIfAbsent(nonce, n -> new HashSet<>());
        if (counts.size() >= MAX_COUNTS_PER_NONCE) {
            return false;
        }
        return counts.add(nc);
    }
}
