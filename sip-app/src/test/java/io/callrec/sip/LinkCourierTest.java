package io.callrec.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.sip.delivery.DeliveryStore;
import io.callrec.sip.delivery.LinkDelivery;
import io.callrec.sip.registrar.AddressOfRecord;
import io.callrec.sip.registrar.ContactRequest;
import io.callrec.sip.registrar.Registrar;
import io.callrec.sip.registrar.RegistrationRequest;
import io.callrec.testing.MutableClock;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery state machine of {@link LinkCourier} through its in-dialog route: what each answer leads to (done,
 * text instead of JSON, retry with backoff, give up), expiry, persistence, and a registration that starts a new try
 * whose predecessor's late answer must not count.
 */
class LinkCourierTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private final ManualTimers timers = new ManualTimers();
    private final List<Sent> sent = new ArrayList<>();
    private DeliveryStore store;
    private Registrar registrar;
    private LinkCourier courier;

    /** One MESSAGE handed to the dialog route, with the callback its answer goes to. */
    private record Sent(String recordingId, String contentType, String body, IntConsumer answer) {
    }

    @BeforeEach
    void setUp() throws Exception {
        store = new DeliveryStore(dir);
        registrar = new Registrar(clock);
        courier = newCourier(registrar, store);
        courier.useDialogRoute((id, type, body, onAnswer) -> {
            sent.add(new Sent(id, type, new String(body, StandardCharsets.UTF_8), onAnswer));
            return true;
        });
    }

    @AfterEach
    void tearDown() {
        timers.shutdownNow();
    }

    /** A courier without a SIP provider: only its in-dialog route can send, which is what these tests drive. */
    private LinkCourier newCourier(Registrar withRegistrar, DeliveryStore withStore) {
        return new LinkCourier(new SipContext(null, "127.0.0.1", 5060), withRegistrar, withStore, timers, clock,
                "example.com");
    }

    /** alice registers one contact (same Call-ID, {@code cseq} counting up: a refresh). */
    private void registerAlice(long cseq) {
        registrar.register(new RegistrationRequest(new AddressOfRecord("alice", "example.com"), "reg-1", cseq,
                List.of(ContactRequest.of("sip:alice@127.0.0.1:5090")), false, 1, OptionalInt.empty(),
                new InetSocketAddress("127.0.0.1", 5090), "udp"));
    }

    private void linkFor(String id, boolean json, Duration lifetime) throws Exception {
        courier.expect(new DeliveryStore.Intent(id, "alice", "sip:alice@example.com", null, json));
        courier.linkReady(id, "http://127.0.0.1:8080/recordings/" + id + "?exp=1&sig=x", T0.plus(lifetime));
        timers.runDue();
    }

    @Test
    void aTwoHundredEndsTheDeliveryAndForgetsIt() throws Exception {
        linkFor("rec-ok", true, Duration.ofHours(72));
        assertEquals(1, sent.size());
        assertEquals("application/vnd.callrec+json", sent.get(0).contentType());
        assertTrue(sent.get(0).body().contains("\"type\":\"recording-ready\""), sent.get(0).body());
        assertEquals(1, store.loadAll().size(), "pending on disk until answered");

        sent.get(0).answer().accept(200);
        assertEquals(0, courier.pendingCount());
        assertEquals(List.of(), store.loadAll());
        timers.runDue();
        assertEquals(1, sent.size(), "nothing more is sent");
    }

    @Test
    void a415ToJsonIsAnsweredWithTheSameLinkAsText() throws Exception {
        linkFor("rec-415", true, Duration.ofHours(72));
        sent.get(0).answer().accept(415);
        timers.runDue();
        assertEquals(2, sent.size());
        assertEquals("text/plain;charset=UTF-8", sent.get(1).contentType());
        assertTrue(sent.get(1).body().startsWith("Call recording ready: http://127.0.0.1:8080/recordings/rec-415"),
                sent.get(1).body());
        assertEquals(false, store.loadAll().get(0).json(), "the switch to text is kept across a restart");
        sent.get(1).answer().accept(200);
        assertEquals(0, courier.pendingCount());
    }

    @Test
    void timeoutsAreRetriedWithADoublingWaitAndCountedOnDisk() throws Exception {
        linkFor("rec-408", false, Duration.ofHours(72));
        sent.get(0).answer().accept(408);
        assertEquals(List.of(5_000L), timers.delaysMillis(), "first retry after 5 s");
        assertEquals(1, store.loadAll().get(0).attempts());

        timers.runAll();
        assertEquals(2, sent.size());
        sent.get(1).answer().accept(503);
        assertEquals(List.of(10_000L), timers.delaysMillis(), "then 10 s");
        assertEquals(2, store.loadAll().get(0).attempts());
        assertEquals(1, courier.pendingCount());
    }

    @Test
    void aRefusalEndsTheDeliveryWithoutRetry() throws Exception {
        linkFor("rec-403", false, Duration.ofHours(72));
        sent.get(0).answer().accept(403);
        assertEquals(0, courier.pendingCount());
        assertEquals(List.of(), timers.delaysMillis());
        assertEquals(List.of(), store.loadAll());
    }

    @Test
    void noRetryIsScheduledPastTheLinksExpiry() throws Exception {
        linkFor("rec-short", false, Duration.ofSeconds(3));
        sent.get(0).answer().accept(480);
        assertEquals(0, courier.pendingCount(), "the next try (5 s) would come after the link expired (3 s)");
        assertEquals(List.of(), timers.delaysMillis());
        assertEquals(List.of(), store.loadAll());
    }

    @Test
    void anExpiredLinkIsNeverSent() throws Exception {
        LinkDelivery old = new LinkDelivery("rec-old", "http://127.0.0.1/x", T0.minusSeconds(1), "alice",
                "sip:alice@example.com", null, false, 3);
        courier.deliver(old);
        timers.runDue();
        assertEquals(0, sent.size());
        assertEquals(0, courier.pendingCount());
        assertEquals(List.of(), store.loadAll());
    }

    @Test
    void aRegistrationTriesAgainAtOnceAndTheOlderTrysAnswerIsIgnored() throws Exception {
        linkFor("rec-reg", false, Duration.ofHours(72));
        sent.get(0).answer().accept(408);
        assertEquals(List.of(5_000L), timers.delaysMillis());

        registerAlice(1);
        assertEquals(List.of(), timers.delaysMillis(), "the waiting retry is cancelled");
        timers.runDue();
        assertEquals(2, sent.size(), "sent again as soon as the requester registered");

        registerAlice(2);
        timers.runDue();
        assertEquals(3, sent.size());
        sent.get(1).answer().accept(200); // belongs to the try the second registration replaced
        assertEquals(1, courier.pendingCount(), "a late answer to a replaced try does not end the delivery");
        sent.get(2).answer().accept(200);
        assertEquals(0, courier.pendingCount());
    }

    @Test
    void pendingDeliveriesResumeAfterARestart() throws Exception {
        linkFor("rec-restart", false, Duration.ofHours(72));
        sent.get(0).answer().accept(500);
        LinkCourier afterRestart = newCourier(new Registrar(clock), new DeliveryStore(dir));
        List<String> resent = new ArrayList<>();
        afterRestart.useDialogRoute((id, type, body, onAnswer) -> resent.add(id));
        afterRestart.resume();
        timers.runDue();
        assertEquals(List.of("rec-restart"), resent);
        assertEquals(1, afterRestart.pendingCount());
    }

    /**
     * Runs the courier's tasks when the test says so: {@code execute} is a schedule with delay 0, a retry is a
     * schedule with its backoff. Cancelled tasks leave the list.
     */
    private static final class ManualTimers extends ScheduledThreadPoolExecutor {
        private final List<Task> tasks = new ArrayList<>();

        private record Task(Runnable command, long delayMillis, ScheduledFuture<?> handle) {
        }

        ManualTimers() {
            super(1);
        }

        @Override
        public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            // a handle that never fires by itself but can be cancelled like the real one
            ScheduledFuture<?> handle = super.schedule(() -> { }, 1, TimeUnit.DAYS);
            tasks.add(new Task(command, unit.toMillis(delay), handle));
            return handle;
        }

        synchronized List<Long> delaysMillis() {
            tasks.removeIf(t -> t.handle().isCancelled());
            List<Long> out = new ArrayList<>();
            for (Task t : tasks) {
                if (t.delayMillis() > 0) {
                    out.add(t.delayMillis());
                }
            }
            return out;
        }

        /** Runs the tasks due now (delay 0), including those they add. */
        void runDue() {
            run(false);
        }

        /** Runs everything waiting, retries included, as if their time had come. */
        void runAll() {
            run(true);
        }

        private void run(boolean all) {
            while (true) {
                Task next = null;
                synchronized (this) {
                    tasks.removeIf(t -> t.handle().isCancelled());
                    for (Task t : tasks) {
                        if (all || t.delayMillis() == 0) {
                            next = t;
                            break;
                        }
                    }
                    if (next == null) {
                        return;
                    }
                    tasks.remove(next);
                }
                next.command().run();
            }
        }
    }
}
