package io.callrec.sip;

import java.security.SecureRandom;
import java.text.ParseException;
import java.util.HexFormat;
import javax.sip.PeerUnavailableException;
import javax.sip.SipFactory;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The JAIN-SIP reference implementation's factories ({@code gov.nist}), created once. They are
 * stateless and thread-safe, so every class that builds or parses SIP shares them.
 */
public final class SipFactories {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SipFactories() {
    }

    public static MessageFactory messages() {
        return Holder.MESSAGES;
    }

    public static HeaderFactory headers() {
        return Holder.HEADERS;
    }

    public static AddressFactory addresses() {
        return Holder.ADDRESSES;
    }

    /**
     * A response to {@code request} whose To header carries a tag: RFC 3261 8.2.6.2 requires the
     * UAS to add one when the request had none, and JAIN-SIP's factory does not.
     */
    public static Response response(int statusCode, Request request) {
        try {
            Response response = messages().createResponse(statusCode, request);
            ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
            if (to != null && to.getTag() == null) {
                to.setTag(newTag());
            }
            return response;
        } catch (ParseException e) {
            throw new IllegalStateException("JAIN-SIP refused a response to a request it parsed itself", e);
        }
    }

    /** {@code response} with {@code reason} as its reason phrase (plain text the caller made, never the peer's). */
    public static Response withReason(Response response, String reason) {
        try {
            response.setReasonPhrase(reason);
        } catch (ParseException e) {
            throw new IllegalStateException("reason phrase is plain text", e);
        }
        return response;
    }

    /** 64 random bits in hex, enough for a To or From tag (RFC 3261 19.3 asks for 32). */
    public static String newTag() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static final class Holder {
        static final MessageFactory MESSAGES;
        static final HeaderFactory HEADERS;
        static final AddressFactory ADDRESSES;

        static {
            SipFactory factory = SipFactory.getInstance();
            factory.setPathName("gov.nist");
            try {
                MESSAGES = factory.createMessageFactory();
                HEADERS = factory.createHeaderFactory();
                ADDRESSES = factory.createAddressFactory();
            } catch (PeerUnavailableException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** A header's value as written (what follows {@code Name:}), trimmed; the stack's parsed forms vary by header. */
    static String headerValue(javax.sip.header.Header h) {
        String text = h.toString();
        return text.substring(text.indexOf(':') + 1).trim();
    }
}
