package io.callrec.link;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The secret keys that sign recording links, kept in the data directory's {@code keys/} (which holds other secrets
 * too, hence the prefix) so that links survive restarts:
 *
 * <pre>
 * keys/                 mode 0700 when created here
 *   link-current        the key id that signs new links (text, one line), mode 0600
 *   link-{kid}.key      32 random bytes, mode 0600
 * </pre>
 *
 * The first key is generated when the directory holds none. {@link #rotate()} adds a key and makes it current;
 * links signed with older keys still verify until their file is removed ({@link #remove(String)}, or by hand
 * followed by a restart). Files are created with their final permissions (never readable by others, not even for
 * a moment) and renamed into place, so a crash never leaves a half-written key. Thread-safe: readers see an
 * immutable snapshot.
 */
public final class LinkKeys {
    /** Key ids travel in every link: short, URL-safe, and never a path component. */
    public static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    public static final int KEY_BYTES = 32;

    private static final Logger log = LoggerFactory.getLogger(LinkKeys.class);
    private static final String CURRENT = "link-current";
    private static final String PREFIX = "link-";
    private static final String SUFFIX = ".key";
    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_RWX = PosixFilePermissions.fromString("rwx------");

    private final Path dir;
    private final SecureRandom random;
    private volatile Snapshot snapshot;

    private record Snapshot(String currentKid, Map<String, byte[]> keys) {
    }

    private LinkKeys(Path dir, SecureRandom random, Snapshot snapshot) {
        this.dir = dir;
        this.random = random;
        this.snapshot = snapshot;
    }

    /**
     * Loads the keys in {@code dir}, creating the directory and a first key when there are none.
     *
     * @throws IOException also when a key file is not {@value #KEY_BYTES} bytes or {@code current} names a missing key
     */
    public static LinkKeys open(Path dir) throws IOException {
        return open(dir, new SecureRandom());
    }

    static LinkKeys open(Path dir, SecureRandom random) throws IOException {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_RWX));
        }
        LinkKeys keys = new LinkKeys(dir, random, null);
        synchronized (keys) {
            keys.snapshot = keys.load();
            if (keys.snapshot.keys().isEmpty()) {
                keys.addKey();
            }
        }
        return keys;
    }

    /** The id of the key that signs new links. */
    public String currentKid() {
        return snapshot.currentKid();
    }

    /** The ids of every key that still verifies links, in no particular order. */
    public Set<String> kids() {
        return snapshot.keys().keySet();
    }

    /** The current key itself, for signing; package-private so that no caller can leak or modify it. */
    byte[] currentKey() {
        Snapshot s = snapshot;
        return s.keys().get(s.currentKid());
    }

    /** The key itself, or null; package-private like {@link #currentKey()}. */
    byte[] keyOrNull(String kid) {
        return kid == null ? null : snapshot.keys().get(kid);
    }

    /**
     * Generates a new key and makes it current. Links signed with the previous keys keep verifying.
     *
     * @return the new key id
     */
    public synchronized String rotate() throws IOException {
        return addKey();
    }

    /**
     * Removes a key: every link signed with it stops verifying at once. The current key cannot be removed (rotate
     * first).
     *
     * @return whether the key existed
     */
    public synchronized boolean remove(String kid) throws IOException {
        Snapshot s = snapshot;
        if (!s.keys().containsKey(kid)) {
            return false;
        }
        if (kid.equals(s.currentKid())) {
            throw new IllegalArgumentException("key " + kid + " is the current key; rotate before removing it");
        }
        Files.deleteIfExists(keyFile(kid));
        Map<String, byte[]> rest = new LinkedHashMap<>(s.keys());
        rest.remove(kid);
        snapshot = new Snapshot(s.currentKid(), Collections.unmodifiableMap(rest));
        log.info("link key {} removed; links signed with it no longer verify", kid);
        return true;
    }

    private String addKey() throws IOException {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        String kid = newKid();
        writePrivate(keyFile(kid), key);
        writePrivate(dir.resolve(CURRENT), (kid + "\n").getBytes(StandardCharsets.US_ASCII));
        Map<String, byte[]> keys = new LinkedHashMap<>(snapshot == null ? Map.of() : snapshot.keys());
        keys.put(kid, key);
        snapshot = new Snapshot(kid, Collections.unmodifiableMap(keys));
        log.info("link key {} generated in {}; it signs new links", kid, dir);
        return kid;
    }

    private String newKid() {
        Map<String, byte[]> existing = snapshot == null ? Map.of() : snapshot.keys();
        byte[] id = new byte[6];
        String kid;
        do {
            random.nextBytes(id);
            kid = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        } while (existing.containsKey(kid));
        return kid;
    }

    private Snapshot load() throws IOException {
        Map<String, byte[]> keys = new TreeMap<>();
        Map<String, FileTime> modified = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String kid = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
                if (!KID.matcher(kid).matches()) {
                    continue; // leftovers of an interrupted write start with a dot; anything else is not ours
                }
                tightenPermissions(file);
                byte[] key = Files.readAllBytes(file);
                if (key.length != KEY_BYTES) {
                    throw new IOException("link key " + file + " has " + key.length + " bytes, expected " + KEY_BYTES);
                }
                keys.put(kid, key);
                modified.put(kid, Files.getLastModifiedTime(file));
            }
        }
        if (keys.isEmpty()) {
            return new Snapshot(null, Map.of());
        }
        Path currentFile = dir.resolve(CURRENT);
        String current;
        if (Files.exists(currentFile)) {
            current = Files.readString(currentFile, StandardCharsets.US_ASCII).strip();
            if (!keys.containsKey(current)) {
                throw new IOException(currentFile + " names key '" + current + "', which is not among the "
                        + keys.size() + " keys in " + dir);
            }
        } else {
            // Keys put there by hand without naming one: the newest signs, as a person adding a key would expect.
            current = modified.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            writePrivate(currentFile, (current + "\n").getBytes(StandardCharsets.US_ASCII));
            log.warn("{} was missing; the newest key {} signs new links", currentFile, current);
        }
        return new Snapshot(current, Collections.unmodifiableMap(new LinkedHashMap<>(keys)));
    }

    private Path keyFile(String kid) {
        return dir.resolve(PREFIX + kid + SUFFIX);
    }

    private static void tightenPermissions(Path file) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!OWNER_RW.containsAll(perms)) {
            log.warn("link key {} was readable by others ({}); set to 0600", file,
                    PosixFilePermissions.toString(perms));
            Files.setPosixFilePermissions(file, OWNER_RW);
        }
    }

    /**
     * Writes a file that is 0600 from its creation on, then renames it over {@code target} in one step: the secret
     * is never readable by others, not even for a moment, and a crash never leaves half of it. Other secrets of the
     * data directory (digest secret, TLS key) are written the same way through this method.
     */
    public static void writePrivate(Path target, byte[] content) throws IOException {
        Path temp = target.toAbsolutePath().getParent().resolve("." + target.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_RW);
        try (FileChannel ch = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                ownerOnly)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot write " + target + ": " + temp + " appeared meanwhile", e);
        }
        // The umask may only remove bits; set them explicitly in case the file system ignored the attribute.
        Files.setPosixFilePermissions(temp, OWNER_RW);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
