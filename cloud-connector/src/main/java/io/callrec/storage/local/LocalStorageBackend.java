package io.callrec.storage.local;

import io.callrec.atrest.AtRestFiles;
import io.callrec.storage.ContentMismatchException;
import io.callrec.storage.LocalStorageProbe;
import io.callrec.storage.ObjectNames;
import io.callrec.storage.ObjectNotFoundException;
import io.callrec.storage.Sha256;
import io.callrec.storage.StorageBackend;
import io.callrec.storage.StorageException;
import io.callrec.storage.StorageStatus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.io.input.BoundedInputStream;

/**
 * Recordings in a local directory ({@code file:PATH}): each object at {@code PATH/recordings/{id}/{name}}, served by
 * callrec's own download service. An object appears under its name only complete and verified (written under a
 * dot-name, synced, then renamed), so a reader never sees half a file.
 */
public final class LocalStorageBackend implements StorageBackend {
    /** Small enough not to be a humongous object for G1 (see {@link Sha256}); no slower for a file copy. */
    private static final int COPY_BUFFER = 64 * 1024;

    private final Path root;
    private final Path recordings;
    private final LocalStorageProbe probe;

    /**
     * @param root         the {@code file:} path (also callrec's data directory)
     * @param minFreeBytes allocation is refused while the file system has less free space than this
     */
    public LocalStorageBackend(Path root, long minFreeBytes, Clock clock) {
        this.root = Objects.requireNonNull(root, "root");
        this.recordings = root.resolve("recordings");
        this.probe = new LocalStorageProbe(recordings, minFreeBytes, clock);
    }

    /** Where the recording's objects are; the download service may serve them from here directly. */
    public Path recordingDirectory(String recordingId) {
        ObjectNames.checkId(recordingId);
        return recordings.resolve(recordingId);
    }

    @Override
    public String describe() {
        return "file:" + root.toAbsolutePath().normalize();
    }

    @Override
    public StorageStatus probe() {
        return probe.probe();
    }

    @Override
    public void allocate(String recordingId) throws StorageException {
        Path dir = recordingDirectory(recordingId);
        StorageStatus s = probe.probe();
        if (!s.available()) {
            throw new StorageException(s.reason(), true);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create " + dir + ": " + e.getClass().getSimpleName(), true, e);
        }
    }

    @Override
    public void put(String recordingId, String name, Path file, String sha256) throws StorageException {
        store(recordingId, name, file, sha256, false);
    }

    /** Renames the file into place when it is on the same file system (a recording of any size in milliseconds). */
    @Override
    public void moveIn(String recordingId, String name, Path file, String sha256) throws StorageException {
        store(recordingId, name, file, sha256, true);
    }

    private void store(String recordingId, String name, Path file, String sha256, boolean mayMove)
            throws StorageException {
        ObjectNames.check(recordingId, name);
        if (!Sha256.isHex(sha256)) {
            throw new IllegalArgumentException("not a lower-case hex SHA-256: " + sha256);
        }
        Path dir = recordingDirectory(recordingId);
        Path target = dir.resolve(name);
        try {
            Files.createDirectories(dir);
            if (mayMove && moved(file, target, sha256)) {
                return;
            }
            copy(file, target, sha256);
        } catch (NoSuchFileException e) {
            throw new StorageException("no file to store: " + e.getFile(), false, e);
        } catch (IOException e) {
            throw new StorageException("storing " + name + " of " + recordingId + " in " + dir + " failed: " + e,
                    true, e);
        }
    }

    /** False when the file system cannot rename across (then the caller copies). */
    private boolean moved(Path file, Path target, String sha256) throws IOException, ContentMismatchException {
        // A rename keeps the bytes as they are, so checking the source once is checking what is stored.
        String actual = Sha256.of(file);
        if (!actual.equals(sha256)) {
            throw mismatch(file, sha256, actual);
        }
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            return false;
        }
        syncDirectory(target.getParent());
        return true;
    }

    private void copy(Path file, Path target, String sha256) throws IOException, StorageException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
        try {
            MessageDigest read = Sha256.newDigest();
            long size;
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.allocate(COPY_BUFFER);
                while (in.read(buf) >= 0) {
                    buf.flip();
                    read.update(buf.duplicate());
                    while (buf.hasRemaining()) {
                        out.write(buf);
                    }
                    buf.clear();
                }
                out.force(true);
                size = out.size();
            }
            String source = Sha256.hex(read.digest());
            if (!source.equals(sha256)) {
                throw mismatch(file, sha256, source);
            }
            // Read back what the disk holds: a bad copy must fail here, not at a listener's download.
            String written = Sha256.of(tmp);
            if (!written.equals(sha256)) {
                throw new StorageException("copy of " + file + " (" + size + " bytes) reads back as " + written
                        + ", expected " + sha256, true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(target.getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static ContentMismatchException mismatch(Path file, String expected, String actual) throws IOException {
        return new ContentMismatchException(file + " (" + Files.size(file) + " bytes) has SHA-256 " + actual
                + ", expected " + expected);
    }

    /** Makes the rename itself durable, so a power cut cannot take back a file that the spool already let go of. */
    private static void syncDirectory(Path dir) {
        try {
            AtRestFiles.force(dir);
        } catch (IOException e) {
            // Some platforms cannot open a directory for syncing; the rename stands, only its durability is weaker.
        }
    }

    @Override
    public Optional<Long> size(String recordingId, String name) throws StorageException {
        ObjectNames.check(recordingId, name);
        Path p = recordingDirectory(recordingId).resolve(name);
        try {
            return Optional.of(Files.size(p));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("cannot read the size of " + p + ": " + e, true, e);
        }
    }

    @Override
    public InputStream open(String recordingId, String name, long offset, long length) throws StorageException {
        ObjectNames.check(recordingId, name);
        if (offset < 0) {
            throw new IllegalArgumentException("offset < 0: " + offset);
        }
        Path p = recordingDirectory(recordingId).resolve(name);
        FileChannel ch;
        try {
            ch = FileChannel.open(p, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(recordingId, name);
        } catch (IOException e) {
            throw new StorageException("cannot open " + p + ": " + e, true, e);
        }
        try {
            long size = ch.size();
            if (offset > size) {
                ch.close();
                throw new StorageException("offset " + offset + " is beyond the end of " + name + " (" + size
                        + " bytes)", false);
            }
            ch.position(offset);
            long available = size - offset;
            // Ends after the range; closing it closes the file.
            return BoundedInputStream.builder()
                    .setInputStream(Channels.newInputStream(ch))
                    .setMaxCount(length < 0 ? available : Math.min(length, available))
                    .setPropagateClose(true)
                    .get();
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new StorageException("cannot read " + p + ": " + e, true, e);
        }
    }
}
