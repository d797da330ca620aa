package io.callrec.sip.registrar;

import io.callrec.sip.registrar.RegistrationOutcome.Accepted;
import io.callrec.sip.registrar.RegistrationOutcome.Rejected;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The location service behind REGISTER (RFC 3261 10.3): bindings per address-of-record, kept in
 * memory. Thread-safe; one lock guards the table because every operation is short.
 *
 * <p>Any domain is accepted and kept apart ({@code sip:bob@a} and {@code sip:bob@b} are two AORs):
 * the server answers on whatever address it is reached at, and {@link #lookup(String)} by user
 * alone finds bob under every domain, which is what routing a call to {@code sip:bob@server-ip}
 * needs. Expired bindings disappear on the next access to their AOR and in {@link #purgeExpired()}.
 */
public final class Registrar {

    public static final int DEFAULT_EXPIRES = 3600;
    public static final int MIN_EXPIRES = 60;
    public static final int MAX_EXPIRES = 7200;
    /** Beyond this many contacts per AOR a REGISTER is refused, so one user cannot fill memory. */
    public static final int MAX_BINDINGS_PER_AOR = 20;
    /**
     * Beyond this many addresses of record a REGISTER for a new one is refused (503): without configured users anyone
     * may register any name, and the table would grow with every name a flood invents (~1 KiB each).
     */
    public static final int MAX_AORS = 50_000;

    private static final Logger log = LoggerFactory.getLogger(Registrar.class);
    private static final Comparator<Binding> BEST_FIRST = Comparator.comparingDouble(Binding::q).reversed()
            .thenComparing(Binding::registeredAt, Comparator.reverseOrder());

    private final Clock clock;
    private final Object lock = new Object();
    /** user → domain → binding key → binding; guarded by {@link #lock}. */
    private final Map<String, Map<String, Map<String, Binding>>> bindings = new HashMap<>();
    private final List<RegistrationListener> listeners = new CopyOnWriteArrayList<>();
    private final int maxAors;
    /** Addresses of record in {@link #bindings}; guarded by {@link #lock}. */
    private int aorCount;
    private Instant lastPurgeWhenFull = Instant.MIN;

    public Registrar(Clock clock) {
        this(clock, MAX_AORS);
    }

    Registrar(Clock clock, int maxAors) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxAors = maxAors;
    }

    public int minExpires() {
        return MIN_EXPIRES;
    }

    Clock clock() {
        return clock;
    }

    public void addListener(RegistrationListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Applies a REGISTER: all of its contact updates, or none of them when one fails
     * (RFC 3261 10.3 step 7 asks for all-or-nothing).
     */
    public RegistrationOutcome register(RegistrationRequest request) {
        Instant now = clock.instant();
        RegistrationOutcome outcome;
        boolean addedOrRefreshed = false;
        synchronized (lock) {
            Map<String, Binding> current = new LinkedHashMap<>(liveBindings(request.aor(), now));
            Map<String, Binding> updated = new LinkedHashMap<>(current);
            RegistrationOutcome problem = request.wildcard()
                    ? removeAll(request, updated)
                    : applyContacts(request, updated, now);
            if (problem != null) {
                return problem;
            }
            if (updated.size() > MAX_BINDINGS_PER_AOR) {
                return new Rejected(403, "Too Many Bindings");
            }
            if (current.isEmpty() && !updated.isEmpty() && full(now)) {
                log.warn("registrar full ({} addresses of record): REGISTER for {} refused", aorCount, request.aor());
                return new Rejected(503, "Service Unavailable (registrar full)");
            }
            store(request.aor(), updated);
            addedOrRefreshed = !request.wildcard() && request.contacts().stream()
                    .anyMatch(c -> updated.containsKey(Binding.keyOf(c.uri(), c.instanceId(), c.regId())));
            outcome = new Accepted(sorted(updated.values()));
            logChange(request.aor(), current, updated);
        }
        if (addedOrRefreshed) {
            notifyListeners(request.aor(), ((Accepted) outcome).bindings());
        }
        return outcome;
    }

    /**
     * Whether no new address of record fits; expired ones are purged first, at most once a second (a REGISTER
     * flood at the cap must not make every request walk the whole table). Caller holds the lock.
     */
    private boolean full(Instant now) {
        if (aorCount >= maxAors && !now.isBefore(lastPurgeWhenFull.plusSeconds(1))) {
            lastPurgeWhenFull = now;
            purgeExpired();
        }
        return aorCount >= maxAors;
    }

    /** Current bindings of {@code user} under any domain, best first (q descending, then newest). */
    public List<Binding> lookup(String user) {
        Instant now = clock.instant();
        List<Binding> found = new ArrayList<>();
        synchronized (lock) {
            Map<String, Map<String, Binding>> domains = bindings.get(user);
            if (domains == null) {
                return List.of();
            }
            for (String domain : List.copyOf(domains.keySet())) {
                found.addAll(liveBindings(new AddressOfRecord(user, domain), now).values());
            }
        }
        return sorted(found);
    }

    /** Current bindings of one AOR, best first. */
    public List<Binding> lookup(AddressOfRecord aor) {
        Instant now = clock.instant();
        synchronized (lock) {
            return sorted(liveBindings(aor, now).values());
        }
    }

    /** Number of live bindings over all AORs. */
    public int count() {
        purgeExpired();
        synchronized (lock) {
            return bindings.values().stream().flatMap(d -> d.values().stream()).mapToInt(Map::size).sum();
        }
    }

    /** Drops every expired binding; returns how many. Meant for a periodic task. */
    public int purgeExpired() {
        Instant now = clock.instant();
        int removed = 0;
        synchronized (lock) {
            for (var users = bindings.values().iterator(); users.hasNext(); ) {
                Map<String, Map<String, Binding>> domains = users.next();
                for (var aors = domains.values().iterator(); aors.hasNext(); ) {
                    Map<String, Binding> contacts = aors.next();
                    int before = contacts.size();
                    contacts.values().removeIf(b -> b.isExpired(now));
                    removed += before - contacts.size();
                    if (contacts.isEmpty()) {
                        aors.remove();
                        aorCount--;
                    }
                }
                if (domains.isEmpty()) {
                    users.remove();
                }
            }
        }
        return removed;
    }

    /** {@code Contact: *}: allowed alone with Expires 0; removes every binding unless one is out of order. */
    private static RegistrationOutcome removeAll(RegistrationRequest request, Map<String, Binding> updated) {
        if (request.contactCount() != 1 || request.expiresHeader().orElse(-1) != 0) {
            return new Rejected(400, "Bad Request (Contact: * needs Expires: 0 and no other Contact)");
        }
        for (Binding binding : updated.values()) {
            if (isOutOfOrder(binding, request)) {
                return outOfOrder();
            }
        }
        updated.clear();
        return null;
    }

    private RegistrationOutcome applyContacts(RegistrationRequest request, Map<String, Binding> updated, Instant now) {
        for (ContactRequest contact : request.contacts()) {
            int expires = contact.expires().orElse(request.expiresHeader().orElse(DEFAULT_EXPIRES));
            if (expires < 0) {
                return new Rejected(400, "Bad Request (negative expires)");
            }
            if (expires > 0 && expires < MIN_EXPIRES) {
                return new Rejected(423, "Interval Too Brief");
            }
            double q = contact.q().orElse(1.0);
            if (q < 0 || q > 1) {
                return new Rejected(400, "Bad Request (q must be between 0 and 1)");
            }
            String key = Binding.keyOf(contact.uri(), contact.instanceId(), contact.regId());
            Binding existing = updated.get(key);
            if (existing != null && isOutOfOrder(existing, request)) {
                return outOfOrder();
            }
            if (expires == 0) {
                updated.remove(key);
                continue;
            }
            int granted = Math.min(expires, MAX_EXPIRES);
            updated.put(key, new Binding(request.aor(), contact.uri(), q, request.callId(), request.cseq(),
                    contact.instanceId(), contact.regId(), request.source(), request.transport(),
                    now, now.plusSeconds(granted)));
        }
        return null;
    }

    /** RFC 3261 10.3 step 7: the same Call-ID with a CSeq not above the stored one is a stale request. */
    private static boolean isOutOfOrder(Binding existing, RegistrationRequest request) {
        return existing.callId().equals(request.callId()) && request.cseq() <= existing.cseq();
    }

    private static Rejected outOfOrder() {
        return new Rejected(500, "Server Internal Error (REGISTER out of order: CSeq not above the stored one)");
    }

    /** The AOR's table without expired entries; removes those from storage too. Caller holds the lock. */
    private Map<String, Binding> liveBindings(AddressOfRecord aor, Instant now) {
        Map<String, Map<String, Binding>> domains = bindings.get(aor.user());
        Map<String, Binding> contacts = domains == null ? null : domains.get(aor.domain());
        if (contacts == null) {
            return Map.of();
        }
        contacts.values().removeIf(b -> b.isExpired(now));
        if (contacts.isEmpty()) {
            store(aor, contacts);
        }
        return contacts;
    }

    /** Caller holds the lock. */
    private void store(AddressOfRecord aor, Map<String, Binding> contacts) {
        if (contacts.isEmpty()) {
            Map<String, Map<String, Binding>> domains = bindings.get(aor.user());
            if (domains != null && domains.remove(aor.domain()) != null) {
                aorCount--;
                if (domains.isEmpty()) {
                    bindings.remove(aor.user());
                }
            }
            return;
        }
        if (bindings.computeIfAbsent(aor.user(), u -> new HashMap<>()).put(aor.domain(), new LinkedHashMap<>(contacts))
                == null) {
            aorCount++;
        }
    }

    private static List<Binding> sorted(java.util.Collection<Binding> bindings) {
        return bindings.stream().sorted(BEST_FIRST).toList();
    }

    private static void logChange(AddressOfRecord aor, Map<String, Binding> before, Map<String, Binding> after) {
        for (String key : after.keySet()) {
            if (!before.containsKey(key)) {
                log.info("registered {} at {} via {} {}", aor, after.get(key).contactUri(),
                        after.get(key).transport(), after.get(key).source());
            }
        }
        for (String key : before.keySet()) {
            if (!after.containsKey(key)) {
                log.info("unregistered {} at {}", aor, before.get(key).contactUri());
            }
        }
    }

    private void notifyListeners(AddressOfRecord aor, List<Binding> current) {
        for (RegistrationListener listener : listeners) {
            try {
                listener.onRegistered(aor, current);
            } catch (RuntimeException e) {
                // A failing listener must not turn a successful REGISTER into an error for the UA.
                log.warn("registration listener failed for {}", aor, e);
            }
        }
    }
}
