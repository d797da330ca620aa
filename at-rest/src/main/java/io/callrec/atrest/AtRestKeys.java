package io.callrec.atrest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The at-rest keys a server holds: at most one current key, which encrypts every new file, and any number of keys
 * that only decrypt (earlier current keys, after a rotation). Every file names the key that encrypted it by id, so
 * files written under different keys can be read side by side. Immutable, thread-safe.
 */
public final class AtRestKeys {
    private static final AtRestKeys NONE = new AtRestKeys(null, Map.of());

    private final AtRestKey current;
    private final Map<String, AtRestKey> byId;

    private AtRestKeys(AtRestKey current, Map<String, AtRestKey> byId) {
        this.current = current;
        this.byId = byId;
    }

    /** No keys: files are written in plain, and encrypted files cannot be read. */
    public static AtRestKeys none() {
        return NONE;
    }

    /**
     * @param current    encrypts new files; null to write files in plain
     * @param decryptOnly further keys that still decrypt (duplicates of each other or of {@code current} are fine)
     */
    public static AtRestKeys of(AtRestKey current, List<AtRestKey> decryptOnly) {
        Objects.requireNonNull(decryptOnly, "decryptOnly");
        Map<String, AtRestKey> byId = new LinkedHashMap<>();
        if (current != null) {
            byId.put(current.id(), current);
        }
        for (AtRestKey k : decryptOnly) {
            byId.putIfAbsent(k.id(), Objects.requireNonNull(k, "decryptOnly key"));
        }
        return new AtRestKeys(current, Collections.unmodifiableMap(byId));
    }

    /** A single key that encrypts and decrypts. */
    public static AtRestKeys of(AtRestKey current) {
        return of(Objects.requireNonNull(current, "current"), List.of());
    }

    /** The key new files are encrypted with; empty when files are written in plain. */
    public Optional<AtRestKey> current() {
        return Optional.ofNullable(current);
    }

    public boolean encrypts() {
        return current != null;
    }

    /**
     * The key with this id.
     *
     * @throws UnknownKeyException when no key held here has it
     */
    public AtRestKey find(String keyId) throws UnknownKeyException {
        AtRestKey key = byId.get(keyId);
        if (key == null) {
            throw new UnknownKeyException("encrypted with at-rest key " + keyId + ", which is not configured ("
                    + (byId.isEmpty() ? "no at-rest keys are" : "keys " + String.join(", ", byId.keySet()) + " are")
                    + "; see --encrypt-at-rest and --decrypt-at-rest)");
        }
        return key;
    }

    /** The ids of every key held, the current one first. */
    public List<String> ids() {
        return new ArrayList<>(byId.keySet());
    }

    @Override
    public String toString() {
        return "AtRestKeys[current=" + (current == null ? "none" : current.id()) + ", all=" + byId.keySet() + "]";
    }
}
