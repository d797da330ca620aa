package io.callrec.sip;

import io.callrec.sip.delivery.DeliveryPolicy;
import io.callrec.sip.delivery.DeliveryStore;
import io.callrec.sip.delivery.LinkDelivery;
import io.callrec.sip.registrar.Binding;
import io.callrec.sip.registrar.Registrar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings recording links to their requesters by SIP MESSAGE (spec §4): inside the requester's dialog while it is
 * established, else out of dialog from {@code sip:recorder@DOMAIN} to each registered contact of the requester (over
 * the flow it registered on), else to the remote target of its last dialog. Retries with backoff until a 2xx or the
 * link's expiry; sends at once when the requester registers again; pending deliveries are kept on disk.
 */
public final class LinkCourier {
    private static final Logger LOG = LoggerFactory.getLogger("delivery");

    /** Sends inside the requester's dialog if that dialog is still up; implemented by the B2BUA. */
    interface DialogRoute {
        /** @return false if there is no established dialog for that recording's requester any more */
        boolean send(String recordingId, String contentType, byte[] body, java.util.function.IntConsumer onAnswer);
    }

    /** The app data of an out-of-dialog attempt's client transaction. */
    record Attempt(LinkCourier courier, LinkDelivery delivery, long generation) {
    }

    private final SipContext sip;
    private final Registrar registrar;
    private final DeliveryStore store;
    private final ScheduledExecutorService timers;
    private final Clock clock;
    private final String domain;
    private volatile DialogRoute dialogs = (id, type, body, onAnswer) -> false;
    private final Map<String, State> pending = new ConcurrentHashMap<>();

    private static final class State {
        LinkDelivery delivery;
        long generation;
        boolean done;
        ScheduledFuture<?> retry;
        int outstanding;
        boolean anyRetryable;

        State(LinkDelivery d) {
            this.delivery = d;
        }
    }

    public LinkCourier(SipContext sip, Registrar registrar, DeliveryStore store, ScheduledExecutorService timers,
                       Clock clock, String domain) {
        this.sip = sip;
        this.registrar = registrar;
        this.store = store;
        this.timers = timers;
        this.clock = clock;
        this.domain = domain;
        registrar.addListener((aor, bindings) -> onRegistered(aor.user()));
    }

    /** Connects the in-dialog route (the B2BUA, built after the courier). */
    public void useDialogs(B2bua b2bua) {
        useDialogRoute(b2bua.dialogRoute());
    }

    void useDialogRoute(DialogRoute route) {
        this.dialogs = route;
    }

    /** Remembers who gets the link of a recording that just started. */
    void expect(DeliveryStore.Intent intent) {
        try {
            store.saveIntent(intent);
        } catch (IOException e) {
            LOG.error("recording {}: who gets its link cannot be saved ({}); a restart before delivery loses it",
                    intent.recordingId(), e.toString());
        }
    }

    /**
     * The recording is stored and its link made: delivery starts. A recording nobody asked a link for (or one
     * already handed over: storage may report it twice after a crash) is logged and left alone.
     */
    public void linkReady(String recordingId, String url, Instant expires) {
        java.util.Optional<DeliveryStore.Intent> intent = store.takeIntent(recordingId);
        if (intent.isEmpty()) {
            LOG.info("recording {}: stored; no pending requester for its link", recordingId);
            return;
        }
        DeliveryStore.Intent i = intent.get();
        deliver(new LinkDelivery(recordingId, url, expires, i.requesterUser(), i.requesterAor(), i.lastTarget(),
                i.json(), 0));
    }

    /** Deliveries a previous run left pending: tried again now. */
    public void resume() {
        for (LinkDelivery d : store.loadAll()) {
            LOG.info("recording {}: link delivery resumed after restart", d.recordingId());
            deliver(d);
        }
    }

    /** Starts delivering a link (persisted first). */
    public void deliver(LinkDelivery delivery) {
        try {
            store.save(delivery);
        } catch (IOException e) {
            LOG.error("recording {}: the pending delivery cannot be saved ({}); it is tried anyway",
                    delivery.recordingId(), e.toString());
        }
        State state = new State(delivery);
        State old = pending.put(delivery.recordingId(), state);
        if (old != null) {
            synchronized (old) {
                old.done = true;
                cancel(old);
            }
        }
        timers.execute(() -> attempt(state));
    }

    public int pendingCount() {
        return pending.size();
    }

    /**
     * The requester's phone registered: it is reachable there now, so the link goes at once, also when a try to an
     * older target (a contact from before a restart, the last remote target) is still waiting for its answer; that
     * try's answer belongs to an older generation and is ignored.
     */
    private void onRegistered(String user) {
        for (State s : pending.values()) {
            synchronized (s) {
                if (!s.done && user.equalsIgnoreCase(s.delivery.requesterUser())) {
                    cancel(s);
                    timers.execute(() -> attempt(s));
                }
            }
        }
    }

    private void attempt(State s) {
        synchronized (s) {
            if (s.done) {
                return;
            }
            LinkDelivery d = s.delivery;
            if (!clock.instant().isBefore(d.expires())) {
                finish(s, "link expired before it could be delivered");
                return;
            }
            s.generation++;
            s.outstanding = 1; // the in-dialog try below, until it says otherwise
            s.anyRetryable = false;
        }
        LinkDelivery d;
        long generation;
        synchronized (s) {
            d = s.delivery;
            generation = s.generation;
        }
        byte[] body = DeliveryPolicy.body(d).getBytes(StandardCharsets.UTF_8);
        String type = DeliveryPolicy.contentType(d);
        // Outside the state's lock: the dialog route takes the call's monitor, and answers come back under neither.
        boolean inDialog = dialogs.send(d.recordingId(), type, body,
                code -> onAnswer(s, generation, code, "in dialog"));
        synchronized (s) {
            if (inDialog || s.done || generation != s.generation) {
                return;
            }
            s.outstanding = 0;
            List<String> targets = new ArrayList<>();
            List<Binding> bindings = d.requesterUser() == null ? List.of() : registrar.lookup(d.requesterUser());
            for (Binding b : bindings) {
                if (send(s, generation, b.contactUri(), b, body, type)) {
                    s.outstanding++;
                    targets.add(b.contactUri());
                }
            }
            if (s.outstanding == 0 && d.lastTarget() != null && send(s, generation, d.lastTarget(), null, body,
                    type)) {
                s.outstanding = 1;
                targets.add(d.lastTarget());
            }
            if (s.outstanding == 0) {
                scheduleRetry(s, "no dialog, no registered contact and no last target");
            } else {
                LOG.debug("recording {}: link MESSAGE to {}", d.recordingId(), targets);
            }
        }
    }

    private boolean send(State s, long generation, String target, Binding binding, byte[] body, String type) {
        LinkDelivery d = s.delivery;
        try {
            URI ruri = sip.addresses().createURI(target);
            String transport = B2bua.transportOf(ruri);
            CallIdHeader callId = sip.provider().getNewCallId();
            FromHeader from = sip.headers().createFromHeader(sip.addresses().createAddress(
                    sip.addresses().createSipURI("recorder", domain)), SipFactories.newTag());
            ToHeader to = sip.headers().createToHeader(sip.addresses().createAddress(d.requesterAor()), null);
            List<ViaHeader> vias = new ArrayList<>();
            vias.add(sip.newVia(transport));
            Request message = sip.messages().createRequest(ruri, Request.MESSAGE, callId,
                    sip.headers().createCSeqHeader(1L, Request.MESSAGE), from, to, vias,
                    sip.headers().createMaxForwardsHeader(70));
            int slash = type.indexOf('/');
            message.setContent(body, sip.headers().createContentTypeHeader(type.substring(0, slash),
                    type.substring(slash + 1).split(";")[0]));
            if (binding != null) {
                RegistrationFlow.route(sip, message, binding);
            }
            int size = message.toString().getBytes(StandardCharsets.UTF_8).length;
            if ("udp".equals(transport) && size > DeliveryPolicy.MAX_UDP_MESSAGE) {
                // RFC 3261 §18.1.1: too large for UDP goes over TCP, which every UA supports, the top Via saying so
                // (the stack takes the transport from it when the target names none). Not over a registration flow
                // (a loose Route): a UA behind NAT is reachable only by its own flow; not to a ;transport=udp target.
                boolean mayUseTcp = message.getHeader(RouteHeader.NAME) == null
                        && ruri instanceof SipURI sipUri && sipUri.getTransportParam() == null;
                if (mayUseTcp && sendOverTcp(message, d, generation, size)) {
                    return true;
                }
                LOG.warn("recording {}: the link MESSAGE ({} bytes) exceeds {} bytes over UDP", d.recordingId(),
                        size, DeliveryPolicy.MAX_UDP_MESSAGE);
            }
            sendNew(message, d, generation);
            return true;
        } catch (ParseException | SipException | InvalidArgumentException | RuntimeException e) {
            LOG.info("recording {}: MESSAGE to {} not sent: {}", d.recordingId(), target, e.toString());
            return false;
        }
    }

    /** @return false if no TCP connection to the target could be made: the caller sends over UDP after all */
    private boolean sendOverTcp(Request message, LinkDelivery d, long generation, int size)
            throws ParseException, InvalidArgumentException {
        // A copy: the stack marks what it tried to send, and the UDP fallback needs the request as it was.
        Request overTcp = (Request) message.clone();
        overTcp.setHeader(sip.newVia("tcp"));
        try {
            sendNew(overTcp, d, generation);
            LOG.info("recording {}: the link MESSAGE ({} bytes) is too large for UDP; sent over TCP",
                    d.recordingId(), size);
            return true;
        } catch (SipException e) {
            LOG.info("recording {}: no TCP to {} ({}); the link MESSAGE goes over UDP", d.recordingId(),
                    message.getRequestURI(), e.getMessage());
            return false;
        }
    }

    private void sendNew(Request message, LinkDelivery d, long generation) throws SipException {
        ClientTransaction ct = sip.provider().getNewClientTransaction(message);
        ct.setApplicationData(new Attempt(this, d, generation));
        ct.sendRequest();
    }

    /** A final answer (or 408 for a timeout) to an out-of-dialog attempt. */
    void onAnswer(Attempt attempt, int code) {
        State s = pending.get(attempt.delivery().recordingId());
        if (s != null) {
            onAnswer(s, attempt.generation(), code, "out of dialog");
        }
    }

    private void onAnswer(State s, long generation, int code, String how) {
        synchronized (s) {
            if (s.done || generation != s.generation) {
                return;
            }
            s.outstanding--;
            LinkDelivery d = s.delivery;
            switch (DeliveryPolicy.verdict(code, d.json())) {
                case DELIVERED -> {
                    LOG.info("recording {}: link delivered to {} ({} {})", d.recordingId(), d.requesterAor(), code,
                            how);
                    finish(s, null);
                }
                case SEND_AS_TEXT -> {
                    s.delivery = d.asText();
                    saveQuietly(s.delivery);
                    if (s.outstanding <= 0) {
                        timers.execute(() -> attempt(s));
                    }
                }
                case RETRY -> {
                    s.anyRetryable = true;
                    if (s.outstanding <= 0) {
                        scheduleRetry(s, "answered " + code);
                    }
                }
                case GIVE_UP -> {
                    if (s.outstanding <= 0 && !s.anyRetryable) {
                        finish(s, "refused with " + code);
                    } else if (s.outstanding <= 0) {
                        scheduleRetry(s, "answered " + code);
                    }
                }
            }
        }
    }

    private void scheduleRetry(State s, String why) {
        s.delivery = s.delivery.failedOnceForRetry();
        saveQuietly(s.delivery);
        Duration wait = DeliveryPolicy.backoff(s.delivery.attempts());
        Instant next = clock.instant().plus(wait);
        if (!next.isBefore(s.delivery.expires())) {
            finish(s, why + "; the link expires before the next attempt");
            return;
        }
        LOG.info("recording {}: link not delivered yet ({}), next attempt in {} s", s.delivery.recordingId(), why,
                wait.toSeconds());
        s.retry = timers.schedule(() -> attempt(s), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void finish(State s, String failure) {
        s.done = true;
        cancel(s);
        pending.remove(s.delivery.recordingId(), s);
        store.delete(s.delivery.recordingId());
        if (failure != null) {
            LOG.warn("recording {}: link delivery to {} stopped: {}", s.delivery.recordingId(),
                    s.delivery.requesterAor(), failure);
        }
    }

    private void saveQuietly(LinkDelivery d) {
        try {
            store.save(d);
        } catch (IOException e) {
            LOG.warn("recording {}: pending delivery not saved: {}", d.recordingId(), e.toString());
        }
    }

    private static void cancel(State s) {
        if (s.retry != null) {
            s.retry.cancel(false);
            s.retry = null;
        }
    }
}
