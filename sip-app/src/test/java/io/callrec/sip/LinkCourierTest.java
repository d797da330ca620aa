package io.callrec.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.sip.delivery.DeliveryPolicy;
import io.callrec.sip.delivery.DeliveryStore;
import io.callrec.sip.delivery.LinkDelivery;
import io.callrec.sip.registrar.AddressOfRecord;
import io.callrec.sip.registrar.ContactRequest;
import io.callrec.sip.registrar.Registrar;
import io.callrec.sip.registrar.RegistrationRequest;
import io.callrec.testing.MutableClock;
import io.callrec.it.support.Ports;
import io.callrec.sip.limits.SipDatagramQueue;
import io.callrec.sip.limits.StackLimits;
import java.lang.reflect.Proxy;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
import javax.sip.ClientTransaction;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery state machine of {@link LinkCourier} through its in-dialog route: what each answer leads to (done,
 * text instead of JSON, retry with backoff, give up), expiry, persistence, and a registration that starts a new try
 * whose predecessor's late answer must not count. Then, through a fake SIP provider, the out-of-dialog routes and
 * their order (dialog, registered contacts, last remote target) and the 1300-byte rule on UDP.
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

    // --- out of dialog (spec §4): registered contacts, else the last remote target; under 1300 bytes on UDP ---

    private static final String LAST_TARGET = "sip:alice@192.0.2.7:5070";

    /** The dialog is gone: the route says so and the courier must go out of dialog. */
    private LinkCourier outOfDialogCourier(String domain, OutOfDialog wire) {
        LinkCourier c = new LinkCourier(new SipContext(wire.provider(), "127.0.0.1", 5060), registrar, store, timers,
                clock, domain);
        c.useDialogRoute((id, type, body, onAnswer) -> false);
        return c;
    }

    private static void linkWithLastTarget(LinkCourier c, String id, String url, boolean json) {
        linkWithLastTarget(c, id, url, json, LAST_TARGET);
    }

    private static void linkWithLastTarget(LinkCourier c, String id, String url, boolean json, String lastTarget) {
        c.expect(new DeliveryStore.Intent(id, "alice", "sip:alice@example.com", lastTarget, json));
        c.linkReady(id, url, T0.plus(Duration.ofHours(72)));
    }

    @Test
    void withoutDialogOrRegistrationTheLinkGoesToTheLastRemoteTargetFromTheRecorder() throws Exception {
        OutOfDialog wire = new OutOfDialog();
        LinkCourier c = outOfDialogCourier("example.com", wire);
        linkWithLastTarget(c, "rec-last", "http://127.0.0.1:8080/recordings/rec-last?exp=1&sig=x", false);
        timers.runDue();

        assertEquals(1, wire.sent.size());
        Request m = wire.sent.get(0).request();
        assertEquals(Request.MESSAGE, m.getMethod());
        assertEquals(LAST_TARGET, m.getRequestURI().toString());
        assertEquals("sip:recorder@example.com",
                ((FromHeader) m.getHeader(FromHeader.NAME)).getAddress().getURI().toString());
        assertEquals("sip:alice@example.com", ((ToHeader) m.getHeader(ToHeader.NAME)).getAddress().getURI().toString());
        assertTrue(new String(m.getRawContent(), StandardCharsets.UTF_8).startsWith("Call recording ready: "));

        c.onAnswer(wire.sent.get(0).attempt(), 200);
        assertEquals(0, c.pendingCount());
        assertEquals(List.of(), store.loadAll());
    }

    @Test
    void registeredContactsWinOverTheLastRemoteTarget() throws Exception {
        registerAlice(1);
        OutOfDialog wire = new OutOfDialog();
        LinkCourier c = outOfDialogCourier("example.com", wire);
        linkWithLastTarget(c, "rec-reg-first", "http://127.0.0.1:8080/recordings/rec-reg-first?exp=1&sig=x", true);
        timers.runDue();

        assertEquals(List.of("sip:alice@127.0.0.1:5090"), wire.requestUris());
        c.onAnswer(wire.sent.get(0).attempt(), 480);
        assertEquals(List.of(5_000L), timers.delaysMillis(), "a contact that does not answer is retried");
        timers.runAll();
        assertEquals(List.of("sip:alice@127.0.0.1:5090", "sip:alice@127.0.0.1:5090"), wire.requestUris(),
                "still the registered contact, not the last target");
    }

    @Test
    void aLiveDialogWinsOverRegisteredContactsAndTheLastTarget() throws Exception {
        registerAlice(1);
        OutOfDialog wire = new OutOfDialog();
        LinkCourier c = new LinkCourier(new SipContext(wire.provider(), "127.0.0.1", 5060), registrar, store, timers,
                clock, "example.com");
        List<String> inDialog = new ArrayList<>();
        c.useDialogRoute((id, type, body, onAnswer) -> inDialog.add(id));
        linkWithLastTarget(c, "rec-dialog", "http://127.0.0.1:8080/recordings/rec-dialog?exp=1&sig=x", true);
        timers.runDue();

        assertEquals(List.of("rec-dialog"), inDialog);
        assertEquals(List.of(), wire.requestUris());
    }

    /**
     * A long but valid link: the public URL has no length limit (a long host, a long path behind a reverse proxy)
     * and the recorder's domain is that host; the key id may have 32 characters. The target is a mobile softphone's
     * Contact with its push parameters (RFC 8599), which the Request-URI repeats. What would not fit in 1300 bytes
     * goes over TCP (RFC 3261 §18.1.1), its top Via saying so.
     */
    @Test
    void aLinkMessageOverUdpStaysUnder1300BytesOrGoesOverTcp() throws Exception {
        String host = "recordings." + "a".repeat(60) + "." + "b".repeat(60) + ".example.com";
        String id = RECORDING_ID_SHAPE;
        String url = "https://" + host + "/" + "c".repeat(300) + "/recordings/" + id + "?exp=1795000000&kid="
                + "k".repeat(32) + "&sig=" + "s".repeat(43);
        for (boolean json : new boolean[] {true, false}) {
            OutOfDialog wire = new OutOfDialog();
            LinkCourier c = outOfDialogCourier(host, wire);
            linkWithLastTarget(c, id + (json ? "j" : "t"), url, json, PUSH_CONTACT);
            timers.runDue();

            assertEquals(1, wire.sent.size());
            Request m = wire.sent.get(0).request();
            int size = m.toString().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(size > DeliveryPolicy.MAX_UDP_MESSAGE, "the case under test: " + size + " bytes");
            assertEquals("TCP", viaTransport(m),
                    (json ? "JSON" : "text") + " MESSAGE of " + size + " bytes");
        }
    }

    @Test
    void aTargetThatTakesNoTcpConnectionStillGetsTheLargeMessageOverUdp() throws Exception {
        String url = "https://recordings.example.com/" + "c".repeat(700) + "/recordings/r-x?exp=1&kid=k&sig=s";
        OutOfDialog wire = new OutOfDialog();
        wire.refuseTcp = true;
        LinkCourier c = outOfDialogCourier("recordings.example.com", wire);
        linkWithLastTarget(c, "rec-no-tcp", url, false);
        timers.runDue();

        assertEquals(List.of(LAST_TARGET), wire.requestUris(), "one MESSAGE went out");
        assertEquals("UDP", viaTransport(wire.sent.get(0).request()));
        c.onAnswer(wire.sent.get(0).attempt(), 200);
        assertEquals(0, c.pendingCount());
    }

    @Test
    void aTargetThatAsksForUdpIsNotMovedToTcp() throws Exception {
        String url = "https://recordings.example.com/" + "c".repeat(1200) + "/recordings/r-x?exp=1&kid=k&sig=s";
        OutOfDialog wire = new OutOfDialog();
        LinkCourier c = outOfDialogCourier("recordings.example.com", wire);
        linkWithLastTarget(c, "rec-udp-only", url, false, LAST_TARGET + ";transport=udp");
        timers.runDue();

        assertEquals(1, wire.sent.size());
        assertEquals("UDP", viaTransport(wire.sent.get(0).request()),
                "the stack would send it over UDP whatever the Via says");
    }

    @Test
    void aContactBehindNatKeepsItsUdpFlowEvenWhenTheMessageIsLarge() throws Exception {
        registrar.register(new RegistrationRequest(new AddressOfRecord("alice", "example.com"), "reg-nat", 1,
                List.of(ContactRequest.of("sip:alice@10.0.0.5:5060")), false, 1, OptionalInt.empty(),
                new InetSocketAddress("127.0.0.1", 5090), "udp"));
        String url = "https://recordings.example.com/" + "c".repeat(1200) + "/recordings/r-x?exp=1&kid=k&sig=s";
        OutOfDialog wire = new OutOfDialog();
        LinkCourier c = outOfDialogCourier("recordings.example.com", wire);
        linkWithLastTarget(c, "rec-nat", url, false);
        timers.runDue();

        assertEquals(List.of("sip:alice@10.0.0.5:5060"), wire.requestUris());
        Request m = wire.sent.get(0).request();
        assertTrue(m.getHeader(javax.sip.header.RouteHeader.NAME).toString().contains("127.0.0.1:5090"),
                "routed over the flow it registered on");
        assertEquals("UDP", viaTransport(m), "a TCP connection could not reach a UA behind NAT");
    }

    @Test
    void anOrdinaryLinkMessageStaysOnUdpUnder1300Bytes() throws Exception {
        String id = RECORDING_ID_SHAPE;
        String url = "https://recordings.example.com/recordings/" + id + "?exp=1795000000&kid=" + "k".repeat(32)
                + "&sig=" + "s".repeat(43);
        for (boolean json : new boolean[] {true, false}) {
            OutOfDialog wire = new OutOfDialog();
            LinkCourier c = outOfDialogCourier("recordings.example.com", wire);
            linkWithLastTarget(c, id + (json ? "j" : "t"), url, json);
            timers.runDue();

            Request m = wire.sent.get(0).request();
            int size = m.toString().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(size < DeliveryPolicy.MAX_UDP_MESSAGE, size + " bytes");
            assertEquals("UDP", viaTransport(m));
        }
    }

    /**
     * The same rule through the real SIP stack to a UA on 127.0.0.1 that listens on UDP and TCP at one port: the
     * stack connects over TCP because the top Via says so. Then the UA stops listening on TCP: the stack's connect
     * fails inside {@code sendRequest} and the MESSAGE comes over UDP.
     */
    @Test
    void throughTheRealStackALargeMessageArrivesOverTcpOrElseOverUdp() throws Exception {
        int uaPort = Ports.freeUdpTcpPort();
        String url = "https://recordings.example.com/" + "c".repeat(1200) + "/recordings/r-x?exp=1&kid=k&sig=s";
        try (SipServer server = SipServer.start("127.0.0.1", Ports.freeUdpTcpPort(), java.util.Optional.empty(), 1,
                65_536, new StackLimits(new SipDatagramQueue(64, Duration.ofSeconds(4), (a, b, c, d) -> true), 8,
                        Duration.ofSeconds(30)));
             DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", uaPort))) {
            server.listen((SipListener) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {SipListener.class}, (proxy, method, args) -> null));
            LinkCourier c = new LinkCourier(server.context(), registrar, store, timers, clock, "example.com");
            c.useDialogRoute((id, type, body, onAnswer) -> false);
            String target = "sip:alice@127.0.0.1:" + uaPort;
            udp.setSoTimeout(3_000);

            try (ServerSocket tcp = new ServerSocket(uaPort, 4, InetAddress.getByName("127.0.0.1"))) {
                tcp.setSoTimeout(3_000);
                linkWithLastTarget(c, "rec-wire-tcp", url, false, target);
                timers.runDue();
                try (Socket conn = tcp.accept()) {
                    conn.setSoTimeout(3_000);
                    String head = new String(conn.getInputStream().readNBytes(1000), StandardCharsets.UTF_8);
                    assertTrue(head.startsWith("MESSAGE " + target + " SIP/2.0"), head);
                    assertTrue(head.contains("SIP/2.0/TCP"), head);
                }
            }

            linkWithLastTarget(c, "rec-wire-udp", url, false, target);
            timers.runDue();
            DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
            udp.receive(packet);
            String datagram = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            assertTrue(datagram.startsWith("MESSAGE " + target + " SIP/2.0"), datagram);
            assertTrue(datagram.contains("rec-wire-udp") || datagram.contains("r-x"), datagram);
            assertTrue(packet.getLength() > DeliveryPolicy.MAX_UDP_MESSAGE, "the large one: " + packet.getLength());
        }
    }

    /** A Linphone-style Contact with push parameters, as registered from a phone: some 300 characters. */
    private static final String PUSH_CONTACT = "sip:alice@192.0.2.7:5070;pn-prid=" + "0123456789abcdef".repeat(4)
            + ":remote&" + "fedcba9876543210".repeat(4) + ":voip;pn-provider=apns.dev;pn-param=ABCDE12345."
            + "org.linphone.phone.remote&voip;pn-timeout=0;pn-silent=1";

    /** The shape of a real recording id ({@code r-} and 16 random bytes in unpadded base64url). */
    private static final String RECORDING_ID_SHAPE = "r-" + "A".repeat(22);

    /** The transport the top Via names, upper case: what the stack sends over when the target names none. */
    private static String viaTransport(Request m) {
        return ((ViaHeader) m.getHeader(ViaHeader.NAME)).getTransport().toUpperCase(java.util.Locale.ROOT);
    }

    /** A SIP provider that keeps the MESSAGEs the courier sends out of dialog, with their attempt. */
    private static final class OutOfDialog {
        record Wire(Request request, LinkCourier.Attempt attempt) {
        }

        final List<Wire> sent = new ArrayList<>();
        /** As a UA that does not listen on TCP: the stack's connect fails inside sendRequest. */
        boolean refuseTcp;
        private int callIds;

        List<String> requestUris() {
            List<String> out = new ArrayList<>();
            for (Wire w : sent) {
                out.add(w.request().getRequestURI().toString());
            }
            return out;
        }

        SipProvider provider() {
            return (SipProvider) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SipProvider.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getNewCallId" -> SipFactories.headers().createCallIdHeader("cid-" + (++callIds));
                        case "getNewClientTransaction" -> transaction((Request) args[0]);
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        private ClientTransaction transaction(Request request) {
            Object[] data = new Object[1];
            return (ClientTransaction) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ClientTransaction.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "setApplicationData" -> {
                            data[0] = args[0];
                            yield null;
                        }
                        case "getApplicationData" -> data[0];
                        case "sendRequest" -> {
                            if (refuseTcp && "TCP".equals(viaTransport(request))) {
                                throw new javax.sip.SipException("connection refused");
                            }
                            sent.add(new Wire((Request) request.clone(), (LinkCourier.Attempt) data[0]));
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
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
