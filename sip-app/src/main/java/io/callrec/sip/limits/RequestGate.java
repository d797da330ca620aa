package io.callrec.sip.limits;

import gov.nist.javax.sip.DialogTimeoutEvent;
import gov.nist.javax.sip.SipListenerExt;
import io.callrec.sip.CallPolicy;
import io.callrec.sip.SipFactories;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits in front of the B2BUA. Every request outside a dialog is counted by a {@link SourceRateLimiter}; the
 * ones it admits go on to the B2BUA unless the stack already holds its maximum of server transactions (a flood from
 * many addresses, each under its own limit), in which case they are dropped: requests inside dialogs still pass, so
 * running calls go on. Requests over their source's limit are answered 503 with Retry-After or dropped. Every
 * other event passes straight through.
 */
public final class RequestGate implements SipListenerExt {
    private static final Logger log = LoggerFactory.getLogger(RequestGate.class);

    /** Answers a request that is over its limit. */
    @FunctionalInterface
    public interface Rejecter {
        void reject(RequestEvent evt, int retryAfterSeconds) throws Exception;
    }

    private static final long OVERLOAD_REPORT_MILLIS = 60_000;

    private final SipListenerExt next;
    private final SourceRateLimiter limiter;
    private final Rejecter rejecter;
    private final IntSupplier serverTransactions;
    private final int maxServerTransactions;
    private final LongAdder droppedOverload = new LongAdder();
    private final AtomicLong overloadReportedAt = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param serverTransactions    how many server transactions the stack holds now
     * @param maxServerTransactions from this many on, new requests outside dialogs are dropped
     */
    public RequestGate(SipListenerExt next, SourceRateLimiter limiter, Rejecter rejecter,
                       IntSupplier serverTransactions, int maxServerTransactions) {
        this.next = Objects.requireNonNull(next, "next");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.rejecter = Objects.requireNonNull(rejecter, "rejecter");
        this.serverTransactions = Objects.requireNonNull(serverTransactions, "serverTransactions");
        this.maxServerTransactions = maxServerTransactions;
    }

    /** For {@code /health}: the transaction cap, what the stack holds now, and what was dropped at the cap. */
    public Map<String, Object> stats() {
        return Map.of("max", maxServerTransactions, "inUse", serverTransactions.getAsInt(),
                "droppedAtMax", droppedOverload.sum());
    }

    /**
     * 503 with Retry-After, kept out of the transaction layer over UDP: a stateful 503 to an INVITE would be
     * retransmitted for 32 s to a flooder that never ACKs, multiplying the flood. Over TCP nothing is retransmitted
     * and the answer must go back on the request's connection, which only a server transaction knows.
     */
    public static Rejecter answer503(SipProvider provider) {
        return (evt, retryAfter) -> {
            Request req = evt.getRequest();
            Response r = SipFactories.response(Response.SERVICE_UNAVAILABLE, req);
            r.setReasonPhrase("Rate Limited");
            r.addHeader(SipFactories.headers().createRetryAfterHeader(retryAfter));
            ViaHeader via = (ViaHeader) req.getHeader(ViaHeader.NAME);
            if (via == null || "UDP".equalsIgnoreCase(via.getTransport())) {
                provider.sendResponse(r);
            } else {
                ServerTransaction st = evt.getServerTransaction() != null ? evt.getServerTransaction()
                        : provider.getNewServerTransaction(req);
                st.sendResponse(r);
            }
        };
    }

    @Override
    public void processRequest(RequestEvent evt) {
        Request req = evt.getRequest();
        ToHeader to = (ToHeader) req.getHeader(ToHeader.NAME);
        RequestClass type = RequestClass.of(req.getMethod(), to != null && to.getTag() != null);
        if (type != null) {
            switch (limiter.check(CallPolicy.sourceOf(req).getAddress(), type)) {
                case ADMIT -> {
                    if (overloaded()) {
                        return;
                    }
                }
                case REJECT -> {
                    try {
                        rejecter.reject(evt, limiter.retryAfterSeconds(type));
                    } catch (Exception e) {
                        log.debug("503 to {} not sent: {}", req.getMethod(), e.toString());
                    }
                    return;
                }
                case DROP -> {
                    return;
                }
            }
        }
        next.processRequest(evt);
    }

    private boolean overloaded() {
        int inUse = serverTransactions.getAsInt();
        if (inUse < maxServerTransactions) {
            return false;
        }
        droppedOverload.increment();
        long now = System.currentTimeMillis();
        long last = overloadReportedAt.get();
        boolean due = last == Long.MIN_VALUE || now - last >= OVERLOAD_REPORT_MILLIS;
        if (due && overloadReportedAt.compareAndSet(last, now)) {
            log.warn("{} server transactions held, the most allowed: new requests outside dialogs are dropped ({} so"
                    + " far) until some end", inUse, droppedOverload.sum());
        }
        return true;
    }

    @Override
    public void processResponse(ResponseEvent evt) {
        next.processResponse(evt);
    }

    @Override
    public void processTimeout(TimeoutEvent evt) {
        next.processTimeout(evt);
    }

    @Override
    public void processIOException(IOExceptionEvent evt) {
        next.processIOException(evt);
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent evt) {
        next.processTransactionTerminated(evt);
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent evt) {
        next.processDialogTerminated(evt);
    }

    @Override
    public void processDialogTimeout(DialogTimeoutEvent evt) {
        next.processDialogTimeout(evt);
    }
}
