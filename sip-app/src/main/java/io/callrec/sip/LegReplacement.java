package io.callrec.sip;

import io.callrec.media.relay.PortsExhaustedException;
import io.callrec.media.relay.Side;
import io.callrec.sdp.SdpParseException;
import io.callrec.sdp.SessionDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogState;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.address.URI;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.RequireHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Attended transfer into a call: an initial INVITE whose {@code Replaces} (RFC 3891) names one of callrec's own
 * dialogs. The far UA of the other leg never saw that dialog, so the INVITE cannot be relayed; as a B2BUA callrec
 * substitutes the leg itself. The new party N's offer goes to the other leg O in a re-INVITE (anchored through the
 * call's relay session on the replaced side, as any re-INVITE); O's answer answers N; then the replaced dialog gets
 * a BYE and N's dialog becomes the call's leg on that side. The control layer hears of the new party when N's ACK
 * arrives (as for a PBX transfer), so the consent question follows the 200 on the wire.
 *
 * <p>Dialog identifiers are no password: the INVITE passes the same authentication and trust policy as any new
 * call before it is matched, and only a confirmed dialog of a running call can be replaced.
 *
 * <p>Called by {@link B2bua} on stack threads; per-call state is guarded by the {@link Call}'s monitor.
 */
final class LegReplacement {
    private static final Logger log = LoggerFactory.getLogger(LegReplacement.class);

    private final B2bua b2bua;
    private final SipContext sip;
    private final CallPolicy policy;

    LegReplacement(B2bua b2bua, SipContext sip, CallPolicy policy) {
        this.b2bua = b2bua;
        this.sip = sip;
        this.policy = policy;
    }

    /** A status that refuses the replacement, with its reason phrase. */
    record Refusal(int status, String reason) { }

    /**
     * What an INVITE with {@code Replaces} naming a dialog of a call in {@code state} gets instead of the
     * substitution (RFC 3891 §3), or empty to go ahead.
     *
     * @param side             the side of the named leg: on A callrec is the UAS of the early dialog, on B its UAC
     * @param earlyOnly        the Replaces carries {@code early-only}
     * @param inviteInProgress an INVITE transaction runs on either leg of the call
     */
    static Optional<Refusal> refusal(Call.State state, Side side, boolean earlyOnly, boolean inviteInProgress) {
        return switch (state) {
            case ENDED -> Optional.of(new Refusal(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null));
            // §3: an early dialog this UA did not initiate (leg A: callrec is the UAS) gets 481. An early dialog
            // it initiated (leg B, still ringing) would be call pickup: answering the caller with somebody else
            // than the callee it rang, which callrec does not do.
            case SETUP, EARLY -> Optional.of(side == Side.A
                    ? new Refusal(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null)
                    : new Refusal(Response.TEMPORARILY_UNAVAILABLE, "Call Pickup Not Supported"));
            // 2xx sent but not yet ACKed: the substitution's re-INVITE would cross the pending ACK.
            case ANSWERED -> Optional.of(new Refusal(Response.REQUEST_PENDING, null));
            case CONFIRMED -> earlyOnly ? Optional.of(new Refusal(Response.BUSY_HERE, null))
                    : inviteInProgress ? Optional.of(new Refusal(Response.REQUEST_PENDING, null))
                    : Optional.empty();
        };
    }

    /** The re-INVITE toward the other leg that carries N's offer; the application data of its transaction. */
    record Offer(Call call, Leg replaced, ServerTransaction newInvite, Dialog newDialog, PartyIdentity party,
                 boolean trusted, String source, SessionDescription previousSdp) { }

    /** An initial INVITE carrying {@code Replaces}: answered here, never routed as a new call. */
    void onInvite(RequestEvent evt, ServerTransaction st, Request req) throws Exception {
        List<String> values = new ArrayList<>();
        for (Iterator<?> it = req.getHeaders(Replaces.NAME); it.hasNext(); ) {
            values.add(SipFactories.headerValue((Header) it.next()));
        }
        Optional<Replaces> replaces = values.size() == 1 ? Replaces.parse(values.get(0)) : Optional.empty();
        if (replaces.isEmpty()) {
            b2bua.respond(st, Response.BAD_REQUEST, values.size() > 1 ? "More Than One Replaces" : "Bad Replaces");
            return;
        }
        Optional<Response> challenge = policy.authorize(req, evt);
        if (challenge.isPresent()) {
            st.sendResponse(challenge.get());
            return;
        }
        String newCallId = B2bua.callIdOf(req);
        for (Call call : b2bua.liveCalls()) {
            synchronized (call) {
                for (Leg leg : new Leg[] {call.a, call.b}) {
                    Optional<Replaces.Orientation> how = matches(replaces.get(), leg);
                    if (how.isPresent()) {
                        replace(evt, st, req, replaces.get(), leg, how.get());
                        return;
                    }
                }
            }
        }
        b2bua.logEvent(null, "INVITE " + newCallId + " with Replaces " + replaces.get().callId()
                + ": no such dialog, 481");
        b2bua.respond(st, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
    }

    private static Optional<Replaces.Orientation> matches(Replaces replaces, Leg leg) {
        Dialog d = leg.dialog;
        return d == null ? Optional.empty() : replaces.match(leg.callId, d.getLocalTag(), d.getRemoteTag());
    }

    /** Under the call's monitor: refuse, or send N's offer to the other leg. */
    private void replace(RequestEvent evt, ServerTransaction st, Request req, Replaces replaces, Leg leg,
                         Replaces.Orientation how) throws Exception {
        Call call = leg.call;
        Leg other = leg.other();
        String what = "INVITE " + B2bua.callIdOf(req) + " with Replaces names the " + B2bua.role(leg.side)
                + "'s dialog " + leg.callId + (how == Replaces.Orientation.SWAPPED ? " (tags swapped)" : "");
        // A running call whose named dialog is already terminated (its BYE crossed this INVITE) counts as ended.
        Call.State state = call.state == Call.State.CONFIRMED && leg.dialog.getState() != DialogState.CONFIRMED
                ? Call.State.ENDED : call.state;
        Optional<Refusal> refusal = refusal(state, leg.side, replaces.earlyOnly(),
                leg.inviteInProgress || other.inviteInProgress);
        if (refusal.isPresent()) {
            b2bua.respond(st, refusal.get().status(), refusal.get().reason());
            b2bua.logEvent(call, what + ": refused " + refusal.get().status());
            return;
        }
        SessionDescription previous = call.media.lastFrom(leg.side).orElse(null);
        String offer = null;
        if (B2bua.hasSdp(req)) {
            try {
                offer = call.media.relay(leg.side, B2bua.body(req));
            } catch (SdpParseException e) {
                b2bua.respond(st, Response.BAD_REQUEST, "Bad SDP");
                return;
            } catch (PortsExhaustedException e) {
                b2bua.respond(st, Response.SERVICE_UNAVAILABLE, "No Media Ports Available");
                return;
            }
        }
        b2bua.respond(st, Response.TRYING, null);
        Request out = other.dialog.createRequest(Request.INVITE);
        boolean trusted = policy.trusted(evt);
        HeaderRelay.copy(req, out, trusted);
        // The dialog it names exists on this side of callrec only; the other UA must see a plain re-INVITE.
        out.removeHeader(Replaces.NAME);
        withoutReplacesRequirement(out);
        if (offer != null) {
            out.setContent(offer, b2bua.sdpType());
        }
        out.setHeader(sip.contact(B2bua.transportOf(other.dialog.getRemoteTarget().getURI())));
        RecvInfo.declare(out, RecvInfo.declared(req).orElse(Set.of()));
        URI from = ((FromHeader) req.getHeader(FromHeader.NAME)).getAddress().getURI();
        PartyIdentity party = PartyIdentity.asserted(req, trusted)
                .orElse(new PartyIdentity(from.toString(), policy.identitySource(evt)));
        Dialog newDialog = sip.provider().getNewDialog(st);
        ClientTransaction ct = sip.provider().getNewClientTransaction(out);
        ct.setApplicationData(new Offer(call, leg, st, newDialog, party, trusted, String.valueOf(policy.source(req)),
                previous));
        leg.inviteInProgress = true;
        other.inviteInProgress = true;
        other.dialog.sendRequest(ct);
        b2bua.logEvent(call, what + ": re-INVITE to the " + B2bua.role(other.side) + " with the new party's "
                + (offer == null ? "request for an offer" : "offer"));
    }

    private void withoutReplacesRequirement(Request out) throws java.text.ParseException {
        List<String> required = B2bua.tokens(out, RequireHeader.NAME);
        if (required.removeIf("replaces"::equalsIgnoreCase)) {
            out.removeHeader(RequireHeader.NAME);
            for (String tag : required) {
                out.addHeader(sip.headers().createRequireHeader(tag));
            }
        }
    }

    /** The other leg answered the re-INVITE ({@code code} 408 when it did not): N gets its answer. */
    void onAnswer(Offer offer, Response resp, int code) {
        if (code < 200) {
            return;
        }
        Call call = offer.call();
        Leg leg = offer.replaced();
        Leg other = leg.other();
        synchronized (call) {
            leg.inviteInProgress = false;
            other.inviteInProgress = false;
            try {
                if (code / 100 == 2 && (call.ended() || other.dialog.getState() == DialogState.TERMINATED)) {
                    other.dialog.sendAck(other.dialog.createAck(B2bua.cseqOf(resp)));
                    answerNew(offer, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
                } else if (code / 100 == 2) {
                    substitute(offer, resp);
                } else {
                    refused(offer, resp, code);
                }
            } catch (Exception e) {
                log.warn("{} replacing the {} failed: {}", call, B2bua.role(leg.side), e.toString(), e);
                answerNew(offer, Response.SERVER_INTERNAL_ERROR, null);
                b2bua.end(call, "leg replacement failed: " + e.getMessage());
            }
        }
    }

    private void refused(Offer offer, Response resp, int code) {
        Call call = offer.call();
        Leg leg = offer.replaced();
        restoreMedia(offer);
        answerNew(offer, code, resp == null ? null : resp.getReasonPhrase());
        b2bua.logEvent(call, "replacement of the " + B2bua.role(leg.side) + "'s dialog " + leg.callId + " by "
                + B2bua.callIdOf(offer.newInvite().getRequest()) + " refused: the " + B2bua.role(leg.other().side)
                + " answered " + code);
        if (code == Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST || code == Response.REQUEST_TIMEOUT) {
            // RFC 5057 §5: the other leg's dialog is gone, so the call cannot go on (as for any relayed request).
            b2bua.end(call, "re-INVITE for a replacement answered " + code);
        }
    }

    /** The replaced side's relay points at N since the offer: back to the old party, whose dialog goes on. */
    private void restoreMedia(Offer offer) {
        if (offer.previousSdp() == null || !B2bua.hasSdp(offer.newInvite().getRequest())) {
            return;
        }
        try {
            offer.call().media.relay(offer.replaced().side, offer.previousSdp().format());
        } catch (SdpParseException | PortsExhaustedException e) {
            log.info("{} media of the {} not restored: {}", offer.call(), B2bua.role(offer.replaced().side),
                    e.getMessage());
        }
    }

    /** N's dialog takes the replaced one's place: answer N, BYE the old party, the call goes on. */
    private void substitute(Offer offer, Response resp) throws Exception {
        Call call = offer.call();
        Leg leg = offer.replaced();
        Leg other = leg.other();
        Request invite = offer.newInvite().getRequest();
        Response ok = sip.messages().createResponse(Response.OK, invite);
        ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(SipFactories.newTag());
        HeaderRelay.copy(resp, ok, other.trusted);
        ok.setHeader(sip.contact(B2bua.transportOf(invite)));
        RecvInfo.declare(ok, other.recvInfo);
        if (B2bua.hasSdp(resp)) {
            ok.setContent(call.media.relay(other.side, B2bua.body(resp)), b2bua.sdpType());
        }
        b2bua.mediaChanged(call);

        Dialog replaced = leg.dialog;
        String replacedCallId = leg.callId;
        // Events of the old dialog (the BYE's answer, its termination) must no longer reach the call.
        replaced.setApplicationData(null);
        leg.dialog = offer.newDialog();
        leg.dialog.setApplicationData(leg);
        leg.callId = B2bua.callIdOf(invite);
        b2bua.legCallIdChanged(call, leg, replacedCallId);
        leg.trusted = offer.trusted();
        leg.recvInfo = Set.of();
        RecvInfo.learn(leg, invite);
        leg.lastSource = offer.source();
        leg.pendingAck = new Leg.PendingAck(other, B2bua.cseqOf(resp), !B2bua.hasSdp(invite));
        // Takes effect with N's ACK (B2bua.applyPartyChange): consent is asked once N's dialog is confirmed.
        leg.pendingParty = offer.party();
        leg.pendingPartyUri = ((FromHeader) invite.getHeader(FromHeader.NAME)).getAddress().getURI();
        if (leg.side == Side.B) {
            call.allowsUpdateB = B2bua.headerListContains(invite, "Allow", Request.UPDATE);
        }
        offer.newInvite().sendResponse(ok);
        b2bua.sendBye(replaced, call);
        b2bua.logEvent(call, "the " + B2bua.role(leg.side) + "'s dialog " + replacedCallId + " is replaced by "
                + leg.callId + " (" + offer.party().uri() + "): BYE sent to the replaced party");
    }

    private void answerNew(Offer offer, int code, String reason) {
        try {
            Response r = sip.messages().createResponse(code, offer.newInvite().getRequest());
            if (reason != null) {
                r.setReasonPhrase(reason);
            }
            ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(SipFactories.newTag());
            offer.newInvite().sendResponse(r);
        } catch (Exception e) {
            log.debug("{} could not answer {} to the replacing INVITE: {}", offer.call(), code, e.getMessage());
        }
    }
}
