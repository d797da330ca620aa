package io.callrec.http.download;

import io.callrec.storage.StorageBackend;
import io.callrec.storage.StorageException;
import io.callrec.storage.StorageStatus;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only storage over a directory laid out {@code recordings/{id}/{name}}, with switches for what the download
 * service must cope with: storage that is down, and storage that presigns.
 */
final class DirectoryStorage implements StorageBackend {
    private final Path root;
    volatile boolean down;
    volatile boolean presigns;
    volatile Instant lastPresignExpiry;
    /** Every size() and open() call, to prove what a request did not touch and what the manifest cache saved. */
    final AtomicInteger reads = new AtomicInteger();

    DirectoryStorage(Path root) {
        this.root = root;
    }

    Path file(String recordingId, String name) {
        return root.resolve("recordings").resolve(recordingId).resolve(name);
    }

    @Override
    public String describe() {
        return "test:" + root;
    }

    @Override
    public StorageStatus probe() {
        return down ? StorageStatus.down("switched off", Instant.now()) : StorageStatus.up(Instant.now());
    }

    @Override
    public void allocate(String recordingId) throws StorageException {
        checkUp();
        io(() -> Files.createDirectories(file(recordingId, "x").getParent()));
    }

    @Override
    public void put(String recordingId, String name, Path file, String sha256) throws StorageException {
        checkUp();
        io(() -> Files.createDirectories(file(recordingId, name).getParent()));
        io(() -> Files.copy(file, file(recordingId, name), StandardCopyOption.REPLACE_EXISTING));
    }

    @Override
    public Optional<Long> size(String recordingId, String name) throws StorageException {
        reads.incrementAndGet();
        checkUp();
        Path f = file(recordingId, name);
        return Files.isRegularFile(f) ? Optional.of(io(() -> Files.size(f))) : Optional.empty();
    }

    @Override
    public InputStream open(String recordingId, String name, long offset, long length) throws StorageException {
        reads.incrementAndGet();
        checkUp();
        try {
            SeekableByteChannel ch = Files.newByteChannel(file(recordingId, name));
            ch.position(offset);
            InputStream in = Channels.newInputStream(ch);
            return length < 0 ? in : new InputStream() {
                private long left = length;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = in.read(b, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        } catch (IOException e) {
            throw new StorageException("cannot open " + name, false, e);
        }
    }

    @Override
    public Optional<URI> presign(String recordingId, String name, Instant expires) {
        if (!presigns) {
            return Optional.empty();
        }
        lastPresignExpiry = expires;
        return Optional.of(URI.create("https://bucket.invalid/recordings/" + recordingId + "/" + name
                + "?X-Amz-Expires=" + expires.getEpochSecond()));
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private static <T> T io(IoCall<T> call) throws StorageException {
        try {
            return call.call();
        } catch (IOException e) {
            throw new StorageException("test storage: " + e.getMessage(), false, e);
        }
    }

    private void checkUp() throws StorageException {
        if (down) {
            throw new StorageException("switched off", true);
        }
    }
}
