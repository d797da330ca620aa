package io.callrec.sip;

import gov.nist.javax.sip.DialogTimeoutEvent;
import gov.nist.javax.sip.ServerTransactionExt;
import gov.nist.javax.sip.SipListenerExt;
import io.callrec.media.MediaAnchor;
import io.callrec.media.SdpRole;
import io.callrec.media.relay.PortsExhaustedException;
import io.callrec.media.relay.RelaySession;
import io.callrec.media.relay.RtpRelay;
import io.callrec.media.relay.Side;
import io.callrec.control.CallControl;
import io.callrec.record.MediaFormats;
import io.callrec.record.RecordingSession;
import io.callrec.config.IpLiteral;
import io.callrec.control.SipWarning;
import io.callrec.sdp.SdpNotAcceptableException;
import io.callrec.sdp.SdpParseException;
import io.callrec.sip.registrar.Binding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogState;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.TransactionUnavailableException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RequireHeader;
import javax.sip.header.SupportedHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The back-to-back user agent: every call is two dialogs (leg A toward the caller, leg B toward the callee) with
 * their own Call-IDs, tags and CSeq spaces, and media anchored through the relay. Requests and responses are
 * rebuilt per leg; end-to-end headers are copied by {@link HeaderRelay}; SDP goes through the call's
 * {@link MediaAnchor}.
 *
 * <p>The stack runs this listener re-entrantly on a pool of threads; per-call state is guarded by the
 * {@link Call}'s monitor.
 */
public final class B2bua implements SipListenerExt {
    private static final Logger log = LoggerFactory.getLogger(B2bua.class);
    private static final Logger events = LoggerFactory.getLogger("io.callrec.call");

    static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, MESSAGE, UPDATE, PRACK, REFER, NOTIFY, REGISTER";
    static final String SUPPORTED = "timer, 100rel, replaces";
    /** How long a request that overtook its dialog's ACK waits for it (a real ACK is milliseconds behind). */
    private static final Duration ACK_OVERTAKE_WAIT = Duration.ofSeconds(2);
    /** No final answer from the callee within this time: the caller gets 408 (RFC 3261 Timer C is > 3 min). */
    private static final Duration SETUP_LIMIT = Duration.ofMinutes(3);
    /**
     * After a BYE or CANCEL the relay keeps a call's ports this much longer while packets are still arriving: the last
     * packets a party sent, and the far end's echo of them, are in flight when the BYE is handled (a round trip), and a
     * closed port drops them. Long enough for any round trip, short enough that ports come back at once for reuse.
     */
    static final Duration MEDIA_LINGER = Duration.ofMillis(500);

    private final SipContext sip;
    private final CallPolicy policy;
    private final RtpRelay relay;
    private final RecordingServices services;
    /** Calls by the ids of the recordings running on them, for in-dialog link delivery. */
    private final Map<String, Call> callsByRecording = new ConcurrentHashMap<>();
    private static final String CALLREC_REQUEST = "Callrec-Request";
    private static final String INFO_PACKAGE = "Info-Package";
    private final String mediaHost;
    private final ScheduledExecutorService timers;
    private final Clock clock;
    private final Map<String, Call> callsByCallIdA = new ConcurrentHashMap<>();
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    private final AtomicLong totalCalls = new AtomicLong();
    private final AtomicLong failedCalls = new AtomicLong();
    private final AtomicLong callSequence = new AtomicLong();
    private volatile boolean draining;
    private final LegReplacement replacements;

    public B2bua(SipContext sip, CallPolicy policy, RtpRelay relay, RecordingServices services, String mediaHost,
                 ScheduledExecutorService timers, Clock clock) {
        this.sip = sip;
        this.policy = policy;
        this.relay = relay;
        this.services = services;
        this.mediaHost = mediaHost;
        this.timers = timers;
        this.clock = clock;
        this.replacements = new LegReplacement(this, sip, policy);
    }

    public int activeCalls() {
        return calls.size();
    }

    public long totalCalls() {
        return totalCalls.get();
    }

    public long failedCalls() {
        return failedCalls.get();
    }

    /** From now on new INVITEs get 503; running calls go on until {@link #endAll} or their end. */
    public void startDraining() {
        draining = true;
    }

    /** Ends every call (BYE to confirmed legs, CANCEL/503 to calls still being set up). */
    public void endAll(String reason) {
        for (Call call : List.copyOf(calls.values())) {
            end(call, reason);
        }
    }

    // ------------------------------------------------------------------ requests

    @Override
    public void processRequest(RequestEvent evt) {
        Request req = evt.getRequest();
        String method = req.getMethod();
        try {
            if (Request.ACK.equals(method)) {
                onAck(evt);
                return;
            }
            ServerTransaction st = serverTransaction(evt);
            if (st == null) {
                return; // a retransmission the stack already answers
            }
            Dialog dialog = evt.getDialog();
            String toTag = ((ToHeader) req.getHeader(ToHeader.NAME)).getTag();
            Optional<Response> refusal = toTag == null && !Request.CANCEL.equals(method)
                    ? RequestAdmission.refusal(req) : Optional.empty();
            if (refusal.isPresent()) {
                st.sendResponse(refusal.get());
            } else if (Request.CANCEL.equals(method)) {
                onCancel(st, req);
            } else if (toTag != null) {
                Leg leg = dialog == null ? null : (Leg) dialog.getApplicationData();
                if (leg == null) {
                    respond(st, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
                } else {
                    onInDialogRequest(st, req, leg);
                }
            } else if (Request.INVITE.equals(method)) {
                onInitialInvite(evt, st, req);
            } else if (Request.REGISTER.equals(method)) {
                st.sendResponse(policy.register(req, evt));
            } else if (Request.OPTIONS.equals(method)) {
                Response ok = sip.messages().createResponse(Response.OK, req);
                addCapabilities(ok);
                ok.addHeader(sip.headers().createAcceptHeader("application", "sdp"));
                st.sendResponse(ok);
            } else if (Request.BYE.equals(method) || Request.PRACK.equals(method) || Request.UPDATE.equals(method)
                    || Request.INFO.equals(method)) {
                respond(st, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            } else {
                Response r = sip.messages().createResponse(Response.METHOD_NOT_ALLOWED, req);
                r.addHeader(sip.headers().createAllowHeader(ALLOW));
                st.sendResponse(r);
            }
        } catch (Exception e) {
            log.warn("failed to handle {} {}: {}", method, callIdOf(req), e.toString(), e);
        }
    }

    private ServerTransaction serverTransaction(RequestEvent evt) {
        ServerTransaction st = evt.getServerTransaction();
        if (st != null) {
            return st;
        }
        try {
            return sip.provider().getNewServerTransaction(evt.getRequest());
        } catch (TransactionAlreadyExistsException e) {
            return null;
        } catch (TransactionUnavailableException e) {
            log.warn("no server transaction for {}: {}", evt.getRequest().getMethod(), e.getMessage());
            try {
                sip.provider().sendResponse(RequestAdmission.withoutTransaction(evt.getRequest(), e.getMessage()));
            } catch (SipException unsent) {
                log.debug("stateless 400 not sent: {}", unsent.getMessage());
            }
            return null;
        }
    }

    private void onInitialInvite(RequestEvent evt, ServerTransaction st, Request req) throws Exception {
        if (draining) {
            Response r = sip.messages().createResponse(Response.SERVICE_UNAVAILABLE, req);
            r.addHeader(sip.headers().createRetryAfterHeader(30));
            st.sendResponse(r);
            return;
        }
        MaxForwardsHeader mf = (MaxForwardsHeader) req.getHeader(MaxForwardsHeader.NAME);
        int hops = mf == null ? 70 : mf.getMaxForwards();
        if (hops <= 0) {
            respond(st, Response.TOO_MANY_HOPS, null);
            return;
        }
        if (cameFromUs(req)) {
            respond(st, Response.LOOP_DETECTED, null);
            return;
        }
        long interval = sessionInterval(req);
        if (interval > 0 && interval < policy.minSessionExpires().toSeconds()) {
            // RFC 4028 §8.1: too short an interval would flood us with refreshes.
            Response r = sip.messages().createResponse(422, req);
            r.setReasonPhrase("Session Interval Too Small");
            r.addHeader(sip.headers().createHeader("Min-SE", Long.toString(policy.minSessionExpires().toSeconds())));
            st.sendResponse(r);
            return;
        }
        if (req.getHeader(Replaces.NAME) != null) {
            replacements.onInvite(evt, st, req); // a transfer into a running call: no new call, no call slot
            return;
        }
        if (calls.size() >= policy.maxCalls()) {
            Response r = sip.messages().createResponse(Response.SERVICE_UNAVAILABLE, req);
            r.setReasonPhrase("Call Limit Reached");
            r.addHeader(sip.headers().createRetryAfterHeader(10));
            st.sendResponse(r);
            return;
        }
        Optional<Response> challenge = policy.authorize(req, evt);
        if (challenge.isPresent()) {
            st.sendResponse(challenge.get());
            return;
        }
        CallPolicy.Target target = policy.route(req);
        if (target.status() != 0) {
            respond(st, target.status(), target.reason());
            logEvent(null, "rejected " + target.status() + " for " + req.getRequestURI());
            return;
        }
        respond(st, Response.TRYING, null);

        Call call = new Call(nextCallId(), clock.instant(), SipFactories.newTag(), SipFactories.newTag());
        call.a.callId = callIdOf(req);
        call.inviteA = st;
        call.callerRequires100rel = headerListContains(req, RequireHeader.NAME, "100rel");
        call.serverRefreshesB = interval == 0 && !policy.sessionExpires().isZero();
        call.a.trusted = policy.trusted(evt);
        RecvInfo.learn(call.a, req);
        call.b.trusted = policy.trustedTarget(target.uri());
        call.a.partyUri = ((javax.sip.header.FromHeader) req.getHeader(javax.sip.header.FromHeader.NAME))
                .getAddress().getURI();
        PartyIdentity caller = PartyIdentity.asserted(req, call.a.trusted)
                .orElse(new PartyIdentity(call.a.partyUri.toString(), policy.identitySource(evt)));
        call.callerIdentity = caller.uri();
        call.calleeIdentity = req.getRequestURI().toString();
        call.a.lastSource = String.valueOf(policy.source(req));
        call.calleeAuthenticated = target.binding().isPresent();
        call.port = new CallRecordingPort(this, call, services, timers);
        call.control = new CallControl(services.settings(), call.port, clock, call.port,
                new io.callrec.control.Party(call.a.callId, caller.uri(), caller.source()), services.storage().get());
        String setupRequest = callrecHeader(req, CALLREC_REQUEST);
        if (setupRequest != null) {
            if (policy.mayRequestRecording(evt)) {
                call.control.onSetupRequest(setupRequest);
            } else {
                log.info("{} Callrec-Request ignored: the caller is neither authenticated nor a trusted peer", call);
            }
        }
        synchronized (call) {
            Dialog dialogA = sip.provider().getNewDialog(st);
            dialogA.setApplicationData(call.a);
            call.a.dialog = dialogA;
            call.a.inviteInProgress = true;

            RelaySession rs = relay.openSession(call.id, (session, idle) -> end(call, "RTP inactive for "
                    + idle.toSeconds() + " s"));
            call.media = new MediaAnchor(rs, mediaHost, policy.rtpTimeout());
            // Every call gets the recorder's tap: it keeps the senders' RTCP timing so that a recording started
            // later syncs at once; without a recording it costs one check per packet.
            call.fork = services.recorder().fork(rs);
            calls.put(call.id, call);
            callsByCallIdA.put(call.a.callId, call);
            totalCalls.incrementAndGet();

            String sdpForB = null;
            if (hasSdp(req)) {
                try {
                    sdpForB = call.media.relay(Side.A, body(req), SdpRole.OFFER);
                } catch (SdpNotAcceptableException e) {
                    logEvent(call, "offer refused: " + e.reason());
                    failSetup(call, Response.NOT_ACCEPTABLE_HERE, "Not Acceptable Here",
                            SipWarning.headerValue(e.reason()));
                    return;
                } catch (SdpParseException e) {
                    failSetup(call, Response.BAD_REQUEST, "Bad SDP: " + e.getMessage());
                    return;
                } catch (PortsExhaustedException e) {
                    failSetup(call, Response.SERVICE_UNAVAILABLE, "No Media Ports Available");
                    return;
                }
            }
            Request invite = buildInitialInvite(req, target.uri(), sdpForB, hops - 1, call.a.trusted);
            if (call.serverRefreshesB) {
                // The caller asked for no session timer: we ask leg B for one ourselves (RFC 4028 §7.1, we are its
                // UAC), so a callee that vanished is noticed and released instead of holding ports forever.
                invite.setHeader(sip.headers().createHeader("Session-Expires",
                        policy.sessionExpires().toSeconds() + ";refresher=uac"));
                invite.addHeader(sip.headers().createSupportedHeader("timer"));
            }
            if (target.binding().isPresent()) {
                RegistrationFlow.route(sip, invite, target.binding().get());
            }
            call.b.callId = callIdOf(invite);
            ClientTransaction ct = sip.provider().getNewClientTransaction(invite);
            ct.setApplicationData(new Pending(call, call.a, st, Request.INVITE));
            Dialog dialogB = sip.provider().getNewDialog(ct);
            dialogB.setApplicationData(call.b);
            call.b.dialog = dialogB;
            call.b.inviteInProgress = true;
            call.inviteB = ct;
            call.setupTimer = timers.schedule(() -> setupTimedOut(call), SETUP_LIMIT.toSeconds(), TimeUnit.SECONDS);
            try {
                ct.sendRequest();
            } catch (SipException unreachable) {
                // A TCP or TLS callee that refuses the connection, or whose certificate we refuse, fails here: the
                // caller hears it now instead of when the setup limit runs out.
                logEvent(call, "INVITE " + target.uri() + " not sent: " + unreachable.getMessage());
                failSetup(call, Response.SERVICE_UNAVAILABLE, "Callee Unreachable");
                return;
            }
            logEvent(call, "INVITE " + req.getRequestURI() + " -> " + target.uri() + " (" + target.via() + ")"
                    + (sdpForB == null ? " without offer" : ""));
        }
    }

    private Request buildInitialInvite(Request src, String targetUri, String sdp, int hops, boolean trusted)
            throws ParseException, InvalidArgumentException, SipException {
        URI ruri = sip.addresses().createURI(targetUri);
        String transport = transportOf(ruri);
        CallIdHeader callId = sip.provider().getNewCallId();
        CSeqHeader cseq = sip.headers().createCSeqHeader(1L, Request.INVITE);
        FromHeader fromA = (FromHeader) src.getHeader(FromHeader.NAME);
        ToHeader toA = (ToHeader) src.getHeader(ToHeader.NAME);
        Call call = null;
        FromHeader from = sip.headers().createFromHeader(
                (javax.sip.address.Address) fromA.getAddress().clone(), SipFactories.newTag());
        ToHeader to = sip.headers().createToHeader((javax.sip.address.Address) toA.getAddress().clone(), null);
        List<ViaHeader> vias = new ArrayList<>();
        vias.add(sip.newVia(transport));
        Request invite = sip.messages().createRequest(ruri, Request.INVITE, callId, cseq, from, to, vias,
                sip.headers().createMaxForwardsHeader(hops));
        invite.addHeader(sip.contact(transport));
        HeaderRelay.copy(src, invite, trusted);
        RecvInfo.declare(invite, RecvInfo.declared(src).orElse(Set.of()));
        if (sdp != null) {
            invite.setContent(sdp, sdpType());
        }
        return invite;
    }

    private void onAck(RequestEvent evt) throws SipException, InvalidArgumentException {
        Dialog dialog = evt.getDialog();
        if (dialog == null || !(dialog.getApplicationData() instanceof Leg leg)) {
            return; // ACK of a non-2xx final response is absorbed by the transaction layer
        }
        Call call = leg.call;
        synchronized (call) {
            Leg.PendingAck pending = leg.pendingAck;
            if (pending == null) {
                return;
            }
            leg.pendingAck = null;
            Request ack = pending.target().dialog.createAck(pending.cseq());
            Request src = evt.getRequest();
            if (hasSdp(src)) {
                try {
                    ack.setContent(call.media.relay(leg.side, body(src), SdpRole.ANSWER), sdpType());
                    mediaChanged(call);
                } catch (SdpParseException | PortsExhaustedException | ParseException e) {
                    pending.target().dialog.sendAck(ack);
                    end(call, "bad SDP in ACK: " + e.getMessage());
                    return;
                }
            }
            pending.target().dialog.sendAck(ack);
            call.notifyAll(); // requests of this leg that overtook its ACK may go on now
            applyPartyChange(call, leg);
            if (call.state == Call.State.ANSWERED) {
                call.state = Call.State.CONFIRMED;
                cancel(call.setupTimer);
                logEvent(call, "confirmed");
                PartyIdentity callee = call.calleeAsserted != null ? call.calleeAsserted
                        : new PartyIdentity(call.calleeIdentity, io.callrec.control.IdentitySource.FROM);
                call.calleeIdentity = callee.uri();
                call.b.partyUri = call.b.dialog.getRemoteParty().getURI();
                call.control.onCallConfirmed(new io.callrec.control.Party(call.b.callId, callee.uri(),
                        callee.source()), call.calleeConsent);
                watchDtmf(call);
            }
        }
    }

    private void onCancel(ServerTransaction cancelTx, Request cancel) throws SipException, ParseException,
            InvalidArgumentException {
        cancelTx.sendResponse(sip.messages().createResponse(Response.OK, cancel));
        Call call = callsByCallIdA.get(callIdOf(cancel));
        if (call == null) {
            return; // RFC 3261 §9.2: answered 200 but nothing to cancel (the INVITE already got its final answer)
        }
        synchronized (call) {
            if (call.state != Call.State.SETUP && call.state != Call.State.EARLY) {
                return;
            }
            call.cancelled = true;
            respondToInviteA(call, Response.REQUEST_TERMINATED, null);
            cancelLegB(call);
            finish(call, "cancelled by caller", true);
        }
    }

    /**
     * The stack runs requests of one dialog on several threads, so a request a UA sent right after its ACK can be
     * handled first; relayed as is, it would reach the other party before the ACK it is waiting for. Waits (monitor
     * released) until this leg's ACK has been passed on; if it does not come, ACKs the other leg itself unless that
     * ACK must carry the SDP answer of a late offer.
     */
    private void awaitAckOf(Call call, Leg leg) throws InterruptedException, SipException, InvalidArgumentException {
        long deadline = System.nanoTime() + ACK_OVERTAKE_WAIT.toNanos();
        while (leg.pendingAck != null && System.nanoTime() < deadline) {
            call.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        Leg.PendingAck pending = leg.pendingAck;
        if (pending != null && !pending.answerInAck()) {
            leg.pendingAck = null;
            pending.target().dialog.sendAck(pending.target().dialog.createAck(pending.cseq()));
        }
    }

    /** RFC 3261 §9.1: a CANCEL may only follow a provisional response; otherwise it is sent when one arrives. */
    private void cancelLegB(Call call) {
        if (call.inviteB == null || !call.provisionalFromB) {
            return;
        }
        try {
            Request cancel = call.inviteB.createCancel();
            sip.provider().getNewClientTransaction(cancel).sendRequest();
        } catch (SipException e) {
            log.debug("{} CANCEL toward callee failed: {}", call, e.getMessage());
        }
    }

    private void onInDialogRequest(ServerTransaction st, Request req, Leg leg) throws Exception {
        Call call = leg.call;
        String method = req.getMethod();
        synchronized (call) {
            awaitAckOf(call, leg);
            if (Request.BYE.equals(method)) {
                try {
                    respond(st, Response.OK, null);
                } catch (SipException e) {
                    // The caller's transport may already be gone (TCP closed): the call still ends on both legs.
                    log.info("{} 200 for BYE not sent: {}", call, e.getMessage());
                }
                String reason = "BYE from " + (leg.side == Side.A ? "caller" : "callee");
                logEvent(call, reason);
                hangUp(call, leg.other());
                finish(call, reason, true);
                return;
            }
            if (Request.PRACK.equals(method)) {
                // 100rel is terminated per leg: our reliable provisionals on this leg are acknowledged here.
                respond(st, Response.OK, null);
                return;
            }
            Leg other = leg.other();
            if (call.ended() || other.dialog == null || other.dialog.getState() == null
                    || other.dialog.getState() == DialogState.TERMINATED) {
                respond(st, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
                return;
            }
            boolean invite = Request.INVITE.equals(method);
            if (invite && (leg.inviteInProgress || other.inviteInProgress)) {
                respond(st, Response.REQUEST_PENDING, null);
                return;
            }
            if (Request.OPTIONS.equals(method)) {
                Response ok = sip.messages().createResponse(Response.OK, req);
                addCapabilities(ok);
                st.sendResponse(ok);
                return;
            }
            leg.lastSource = String.valueOf(policy.source(req));
            if (controlTakes(st, req, leg)) {
                return;
            }
            if (Request.INFO.equals(method) && req.getHeader(INFO_PACKAGE) != null) {
                String pkg = infoPackage(req);
                if (!RecvInfo.CALLREC.equals(pkg) && !other.recvInfo.contains(pkg)) {
                    // RFC 6086 §5.2.5: neither we nor the other UA take this package.
                    Response r = sip.messages().createResponse(469, req);
                    r.setReasonPhrase("Bad Info Package");
                    RecvInfo.declare(r, other.recvInfo);
                    st.sendResponse(r);
                    return;
                }
            }
            if (other.dialog.getState() == DialogState.EARLY && !Request.UPDATE.equals(method)
                    && !Request.INFO.equals(method) && !Request.MESSAGE.equals(method)) {
                respond(st, Response.REQUEST_PENDING, null);
                return;
            }
            Request out = other.dialog.createRequest(method);
            HeaderRelay.copy(req, out, leg.trusted);
            if (req.getRawContent() != null && req.getRawContent().length > 0) {
                if (isSdp(req)) {
                    try {
                        out.setContent(call.media.relay(leg.side, body(req), SdpRole.OFFER), sdpType());
                        mediaChanged(call);
                    } catch (SdpNotAcceptableException e) {
                        respond(st, Response.NOT_ACCEPTABLE_HERE, null, SipWarning.headerValue(e.reason()));
                        return;
                    } catch (SdpParseException e) {
                        respond(st, Response.NOT_ACCEPTABLE_HERE, "Bad SDP");
                        return;
                    } catch (PortsExhaustedException e) {
                        respond(st, Response.SERVICE_UNAVAILABLE, "No Media Ports Available");
                        return;
                    }
                } else {
                    ContentTypeHeader type = (ContentTypeHeader) req.getHeader(ContentTypeHeader.NAME);
                    Optional<Response> refusal = RequestAdmission.charsetRefusal(req);
                    if (refusal.isPresent()) {
                        log.info("{} {} refused: its body's charset {} cannot be relayed", call, method,
                                SanitizingParserFactory.printable(BodyCharset.of(type)));
                        st.sendResponse(refusal.get());
                        return;
                    }
                    out.setContent(req.getRawContent(), type);
                }
            }
            if (invite || Request.UPDATE.equals(method)) {
                out.setHeader(sip.contact(transportOf(other.dialog.getRemoteTarget().getURI())));
                RecvInfo.learn(leg, req);
                RecvInfo.declare(out, leg.recvInfo);
            }
            ClientTransaction ct = sip.provider().getNewClientTransaction(out);
            ct.setApplicationData(new Pending(call, leg, st, method));
            if (invite) {
                leg.inviteInProgress = true;
                other.inviteInProgress = true;
            }
            other.dialog.sendRequest(ct);
            if (invite && call.control != null) {
                call.control.onReInvite(leg.side);
            }
            if ((invite || Request.UPDATE.equals(method)) && call.control != null
                    && call.state == Call.State.CONFIRMED) {
                notePartyChange(leg, req);
            }
            if (invite || Request.UPDATE.equals(method)) {
                logEvent(call, (invite ? "re-INVITE" : method) + " from " + (leg.side == Side.A ? "caller" : "callee")
                        + (isSdp(req) ? " with SDP" : ""));
            }
        }
    }

    // ------------------------------------------------------------------ responses

    @Override
    public void processResponse(ResponseEvent evt) {
        Response resp = evt.getResponse();
        ClientTransaction ct = evt.getClientTransaction();
        try {
            if (ct != null && ct.getApplicationData() instanceof OwnRequest own) {
                if (resp.getStatusCode() >= 200) {
                    onOwnAnswer(own, resp.getStatusCode());
                }
                return;
            }
            if (ct != null && ct.getApplicationData() instanceof LegReplacement.Offer offer) {
                replacements.onAnswer(offer, resp, resp.getStatusCode());
                return;
            }
            if (ct != null && ct.getApplicationData() instanceof LinkCourier.Attempt attempt) {
                if (resp.getStatusCode() >= 200) {
                    attempt.courier().onAnswer(attempt, resp.getStatusCode());
                }
                return;
            }
            if (ct == null || !(ct.getApplicationData() instanceof Pending pending)) {
                onStrayResponse(evt);
                return;
            }
            if (resp.getStatusCode() == Response.TRYING) {
                return;
            }
            Call call = pending.call();
            synchronized (call) {
                if (pending.origin() == null) {
                    onOwnRefreshResponse(call, pending, resp);
                } else if (pending.origin() == call.inviteA && Request.INVITE.equals(pending.method())) {
                    onInitialInviteResponse(call, ct, resp, evt.getDialog());
                } else {
                    onRelayedResponse(call, pending, resp);
                }
            }
        } catch (Exception e) {
            log.warn("failed to handle response {} {}: {}", resp.getStatusCode(), callIdOf(resp), e.toString(), e);
        }
    }

    private void onInitialInviteResponse(Call call, ClientTransaction ct, Response resp, Dialog dialog)
            throws Exception {
        int code = resp.getStatusCode();
        if (call.ended()) {
            if (code / 100 == 2 && dialog != null) {
                // The callee answered after the caller left (CANCEL race, RFC 3261 §15): confirm and release it.
                dialog.sendAck(dialog.createAck(cseqOf(resp)));
                sendBye(dialog, call);
            }
            return;
        }
        if (code < 200) {
            boolean first = !call.provisionalFromB;
            call.provisionalFromB = true;
            if (call.cancelled) {
                cancelLegB(call);
                return;
            }
            if (first) {
                call.state = Call.State.EARLY;
            }
            if (dialog != null && dialog != call.b.dialog && call.b.dialog.getState() == null) {
                call.b.dialog = dialog;
                dialog.setApplicationData(call.b);
            }
            if (resp.getHeader("RSeq") != null && dialog != null) {
                // Reliable provisional on leg B: acknowledged here, 100rel is terminated per leg.
                Request prack = dialog.createPrack(resp);
                dialog.sendRequest(sip.provider().getNewClientTransaction(prack));
            }
            RecvInfo.learn(call.b, resp);
            relayProvisionalToA(call, resp);
            return;
        }
        cancel(call.setupTimer);
        call.b.inviteInProgress = false;
        call.a.inviteInProgress = false;
        if (code / 100 == 2) {
            if (dialog != null && dialog != call.b.dialog) {
                call.b.dialog = dialog;
                dialog.setApplicationData(call.b);
            }
            String sdpForA = null;
            if (hasSdp(resp)) {
                try {
                    sdpForA = call.media.relay(Side.B, body(resp), roleOfResponse(call.inviteA.getRequest()));
                } catch (SdpParseException | PortsExhaustedException e) {
                    call.b.dialog.sendAck(call.b.dialog.createAck(cseqOf(resp)));
                    sendBye(call.b.dialog, call);
                    respondToInviteA(call, Response.SERVER_INTERNAL_ERROR, "Callee SDP not usable");
                    finish(call, "unusable SDP from callee: " + e.getMessage());
                    failedCalls.incrementAndGet();
                    return;
                }
            }
            Response ok = sip.messages().createResponse(code, call.inviteA.getRequest());
            ok.setReasonPhrase(resp.getReasonPhrase());
            prepareForA(call, resp, ok);
            RecvInfo.learn(call.b, resp);
            RecvInfo.declare(ok, call.b.recvInfo);
            if (call.b.trusted || call.calleeAuthenticated) {
                call.calleeConsent = callrecHeader(resp, "Callrec-Consent");
            }
            call.calleeAsserted = PartyIdentity.asserted(resp, call.b.trusted).orElse(null);
            if (sdpForA != null) {
                ok.setContent(sdpForA, sdpType());
            }
            call.a.pendingAck = new Leg.PendingAck(call.b, cseqOf(resp), !hasSdp(call.inviteA.getRequest()));
            call.state = Call.State.ANSWERED;
            if (call.serverRefreshesB) {
                hideSessionTimer(ok);
            }
            call.inviteA.sendResponse(ok);
            startSessionTimer(call, resp);
            if (call.serverRefreshesB) {
                scheduleRefreshOfB(call, resp);
            }
            logEvent(call, "answered " + code);
            return;
        }
        // 3xx-6xx: the caller gets the same code; the transaction layer ACKs leg B.
        Response fail = sip.messages().createResponse(code, call.inviteA.getRequest());
        fail.setReasonPhrase(resp.getReasonPhrase());
        ((ToHeader) fail.getHeader(ToHeader.NAME)).setTag(call.a.localTag);
        HeaderRelay.copy(resp, fail, true);
        if (code / 100 == 3) {
            for (Iterator<?> it = resp.getHeaders("Contact"); it.hasNext(); ) {
                fail.addHeader((Header) ((Header) it.next()).clone());
            }
        }
        call.inviteA.sendResponse(fail);
        failedCalls.incrementAndGet();
        finish(call, "failed " + code + " " + resp.getReasonPhrase());
    }

    private void relayProvisionalToA(Call call, Response resp) throws Exception {
        int code = resp.getStatusCode();
        String sdpForA = null;
        if (hasSdp(resp)) {
            try {
                sdpForA = call.media.relay(Side.B, body(resp), roleOfResponse(call.inviteA.getRequest()));
            } catch (SdpParseException | PortsExhaustedException e) {
                log.info("{} ignoring unusable early-media SDP: {}", call, e.getMessage());
            }
        }
        Response out;
        boolean reliable = call.callerRequires100rel && code > 100;
        if (reliable) {
            out = call.a.dialog.createReliableProvisionalResponse(code);
        } else {
            out = sip.messages().createResponse(code, call.inviteA.getRequest());
        }
        out.setReasonPhrase(resp.getReasonPhrase());
        prepareForA(call, resp, out);
        out.removeHeader(RequireHeader.NAME);
        if (reliable) {
            out.addHeader(sip.headers().createRequireHeader("100rel"));
            RecvInfo.declare(out, call.b.recvInfo);
        }
        if (sdpForA != null) {
            out.setContent(sdpForA, sdpType());
        }
        if (reliable) {
            call.a.dialog.sendReliableProvisionalResponse(out);
        } else {
            call.inviteA.sendResponse(out);
        }
        if (code == Response.RINGING || code == Response.SESSION_PROGRESS) {
            logEvent(call, code + (sdpForA != null ? " with early media" : ""));
        }
    }

    private void prepareForA(Call call, Response from, Response to) throws ParseException {
        ((ToHeader) to.getHeader(ToHeader.NAME)).setTag(call.a.localTag);
        to.setHeader(sip.contact(transportOf(call.inviteA.getRequest())));
        HeaderRelay.copy(from, to, true);
    }

    private void onRelayedResponse(Call call, Pending pending, Response resp) throws Exception {
        int code = resp.getStatusCode();
        if (code < 200 && !Request.INVITE.equals(pending.method())) {
            return;
        }
        Leg origin = pending.originLeg();
        Leg target = origin.other();
        boolean invite = Request.INVITE.equals(pending.method());
        if (code >= 200 && invite) {
            origin.inviteInProgress = false;
            target.inviteInProgress = false;
        }
        Response out = sip.messages().createResponse(code, pending.origin().getRequest());
        out.setReasonPhrase(resp.getReasonPhrase());
        HeaderRelay.copy(resp, out, target.trusted);
        if (resp.getRawContent() != null && resp.getRawContent().length > 0) {
            if (isSdp(resp)) {
                try {
                    SdpRole role = roleOfResponse(pending.origin().getRequest());
                    out.setContent(call.media.relay(target.side, body(resp), role), sdpType());
                    mediaChanged(call);
                } catch (SdpParseException | PortsExhaustedException e) {
                    log.info("{} unusable SDP in {} answer: {}", call, pending.method(), e.getMessage());
                }
            } else {
                ContentTypeHeader type = (ContentTypeHeader) resp.getHeader(ContentTypeHeader.NAME);
                if (BodyCharset.relayable(type)) {
                    out.setContent(resp.getRawContent(), type);
                } else {
                    log.info("{} body of {} {} left out: its charset {} cannot be relayed", call, code,
                            pending.method(), SanitizingParserFactory.printable(BodyCharset.of(type)));
                }
            }
        }
        if (code / 100 == 2 && (invite || Request.UPDATE.equals(pending.method()))) {
            out.setHeader(sip.contact(transportOf(pending.origin().getRequest())));
            RecvInfo.learn(target, resp);
            RecvInfo.declare(out, target.recvInfo);
        }
        if (invite && code / 100 == 2) {
            origin.pendingAck = new Leg.PendingAck(target, cseqOf(resp), !hasSdp(pending.origin().getRequest()));
            startSessionTimer(call, resp);
        } else if (Request.UPDATE.equals(pending.method()) && code / 100 == 2) {
            startSessionTimer(call, resp);
        }
        try {
            pending.origin().sendResponse(out);
        } catch (SipException e) {
            log.debug("{} could not relay {} to {}: {}", call, code, origin.side, e.getMessage());
        }
        if (code >= 300) {
            origin.pendingParty = null;
        } else if (code / 100 == 2 && Request.UPDATE.equals(pending.method())) {
            applyPartyChange(call, origin);
        }
        if (code == Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST || code == Response.REQUEST_TIMEOUT) {
            // RFC 5057 §5: the dialog is gone on that side, so the call cannot go on.
            end(call, pending.method() + " answered " + code + " by " + (target.side == Side.A ? "caller" : "callee"));
        }
    }

    private void onStrayResponse(ResponseEvent evt) {
        Response resp = evt.getResponse();
        Dialog dialog = evt.getDialog();
        if (dialog != null && dialog.getApplicationData() instanceof Leg leg
                && resp.getStatusCode() / 100 == 2 && Request.INVITE.equals(cseqMethod(resp))) {
            Call call = leg.call;
            synchronized (call) {
                if (call.ended() && dialog.getState() != DialogState.TERMINATED) {
                    try {
                        dialog.sendAck(dialog.createAck(cseqOf(resp)));
                        sendBye(dialog, call);
                    } catch (SipException | InvalidArgumentException e) {
                        log.debug("{} late 2xx cleanup failed: {}", call, e.getMessage());
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ recording control

    /** A {@code Callrec-*} header's value, or null. */
    private static String callrecHeader(javax.sip.message.Message m, String name) {
        Header h = m.getHeader(name);
        if (h == null) {
            return null;
        }
        return SipFactories.headerValue(h);
    }

    void recordingStarted(String recordingId, Call call) {
        callsByRecording.put(recordingId, call);
    }

    /** A recording failed in the recorder (disk full, overload): its requester is told. */
    public void onRecordingError(String recordingId, String code, String message) {
        Call call = callsByRecording.get(recordingId);
        if (call == null) {
            return;
        }
        synchronized (call) {
            if (!call.ended() && call.control != null) {
                call.control.onRecordingFailed(recordingId,
                        io.callrec.control.ErrorCode.fromWireName(code).orElse(io.callrec.control.ErrorCode.INTERNAL),
                        message);
            }
        }
    }

    /** Storage availability changed: every call's parties hear it (rate-limited per dialog by the control). */
    public void onStorageStatus(io.callrec.control.StorageAvailability status) {
        for (Call call : calls.values()) {
            synchronized (call) {
                if (!call.ended() && call.control != null) {
                    call.control.onStorageStatus(status);
                }
            }
        }
    }

    private static final String EVENT_DIGITS = "0123456789*#ABCD";

    /** RFC 4733 key presses on the call's media feed the feature-code detectors (on a timer thread, under the lock). */
    private void watchDtmf(Call call) {
        if (call.fork == null || call.media == null) {
            return;
        }
        MediaFormats formats = MediaFormats.of(call.media.lastFrom(Side.A).orElse(null),
                call.media.lastFrom(Side.B).orElse(null));
        call.fork.watchDtmf((side, digit, timestamp) -> timers.execute(() -> {
            synchronized (call) {
                if (!call.ended() && call.control != null) {
                    detector(call, side).onTelephoneEvent(EVENT_DIGITS.indexOf(digit), timestamp);
                }
            }
        }), formats);
    }

    private io.callrec.control.FeatureCodeDetector detector(Call call, Side side) {
        int i = side.ordinal();
        if (call.detectors[i] == null) {
            call.detectors[i] = call.control.newDetector(side);
        }
        return call.detectors[i];
    }

    /**
     * An in-dialog request the recording control may take: a callrec INFO (answered here, never relayed), a DTMF
     * INFO (digits feed the feature codes and are relayed), a MESSAGE answering a consent prompt (answered here).
     *
     * @return true if the request was answered here and must not be relayed
     */
    private boolean controlTakes(ServerTransaction st, Request req, Leg leg) throws Exception {
        Call call = leg.call;
        String method = req.getMethod();
        if (call.control == null) {
            return false;
        }
        ContentTypeHeader ct = (ContentTypeHeader) req.getHeader(ContentTypeHeader.NAME);
        String type = ct == null ? "" : ct.getContentType() + "/" + ct.getContentSubType();
        byte[] body = req.getRawContent() == null ? new byte[0] : req.getRawContent();
        if (Request.INFO.equals(method) && req.getHeader(INFO_PACKAGE) != null
                && RecvInfo.CALLREC.equals(infoPackage(req))) {
            call.control.onInfoBody(leg.side, body, type, answer -> {
                try {
                    Response r = sip.messages().createResponse(answer.status(), req);
                    String warning = answer.warningHeader();
                    if (warning != null) {
                        r.addHeader(sip.headers().createHeader("Warning", warning));
                    }
                    if (answer.status() == 469) {
                        RecvInfo.declare(r, leg.other().recvInfo);
                    }
                    st.sendResponse(r);
                } catch (Exception e) {
                    log.info("{} answer to a callrec INFO not sent: {}", call, e.toString());
                }
            });
            return true;
        }
        if (Request.INFO.equals(method) && io.callrec.control.DtmfInfoBody.isDtmf(type)) {
            io.callrec.control.DtmfInfoBody.parse(type, body).ifPresent(d -> detector(call, leg.side).onInfoDigit(d));
            return false; // the digits are still relayed to the other party
        }
        if (Request.MESSAGE.equals(method) && call.control.awaitsConsentFrom(leg.side)
                && services.settings().answers().parse(type, body)
                        != io.callrec.control.PeerAnswerParser.Answer.NOT_AN_ANSWER) {
            // The 200 goes first: the answer's effects (outcome and state MESSAGEs) must not overtake it.
            respond(st, Response.OK, null);
            call.control.onPeerMessage(leg.side, type, body);
            return true;
        }
        return false;
    }

    /** Keeps running recordings informed of new payload types after a re-INVITE or UPDATE. */
    void mediaChanged(Call call) {
        if (call.state == Call.State.CONFIRMED) {
            watchDtmf(call);
        }
        if (call.recordings.isEmpty()) {
            return;
        }
        MediaFormats formats = MediaFormats.of(call.media.lastFrom(Side.A).orElse(null),
                call.media.lastFrom(Side.B).orElse(null));
        for (RecordingSession r : call.recordings) {
            r.updateFormats(formats);
        }
    }

    /**
     * Link delivery inside the requester's dialog while it is established (spec §4): the route the courier tries
     * first.
     */
    LinkCourier.DialogRoute dialogRoute() {
        return (recordingId, contentType, body, onAnswer) -> {
            Call call = callsByRecording.get(recordingId);
            if (call == null) {
                return false;
            }
            synchronized (call) {
                for (RecordingSession r : call.recordings) {
                    if (r.recordingId().equals(recordingId)) {
                        Leg requester = call.leg(r.spec().requesterSide());
                        return sendOwn(call, requester, Request.MESSAGE, contentType, body, Map.of(), onAnswer);
                    }
                }
                return false;
            }
        };
    }

    /** A PBX in front transfers the call: {@code req} may name a new party on {@code leg} (see {@link PartyIdentity}). */
    private void notePartyChange(Leg leg, Request req) {
        Call call = leg.call;
        String current = leg.side == Side.A ? call.callerIdentity : call.calleeIdentity;
        Optional<PartyIdentity> now = PartyIdentity.changedBy(req,
                new PartyIdentity(current, io.callrec.control.IdentitySource.FROM), leg.partyUri, leg.trusted);
        leg.pendingParty = now.orElse(null);
        leg.pendingPartyUri = now.isEmpty() ? null
                : ((javax.sip.header.FromHeader) req.getHeader(javax.sip.header.FromHeader.NAME)).getAddress().getURI();
    }

    /** The request that named a new party on {@code leg} succeeded: consent is bound to the old one, ask again. */
    private void applyPartyChange(Call call, Leg leg) {
        PartyIdentity now = leg.pendingParty;
        leg.pendingParty = null;
        if (now == null || call.ended() || call.control == null) {
            return;
        }
        leg.partyUri = leg.pendingPartyUri;
        if (leg.side == Side.A) {
            call.callerIdentity = now.uri();
        } else {
            call.calleeIdentity = now.uri();
        }
        logEvent(call, (leg.side == Side.A ? "caller" : "callee") + " is now " + now.uri() + " ("
                + now.source().logName() + "): recording consent is asked again");
        call.control.onPartyChanged(leg.side, new io.callrec.control.Party(leg.callId, now.uri(), now.source()));
    }

    static String userOf(String uri) {
        int colon = uri.indexOf(':');
        int at = uri.indexOf('@');
        return colon >= 0 && at > colon + 1 ? uri.substring(colon + 1, at) : null;
    }

    static String remoteTarget(Leg leg) {
        return leg.dialog == null || leg.dialog.getRemoteTarget() == null ? null
                : leg.dialog.getRemoteTarget().getURI().toString();
    }

    private static String infoPackage(Request req) {
        String value = SipFactories.headerValue(req.getHeader(INFO_PACKAGE));
        int semi = value.indexOf(';');
        return (semi >= 0 ? value.substring(0, semi) : value).trim().toLowerCase(Locale.ROOT);
    }


    // ------------------------------------------------------------------ ending calls

    /** Ends a call from our side, whatever its state: the reason is logged with both Call-IDs. */
    void end(Call call, String reason) {
        synchronized (call) {
            if (call.ended()) {
                return;
            }
            switch (call.state) {
                case SETUP, EARLY -> {
                    respondToInviteA(call, draining ? Response.SERVICE_UNAVAILABLE : Response.REQUEST_TIMEOUT, null);
                    call.cancelled = true;
                    cancelLegB(call);
                }
                case ANSWERED, CONFIRMED -> {
                    Leg.PendingAck pending = call.a.pendingAck;
                    if (pending != null) {
                        try {
                            pending.target().dialog.sendAck(pending.target().dialog.createAck(pending.cseq()));
                        } catch (SipException | InvalidArgumentException e) {
                            log.debug("{} ACK before BYE failed: {}", call, e.getMessage());
                        }
                    }
                    hangUp(call, call.a);
                    hangUp(call, call.b);
                }
                default -> { }
            }
            finish(call, reason);
        }
    }

    private void hangUp(Call call, Leg leg) {
        if (leg.dialog == null || leg.dialog.getState() != DialogState.CONFIRMED) {
            return;
        }
        sendBye(leg.dialog, call);
    }

    void sendBye(Dialog dialog, Call call) {
        try {
            Request bye = dialog.createRequest(Request.BYE);
            ClientTransaction ct = sip.provider().getNewClientTransaction(bye);
            dialog.sendRequest(ct);
        } catch (SipException e) {
            log.debug("{} BYE failed: {}", call, e.getMessage());
        }
    }

    /** Releases everything the call holds; idempotent. */
    private void finish(Call call, String reason) {
        finish(call, reason, false);
    }

    /**
     * @param mediaInFlight the call ended by a party hanging up while media may still be on its way: the relay keeps
     *                      the ports {@link #MEDIA_LINGER} longer if it was carrying packets (see
     *                      {@link io.callrec.media.relay.RelaySession#closeAfterInFlight})
     */
    private void finish(Call call, String reason, boolean mediaInFlight) {
        if (call.ended()) {
            return;
        }
        call.state = Call.State.ENDED;
        call.endReason = reason;
        cancel(call.setupTimer);
        cancel(call.sessionTimer);
        cancel(call.refreshTimer);
        if (call.control != null) {
            call.control.onCallEnded(reason);
        }
        for (RecordingSession r : call.recordings) {
            r.stop(); // before the ports close: what was received is written and delivered
            callsByRecording.remove(r.recordingId(), call);
        }
        if (call.media != null) {
            if (mediaInFlight) {
                call.media.session().closeAfterInFlight(MEDIA_LINGER);
            } else {
                call.media.session().close();
            }
        }
        calls.remove(call.id);
        callsByCallIdA.remove(call.a.callId, call);
        logEvent(call, "ended: " + reason + " after "
                + Duration.between(call.started, clock.instant()).toSeconds() + " s");
    }

    private void failSetup(Call call, int code, String reason) {
        failSetup(call, code, reason, null);
    }

    private void failSetup(Call call, int code, String reason, String warning) {
        respondToInviteA(call, code, reason, warning);
        failedCalls.incrementAndGet();
        finish(call, "setup failed: " + code + " " + reason);
    }

    private void setupTimedOut(Call call) {
        synchronized (call) {
            if (call.state == Call.State.SETUP || call.state == Call.State.EARLY) {
                failedCalls.incrementAndGet();
                end(call, "no final answer from callee");
            } else if (call.state == Call.State.ANSWERED) {
                end(call, "no ACK from caller");
            }
        }
    }

    private void respondToInviteA(Call call, int code, String reason) {
        respondToInviteA(call, code, reason, null);
    }

    private void respondToInviteA(Call call, int code, String reason, String warning) {
        try {
            if (call.inviteA == null) {
                return;
            }
            Response r = sip.messages().createResponse(code, call.inviteA.getRequest());
            if (reason != null) {
                r.setReasonPhrase(reason);
            }
            ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(call.a.localTag);
            if (warning != null) {
                r.addHeader(sip.headers().createHeader("Warning", warning));
            }
            call.inviteA.sendResponse(r);
        } catch (Exception e) {
            log.debug("{} could not answer {} to caller: {}", call, code, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ session timers (RFC 4028)

    /**
     * The session interval that the final answer settled on: if no refresh (re-INVITE or UPDATE answered 2xx) comes
     * within it, the call is dead on at least one side and both legs are released.
     */
    private void startSessionTimer(Call call, Response resp) {
        // A refresh answered without Session-Expires still refreshes a session whose interval is already known.
        long seconds = sessionInterval(resp) > 0 ? sessionInterval(resp) : call.sessionExpiresSeconds;
        if (seconds <= 0) {
            return;
        }
        call.sessionExpiresSeconds = seconds;
        armSessionExpiry(call, seconds);
    }

    /**
     * RFC 4028 §10: without a refresh, BYE slightly before expiry, by min(32 s, interval/3); the refresher refreshes
     * at half the interval, so a live session is never cut.
     */
    private void armSessionExpiry(Call call, long seconds) {
        cancel(call.sessionTimer);
        call.sessionTimer = timers.schedule(() -> end(call, "session timer expired (" + seconds + " s)"),
                seconds - Math.min(32, seconds / 3), TimeUnit.SECONDS);
    }

    /**
     * Leg B's session timer, when the server asked for it: we refresh unless the callee chose to (refresher=uas).
     * The interval is the callee's answer, or ours if it answered without one (it does not support timers, and a
     * UAC may then still refresh, RFC 4028 §7.2).
     */
    private void scheduleRefreshOfB(Call call, Response ok) {
        Header se = ok.getHeader("Session-Expires");
        if (se != null && se.toString().toLowerCase(Locale.ROOT).contains("refresher=uas")) {
            return;
        }
        long seconds = sessionInterval(ok);
        if (seconds <= 0) {
            seconds = policy.sessionExpires().toSeconds();
            call.sessionExpiresSeconds = seconds;
        }
        call.allowsUpdateB = headerListContains(ok, "Allow", Request.UPDATE);
        long half = Math.max(1, seconds / 2);
        cancel(call.refreshTimer);
        call.refreshTimer = timers.scheduleWithFixedDelay(() -> refreshB(call), half, half, TimeUnit.SECONDS);
        if (sessionInterval(ok) <= 0) {
            armSessionExpiry(call, seconds);
        }
    }

    /** A session refresh on leg B: UPDATE without SDP when the callee allows it, else a re-INVITE with the same SDP. */
    private void refreshB(Call call) {
        synchronized (call) {
            if (call.ended() || call.state != Call.State.CONFIRMED || call.b.inviteInProgress) {
                return; // an INVITE in progress refreshes the session by itself
            }
            try {
                String method = call.allowsUpdateB ? Request.UPDATE : Request.INVITE;
                Request refresh = call.b.dialog.createRequest(method);
                refresh.setHeader(sip.headers().createHeader("Session-Expires",
                        call.sessionExpiresSeconds + ";refresher=uac"));
                refresh.setHeader(sip.headers().createSupportedHeader("timer"));
                refresh.setHeader(sip.contact(transportOf(call.b.dialog.getRemoteTarget().getURI())));
                if (Request.INVITE.equals(method)) {
                    Optional<String> sdp = call.media.lastSentTo(Side.B);
                    if (sdp.isPresent()) {
                        refresh.setContent(sdp.get(), sdpType());
                    }
                    call.b.inviteInProgress = true;
                }
                ClientTransaction ct = sip.provider().getNewClientTransaction(refresh);
                ct.setApplicationData(new Pending(call, null, null, method));
                call.b.dialog.sendRequest(ct);
            } catch (Exception e) {
                call.b.inviteInProgress = false;
                log.info("{} session refresh toward callee not sent: {}", call, e.toString());
            }
        }
    }

    private void onOwnRefreshResponse(Call call, Pending pending, Response resp) throws SipException,
            InvalidArgumentException {
        int code = resp.getStatusCode();
        if (code < 200) {
            return;
        }
        if (Request.INVITE.equals(pending.method())) {
            call.b.inviteInProgress = false;
            if (code / 100 == 2) {
                call.b.dialog.sendAck(call.b.dialog.createAck(cseqOf(resp)));
                if (hasSdp(resp)) {
                    try {
                        call.media.refreshAnswered(Side.B, body(resp));
                    } catch (SdpParseException e) {
                        log.info("{} unusable SDP in the answer to our session refresh: {}", call, e.getMessage());
                    }
                }
            }
        }
        if (code / 100 == 2) {
            startSessionTimer(call, resp);
        } else if (code == Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST || code == Response.REQUEST_TIMEOUT) {
            end(call, "callee answered session refresh with " + code);
        } else {
            log.info("{} session refresh toward callee answered {} {}", call, code, resp.getReasonPhrase());
        }
    }

    /** The caller did not ask for a session timer: what leg B negotiated with us is not its business. */
    private void hideSessionTimer(Response toCaller) throws ParseException {
        toCaller.removeHeader("Session-Expires");
        List<String> required = tokens(toCaller, RequireHeader.NAME);
        required.removeIf("timer"::equalsIgnoreCase);
        toCaller.removeHeader(RequireHeader.NAME);
        for (String tag : required) {
            toCaller.addHeader(sip.headers().createRequireHeader(tag));
        }
    }

    /** The delta-seconds of a Session-Expires header (RFC 4028 §4), or 0 when absent or unreadable. */
    static long sessionInterval(Message m) {
        Header se = m.getHeader("Session-Expires");
        if (se == null) {
            return 0;
        }
        String value = SipFactories.headerValue(se);
        int semi = value.indexOf(';');
        try {
            return Math.max(0, Long.parseLong((semi < 0 ? value : value.substring(0, semi)).trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------ other events

    @Override
    public void processTimeout(TimeoutEvent evt) {
        if (evt.isServerTransaction()) {
            return;
        }
        ClientTransaction ct = evt.getClientTransaction();
        if (ct != null && ct.getApplicationData() instanceof OwnRequest own) {
            onOwnAnswer(own, Response.REQUEST_TIMEOUT);
            return;
        }
        if (ct != null && ct.getApplicationData() instanceof LegReplacement.Offer offer) {
            replacements.onAnswer(offer, null, Response.REQUEST_TIMEOUT);
            return;
        }
        if (ct != null && ct.getApplicationData() instanceof LinkCourier.Attempt attempt) {
            attempt.courier().onAnswer(attempt, Response.REQUEST_TIMEOUT);
            return;
        }
        if (ct == null || !(ct.getApplicationData() instanceof Pending pending)) {
            return;
        }
        Call call = pending.call();
        synchronized (call) {
            if (pending.origin() == null) {
                end(call, "session refresh toward callee timed out");
            } else if (pending.origin() == call.inviteA && Request.INVITE.equals(pending.method())) {
                failedCalls.incrementAndGet();
                respondToInviteA(call, Response.REQUEST_TIMEOUT, null);
                finish(call, "callee did not answer (timeout)");
            } else {
                try {
                    pending.origin().sendResponse(
                            sip.messages().createResponse(Response.REQUEST_TIMEOUT, pending.origin().getRequest()));
                } catch (Exception e) {
                    log.debug("{} 408 to origin failed: {}", call, e.getMessage());
                }
                end(call, pending.method() + " timed out toward "
                        + (pending.originLeg().side == Side.A ? "callee" : "caller"));
            }
        }
    }

    @Override
    public void processDialogTimeout(DialogTimeoutEvent evt) {
        Dialog dialog = evt.getDialog();
        if (dialog != null && dialog.getApplicationData() instanceof Leg leg) {
            // After 64*T1 without the caller's ACK the stack times out both legs: leg A as "not received", leg B as
            // "not sent" (its ACK waits for the caller's).
            boolean missingAck = evt.getReason() == DialogTimeoutEvent.Reason.AckNotReceived
                    || evt.getReason() == DialogTimeoutEvent.Reason.AckNotSent;
            end(leg.call, missingAck ? "no ACK from caller" : "dialog timeout: " + evt.getReason());
        }
    }

    @Override
    public void processIOException(IOExceptionEvent evt) {
        log.info("transport error toward {}:{} ({})", evt.getHost(), evt.getPort(), evt.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent evt) {
        // Calls are released by their own events (BYE, final answers, timers); nothing is keyed by transaction.
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent evt) {
        if (evt.getDialog().getApplicationData() instanceof Leg leg) {
            Call call = leg.call;
            synchronized (call) {
                if (!call.ended() && (call.state == Call.State.CONFIRMED || call.state == Call.State.ANSWERED)) {
                    end(call, "dialog terminated on " + leg.side);
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    void respond(ServerTransaction st, int code, String reason) throws ParseException, SipException,
            InvalidArgumentException {
        respond(st, code, reason, null);
    }

    private void respond(ServerTransaction st, int code, String reason, String warning) throws ParseException,
            SipException, InvalidArgumentException {
        Response r = sip.messages().createResponse(code, st.getRequest());
        if (warning != null) {
            r.addHeader(sip.headers().createHeader("Warning", warning));
        }
        if (reason != null) {
            r.setReasonPhrase(reason);
        }
        if (code == Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST || code == Response.NOT_ACCEPTABLE_HERE) {
            addCapabilities(r);
        }
        st.sendResponse(r);
    }

    private void addCapabilities(Response r) throws ParseException {
        r.setHeader(sip.headers().createAllowHeader(ALLOW));
        r.setHeader(sip.headers().createSupportedHeader(SUPPORTED));
    }

    /** An INVITE carrying one of our own branches has been through this server before: a routing loop. */
    private boolean cameFromUs(Request req) {
        for (Iterator<?> it = req.getHeaders(ViaHeader.NAME); it.hasNext(); ) {
            ViaHeader via = (ViaHeader) it.next();
            String branch = via.getBranch();
            if (branch != null && branch.startsWith(SipContext.BRANCH_PREFIX) && sip.isOwnPort(via.getPort())
                    && sameHost(via.getHost(), sip.host())) {
                return true;
            }
        }
        return false;
    }

    /** Literal addresses compare as addresses; names only as text: no DNS lookup for what a request claims. */
    private static boolean sameHost(String a, String b) {
        Optional<InetAddress> x = IpLiteral.parse(IpLiteral.stripBrackets(a));
        Optional<InetAddress> y = IpLiteral.parse(IpLiteral.stripBrackets(b));
        return x.isPresent() && y.isPresent() ? x.get().equals(y.get()) : a.equalsIgnoreCase(b);
    }

    /** The comma-separated tokens of every {@code name} header (Require, Supported, Allow…), trimmed. */
    static List<String> tokens(Message m, String name) {
        List<String> out = new ArrayList<>();
        for (Iterator<?> it = m.getHeaders(name); it.hasNext(); ) {
            for (String part : SipFactories.headerValue((Header) it.next()).split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    static boolean headerListContains(Message m, String name, String token) {
        return tokens(m, name).stream().anyMatch(token::equalsIgnoreCase);
    }

    static String transportOf(URI uri) {
        if (uri instanceof SipURI s) {
            String t = s.getTransportParam();
            if (t != null) {
                return t.toLowerCase(Locale.ROOT);
            }
            return s.isSecure() ? "tls" : "udp";
        }
        return "udp";
    }

    /** The transport a request came over (its top Via), lower case, for our Contact on that leg. */
    static String transportOf(Request req) {
        return CallPolicy.transportOf(req).toLowerCase(Locale.ROOT);
    }

    /** An SDP in a response answers the request's offer, or is the offer when the request had none. */
    private static SdpRole roleOfResponse(Request request) {
        return hasSdp(request) ? SdpRole.ANSWER : SdpRole.OFFER;
    }

    static boolean hasSdp(Message m) {
        return m.getRawContent() != null && m.getRawContent().length > 0 && isSdp(m);
    }

    private static boolean isSdp(Message m) {
        ContentTypeHeader ct = (ContentTypeHeader) m.getHeader(ContentTypeHeader.NAME);
        return ct != null && "application".equalsIgnoreCase(ct.getContentType())
                && "sdp".equalsIgnoreCase(ct.getContentSubType());
    }

    static String body(Message m) {
        return new String(m.getRawContent(), StandardCharsets.UTF_8);
    }

    ContentTypeHeader sdpType() throws ParseException {
        return sip.headers().createContentTypeHeader("application", "sdp");
    }

    static long cseqOf(Message m) {
        return ((CSeqHeader) m.getHeader(CSeqHeader.NAME)).getSeqNumber();
    }

    private static String cseqMethod(Message m) {
        return ((CSeqHeader) m.getHeader(CSeqHeader.NAME)).getMethod();
    }

    static String callIdOf(Message m) {
        CallIdHeader h = (CallIdHeader) m.getHeader(CallIdHeader.NAME);
        return h == null ? "?" : h.getCallId();
    }

    private static void cancel(java.util.concurrent.Future<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    private String nextCallId() {
        return "c" + Long.toString(callSequence.incrementAndGet(), 36) + "-" + SipFactories.newTag().substring(0, 6);
    }

    /** The running calls, for matching a dialog a request names (Replaces). */
    java.util.Collection<Call> liveCalls() {
        return calls.values();
    }

    /** {@code leg} now has another dialog ({@link LegReplacement}): the caller's Call-ID map follows it. */
    void legCallIdChanged(Call call, Leg leg, String oldCallId) {
        if (leg.side == Side.A) {
            callsByCallIdA.remove(oldCallId, call);
            callsByCallIdA.put(leg.callId, call);
        }
    }

    static String role(Side side) {
        return side == Side.A ? "caller" : "callee";
    }

    void logEvent(Call call, String what) {
        if (call == null) {
            events.info("{}", what);
        } else {
            events.info("{} {}", call, what);
        }
    }

    /** What a client transaction of ours is for: the request on {@code originLeg} that it relays. */
    record Pending(Call call, Leg originLeg, ServerTransaction origin, String method) { }

    /** A request the server itself sends inside a call's dialog (callrec INFO, text MESSAGE): nothing to relay. */
    record OwnRequest(Call call, Leg leg, String method, java.util.function.IntConsumer onAnswer) { }

    /**
     * Sends a request of the server's own in {@code leg}'s dialog; {@code onAnswer} gets the final status (408 on a
     * timeout), on a stack thread, without the call's monitor. Returns false if the dialog cannot take it now.
     */
    boolean sendOwn(Call call, Leg leg, String method, String contentType, byte[] body,
                    java.util.Map<String, String> headers, java.util.function.IntConsumer onAnswer) {
        if (call.ended() || leg.dialog == null || leg.dialog.getState() != DialogState.CONFIRMED) {
            return false;
        }
        try {
            Request req = leg.dialog.createRequest(method);
            for (java.util.Map.Entry<String, String> h : headers.entrySet()) {
                req.setHeader(sip.headers().createHeader(h.getKey(), h.getValue()));
            }
            int slash = contentType.indexOf('/');
            req.setContent(body, sip.headers().createContentTypeHeader(contentType.substring(0, slash),
                    contentType.substring(slash + 1)));
            ClientTransaction ct = sip.provider().getNewClientTransaction(req);
            ct.setApplicationData(new OwnRequest(call, leg, method, onAnswer));
            leg.dialog.sendRequest(ct);
            return true;
        } catch (ParseException | SipException e) {
            log.info("{} could not send {} to the {}: {}", call, method, leg.side == Side.A ? "caller" : "callee",
                    e.getMessage());
            return false;
        }
    }

    /** The callback runs without the call's monitor (it may take its own locks, which must not nest inside it). */
    private void onOwnAnswer(OwnRequest own, int code) {
        Call call = own.call();
        try {
            own.onAnswer().accept(code);
        } catch (RuntimeException e) {
            log.warn("{} handling the answer {} to our {} failed", call, code, own.method(), e);
        }
        if (code == Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST) {
            end(call, own.method() + " answered 481 by the " + (own.leg().side == Side.A ? "caller" : "callee"));
        }
    }
}
