package io.callrec.sip;

import io.callrec.media.relay.Side;

import javax.sip.Dialog;

/**
 * One of the two dialogs of a call. Leg A faces the caller (we are its UAS), leg B the callee (we are its UAC).
 * Fields are guarded by the owning {@link Call}'s monitor.
 */
final class Leg {
    final Call call;
    final Side side;
    /** Our tag on this dialog: To-tag on leg A, From-tag on leg B. */
    final String localTag;
    Dialog dialog;
    String callId;
    /**
     * Set on the leg that sent an INVITE which we relayed and whose 2xx we passed back: that leg's ACK is what lets
     * us ACK the other leg (it may carry the SDP answer of a late offer).
     */
    PendingAck pendingAck;
    /** An INVITE transaction is in progress on this leg in either direction: a second one gets 491 (RFC 3261 §14.2). */
    boolean inviteInProgress;
    /** The party on this leg is a trusted peer: its P-Asserted-Identity may cross to the other leg. */
    boolean trusted;
    /** The info packages the UA on this leg declared last (RFC 6086), lower-case. */
    java.util.Set<String> recvInfo = java.util.Set.of();
    /**
     * The URI the party on this leg puts in From of its requests (the dialog's remote URI): a request with another
     * one names a new party (RFC 4916).
     */
    javax.sip.address.URI partyUri;
    /**
     * A new party this leg's re-INVITE or UPDATE named; it takes effect when that request succeeds (its ACK, or the
     * UPDATE's 2xx), so a refused request changes nothing and the news follows the request's answer on the wire.
     */
    PartyIdentity pendingParty;
    javax.sip.address.URI pendingPartyUri;
    /** Where this leg's last request came from, for the consent log. */
    String lastSource;

    Leg(Call call, Side side, String localTag) {
        this.call = call;
        this.side = side;
        this.localTag = localTag;
    }

    /** The UA on this leg takes callrec INFOs; otherwise it gets the plain-text fallback (spec §3). */
    boolean takesCallrecInfo() {
        return recvInfo.contains(RecvInfo.CALLREC);
    }

    Leg other() {
        return call.leg(side.other());
    }

    /**
     * The 2xx of an INVITE we sent on {@code target} still waits for the ACK that the origin leg owes us.
     *
     * @param answerInAck the INVITE had no offer, so the ACK carries the SDP answer and cannot be made up
     */
    record PendingAck(Leg target, long cseq, boolean answerInAck) { }
}
