package io.callrec.media;

/** What an SDP body is in the offer/answer model (RFC 3264): the signalling layer knows from the SIP message. */
public enum SdpRole {
    /** An offer: an INVITE or UPDATE with a body, or a response whose request had none (late offer). */
    OFFER,
    /** An answer: a response to a request with an offer, or the ACK (or PRACK) answering an offer in a response. */
    ANSWER
}
