package io.callrec.media.relay;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread. Other threads never touch its selector directly: they queue a task and wake it up, and the
 * thread runs queued tasks between selects.
 *
 * <p>It uses {@link Selector#select(Consumer, long)}, which hands each ready key to a preallocated consumer instead of
 * adding it to the selected-key set (a {@code HashSet} insertion allocates a node per key and select).
 *
 * <p>Closing a registered channel only cancels its key; the kernel socket is closed when the selector deregisters the
 * key in its next select. Ports are therefore released to the allocator only after that select, so a released port is
 * really free when it is handed out again.
 */
final class RelayLoop {
    private static final Logger LOG = LoggerFactory.getLogger(RelayLoop.class);

    private final Selector selector;
    private final Thread thread;
    private final PacketForwarder forwarder;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Loop thread only: what waits for the next select to have deregistered cancelled keys. */
    private final List<Runnable> afterSelect = new ArrayList<>();
    private final Consumer<SelectionKey> onReady = this::onReady;
    private final RateLimitedLog loopErrorLog;
    /** Loop thread only: counts selects, so the packet path can tell a socket that stays ready round after round. */
    private int round;
    private volatile boolean running = true;
    /** Open streams on this loop by kind ({@link #kindOf}); what {@link RtpRelay} balances new streams by. */
    private final AtomicIntegerArray streams = new AtomicIntegerArray(KINDS);

    static final int KIND_AUDIO = 0;
    static final int KIND_VIDEO = 1;
    static final int KIND_OTHER = 2;
    static final int KINDS = 3;

    RelayLoop(String threadName, TimeSource time) throws IOException {
        this.selector = Selector.open();
        this.forwarder = new PacketForwarder(time);
        this.loopErrorLog = new RateLimitedLog(time, TimeUnit.SECONDS.toNanos(10));
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    LoopCounters counters() {
        return forwarder.counters();
    }

    long threadId() {
        return thread.getId();
    }

    boolean inLoopThread() {
        return Thread.currentThread() == thread;
    }

    /** The kind a stream of SDP media type {@code mediaType} counts as. */
    static int kindOf(String mediaType) {
        if ("audio".equalsIgnoreCase(mediaType)) {
            return KIND_AUDIO;
        }
        return "video".equalsIgnoreCase(mediaType) ? KIND_VIDEO : KIND_OTHER;
    }

    int streams(int kind) {
        return streams.get(kind);
    }

    int streams() {
        int total = 0;
        for (int kind = 0; kind < KINDS; kind++) {
            total += streams.get(kind);
        }
        return total;
    }

    void streamOpened(int kind) {
        streams.incrementAndGet(kind);
    }

    void streamClosed(int kind) {
        streams.decrementAndGet(kind);
    }

    /** Starts reading {@code sockets}; returns at once. */
    void register(List<RelaySocket> sockets) {
        execute(() -> {
            for (RelaySocket socket : sockets) {
                try {
                    socket.channel.register(selector, SelectionKey.OP_READ, socket);
                } catch (ClosedChannelException e) {
                    LOG.debug("{} closed before it was registered", socket);
                }
            }
        });
    }

    /**
     * Stops reading {@code sockets} and closes them; runs {@code afterClosed} (e.g. releasing ports) once the kernel
     * sockets are closed. The returned latch opens after {@code afterClosed} ran.
     */
    CountDownLatch close(List<RelaySocket> sockets, Runnable afterClosed) {
        CountDownLatch done = new CountDownLatch(1);
        Runnable finish = () -> {
            try {
                afterClosed.run();
            } finally {
                done.countDown();
            }
        };
        Runnable closeTask = () -> {
            for (RelaySocket socket : sockets) {
                SelectionKey key = socket.channel.keyFor(selector);
                if (key != null) {
                    key.cancel();
                }
                closeQuietly(socket);
            }
            afterSelect.add(finish);
        };
        if (inLoopThread()) {
            closeTask.run();
        } else if (!execute(closeTask)) {
            // The loop is gone (relay closed): its selector no longer holds the channels, closing is immediate.
            closeNow(sockets);
            finish.run();
        }
        return done;
    }

    /** Closes {@code sockets} from the calling thread; for when the loop did not answer in time. */
    static void closeNow(List<RelaySocket> sockets) {
        sockets.forEach(RelayLoop::closeQuietly);
    }

    /** Queues {@code task} for the loop thread; false if the loop has stopped. */
    boolean execute(Runnable task) {
        if (!running) {
            return false;
        }
        tasks.add(task);
        selector.wakeup();
        return true;
    }

    /** Stops the thread, closing every socket still registered, and waits for it up to {@code timeoutMillis}. */
    void stop(long timeoutMillis) {
        running = false;
        if (thread.getState() == Thread.State.NEW) {
            closeSelectorQuietly(); // never started: nothing registered, nothing to wait for
            return;
        }
        selector.wakeup();
        if (inLoopThread()) {
            return;
        }
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("{} did not stop within {} ms", thread.getName(), timeoutMillis);
        }
    }

    private void run() {
        LOG.debug("{} started", thread.getName());
        try {
            while (running) {
                runOnce();
            }
        } catch (ClosedSelectorException e) {
            LOG.debug("{}: selector closed", thread.getName());
        } finally {
            shutdown();
        }
    }

    /**
     * One round: queued tasks, one select, clean-ups. A method of its own because the JIT compiles a method after a
     * few thousand calls, while a loop body inlined in {@link #run} would stay interpreted until on-stack replacement,
     * tens of thousands of rounds (tens of seconds of a fresh server under load) later.
     */
    private void runOnce() {
        runTasks();
        round++;
        try {
            if (afterSelect.isEmpty()) {
                // No timeout: every task and stop() wake the selector up, and a wakeup() that comes before the
                // select makes it return at once. A timeout would arm and cancel a kernel timer on every sleep.
                selector.select(onReady);
            } else {
                selector.selectNow(onReady);
            }
        } catch (IOException e) {
            if (loopErrorLog.permit()) {
                LOG.error("select failed on {} ({} more suppressed)", thread.getName(),
                        loopErrorLog.takeSuppressed(), e);
            }
        }
        runAfterSelect();
    }

    private void onReady(SelectionKey key) {
        if (key.isValid() && key.isReadable()) {
            forwarder.drain((RelaySocket) key.attachment(), round);
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                counters().increment(LoopCounters.ERRORS);
                LOG.error("relay task failed on {}", thread.getName(), e);
            }
        }
    }

    private void runAfterSelect() {
        if (afterSelect.isEmpty()) {
            return;
        }
        // Copy first: a callback may close more streams, which adds to the list.
        List<Runnable> ready = new ArrayList<>(afterSelect);
        afterSelect.clear();
        for (Runnable action : ready) {
            try {
                action.run();
            } catch (RuntimeException e) {
                counters().increment(LoopCounters.ERRORS);
                LOG.error("relay clean-up failed on {}", thread.getName(), e);
            }
        }
    }

    private void shutdown() {
        runTasks();
        try {
            for (SelectionKey key : selector.keys()) {
                closeQuietly((RelaySocket) key.attachment());
            }
        } catch (ClosedSelectorException e) {
            LOG.debug("selector of {} already closed", thread.getName());
        }
        closeSelectorQuietly(); // deregisters every key, which closes the channels for good
        runAfterSelect();
        // Anything queued after the last drain gets the direct path in close(); run leftovers anyway.
        runTasks();
        runAfterSelect();
        LOG.debug("{} stopped", thread.getName());
    }

    private void closeSelectorQuietly() {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing selector of {} failed: {}", thread.getName(), e.toString());
        }
    }

    private static void closeQuietly(RelaySocket socket) {
        try {
            socket.channel.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed: {}", socket, e.toString());
        }
    }
}
