package io.callrec.storage.spool;

import io.callrec.storage.StorageBackend;
import io.callrec.storage.StorageException;
import io.callrec.storage.StorageStatus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A real backend with a test's hook in front of every store operation: to fail, block or count. */
public final class HookedBackend implements StorageBackend {
    @FunctionalInterface
    public interface Hook {
        void before(String recordingId, String name) throws StorageException;
    }

    /** Fails the first {@code times} store operations, as a store that is down would. */
    static Hook failingFirst(int times, String reason) {
        AtomicInteger left = new AtomicInteger(times);
        return (id, name) -> {
            if (left.getAndDecrement() > 0) {
                throw new StorageException(reason, true);
            }
        };
    }

    private final StorageBackend real;
    private final Hook hook;
    /** "id/name" of every object stored, in order. */
    final List<String> stored = new CopyOnWriteArrayList<>();

    public HookedBackend(StorageBackend real, Hook hook) {
        this.real = real;
        this.hook = hook;
    }

    @Override
    public String describe() {
        return "hooked " + real.describe();
    }

    @Override
    public StorageStatus probe() {
        return real.probe();
    }

    @Override
    public void allocate(String recordingId) throws StorageException {
        real.allocate(recordingId);
    }

    @Override
    public void put(String recordingId, String name, Path file, String sha256) throws StorageException {
        hook.before(recordingId, name);
        real.put(recordingId, name, file, sha256);
        stored.add(recordingId + "/" + name);
    }

    @Override
    public void moveIn(String recordingId, String name, Path file, String sha256) throws StorageException {
        hook.before(recordingId, name);
        real.moveIn(recordingId, name, file, sha256);
        stored.add(recordingId + "/" + name);
    }

    @Override
    public Optional<Long> size(String recordingId, String name) throws StorageException {
        return real.size(recordingId, name);
    }

    @Override
    public InputStream open(String recordingId, String name, long offset, long length) throws StorageException {
        return real.open(recordingId, name, offset, length);
    }

    @Override
    public void close() throws IOException {
        real.close();
    }
}
