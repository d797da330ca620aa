package io.callrec.storage.spool;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Collects what an uploader reports, and lets a test wait for one recording's outcome. */
final class CollectingListener implements Uploader.Listener {
    private final Map<String, CompletableFuture<String>> stored = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<String>> failed = new ConcurrentHashMap<>();
    final List<Duration> retryDelays = new CopyOnWriteArrayList<>();
    final List<String> storedOrder = new CopyOnWriteArrayList<>();
    private final List<String> retryReasons = new CopyOnWriteArrayList<>();
    private final Semaphore retries = new Semaphore(0);

    @Override
    public void onStored(String recordingId, String manifestJson) {
        storedOrder.add(recordingId);
        stored(recordingId).complete(manifestJson);
    }

    @Override
    public void onFailed(String recordingId, String reason) {
        failed(recordingId).complete(reason);
    }

    @Override
    public void onRetry(String recordingId, String reason, Duration delay) {
        retryDelays.add(delay);
        retryReasons.add(reason);
        retries.release();
    }

    /** Waits until {@code n} more attempts failed and were scheduled again. */
    void awaitRetries(int n, Duration timeout) throws Exception {
        if (!retries.tryAcquire(n, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new java.util.concurrent.TimeoutException(n + " retries not seen within " + timeout);
        }
    }

    String lastRetryReason() {
        return retryReasons.isEmpty() ? null : retryReasons.get(retryReasons.size() - 1);
    }

    CompletableFuture<String> stored(String id) {
        return stored.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    CompletableFuture<String> failed(String id) {
        return failed.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    String awaitStored(String id, Duration timeout) throws Exception {
        return stored(id).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    String awaitFailed(String id, Duration timeout) throws Exception {
        return failed(id).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
