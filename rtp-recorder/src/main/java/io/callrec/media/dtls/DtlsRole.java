package io.callrec.media.dtls;

/** Our side of a DTLS handshake on one leg, as {@code a=setup} decided it (RFC 4145, RFC 5763 §5). */
public enum DtlsRole {
    /** We send the ClientHello ({@code a=setup:active} on our side). */
    CLIENT,
    /** We wait for the party's ClientHello ({@code a=setup:passive} on our side). */
    SERVER
}
