package io.callrec.sip.limits;

import static io.callrec.sip.limits.SourceRateLimiterTest.address;
import static org.junit.jupiter.api.Assertions.assertEquals;

import gov.nist.javax.sip.DialogTimeoutEvent;
import gov.nist.javax.sip.SipListenerExt;
import gov.nist.javax.sip.message.SIPMessage;
import io.callrec.config.RateLimit;
import io.callrec.sip.SipFactories;
import io.callrec.testing.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;

class RequestGateTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SourceRateLimiter limiter = new SourceRateLimiter(Map.of(RequestClass.INVITE, new RateLimit(1, 2),
            RequestClass.REGISTER, new RateLimit(1, 1), RequestClass.OPTIONS, new RateLimit(1, 1)), 100, clock);
    private final List<String> passed = new ArrayList<>();
    private final List<String> rejected = new ArrayList<>();
    private int transactions;
    private final RequestGate gate = new RequestGate(new Recorder(), limiter,
            (evt, retryAfter) -> rejected.add(evt.getRequest().getMethod() + " retry " + retryAfter),
            () -> transactions, 100);

    @Test
    void overTheLimitARequestIsAnswered503ThenDropped() throws Exception {
        for (int i = 0; i < 6; i++) {
            gate.processRequest(event("INVITE", null, "192.0.2.66"));
        }
        assertEquals(List.of("INVITE", "INVITE"), passed);
        assertEquals(List.of("INVITE retry 2", "INVITE retry 2"), rejected, "2 s fill the bucket of 2 at 1/s");
        gate.processRequest(event("INVITE", null, "192.0.2.10"));
        assertEquals(3, passed.size(), "another source is not affected");
    }

    @Test
    void requestsInsideDialogsAndAcksAndCancelsAreNeverCounted() throws Exception {
        for (int i = 0; i < 10; i++) {
            gate.processRequest(event("INVITE", "t1", "192.0.2.66"));
            gate.processRequest(event("BYE", "t1", "192.0.2.66"));
            gate.processRequest(event("ACK", null, "192.0.2.66"));
            gate.processRequest(event("CANCEL", null, "192.0.2.66"));
        }
        assertEquals(40, passed.size());
        assertEquals(List.of(), rejected);
        assertEquals(0, limiter.stats().get("sources"));
    }

    @Test
    void everyClassHasItsOwnLimit() throws Exception {
        for (String method : List.of("REGISTER", "REGISTER", "OPTIONS", "OPTIONS", "MESSAGE")) {
            gate.processRequest(event(method, null, "192.0.2.66"));
        }
        assertEquals(List.of("REGISTER", "OPTIONS"), passed);
        assertEquals(List.of("REGISTER retry 1", "OPTIONS retry 1"), rejected);
    }

    @Test
    void atTheTransactionCapNewRequestsAreDroppedButDialogsGoOn() throws Exception {
        transactions = 100;
        gate.processRequest(event("INVITE", null, "192.0.2.10"));
        gate.processRequest(event("OPTIONS", null, "192.0.2.11"));
        gate.processRequest(event("BYE", "t1", "192.0.2.10"));
        gate.processRequest(event("ACK", null, "192.0.2.10"));
        assertEquals(List.of("BYE", "ACK"), passed);
        assertEquals(List.of(), rejected, "an overload is not answered: it would only add to it");
        assertEquals(Map.of("max", 100, "inUse", 100, "droppedAtMax", 2L), gate.stats());
        transactions = 99;
        gate.processRequest(event("INVITE", null, "192.0.2.10"));
        assertEquals(List.of("BYE", "ACK", "INVITE"), passed);
    }

    private static RequestEvent event(String method, String toTag, String source) throws Exception {
        String text = method + " sip:1000@192.0.2.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + source + ":5060;branch=z9hG4bK-" + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: <sip:1000@192.0.2.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "From: <sip:flood@" + source + ">;tag=f1\r\n"
                + "Call-ID: gate-" + System.nanoTime() + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Content-Length: 0\r\n\r\n";
        Request req = SipFactories.messages().createRequest(text);
        ((SIPMessage) req).setRemoteAddress(address(source));
        ((SIPMessage) req).setRemotePort(5060);
        return new RequestEvent(new Object(), null, null, req);
    }

    private final class Recorder implements SipListenerExt {
        @Override
        public void processRequest(RequestEvent evt) {
            passed.add(evt.getRequest().getMethod());
        }

        @Override
        public void processResponse(ResponseEvent evt) {
        }

        @Override
        public void processTimeout(TimeoutEvent evt) {
        }

        @Override
        public void processIOException(IOExceptionEvent evt) {
        }

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent evt) {
        }

        @Override
        public void processDialogTerminated(DialogTerminatedEvent evt) {
        }

        @Override
        public void processDialogTimeout(DialogTimeoutEvent evt) {
        }
    }
}
