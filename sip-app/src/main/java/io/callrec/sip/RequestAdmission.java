package io.callrec.sip;

import javax.sip.address.SipURI;
import javax.sip.header.AcceptHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.Header;
import javax.sip.header.RequireHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether an out-of-dialog request can be served at all, decided before routing in the order of RFC 3261 8.2:
 * method (501 for one nobody defined), Request-URI (416 for a scheme callrec does not route, 400 for escaped
 * headers, which a request's URI may not carry and which would otherwise reach the callee's Request-URI), Require
 * (420) for the requests callrec answers itself, then what an INVITE's offer and its answer may be: callrec relays
 * and rewrites SDP only, so another body type gets 415 and an Accept without SDP gets 406 (RFC 4475 3.3.6 and
 * 3.3.15). Another request's body in a charset the stack cannot send headers in gets 415 ({@link BodyCharset}). An
 * INVITE's Require is not checked here: it travels to the callee, who answers for it.
 *
 * <p>Also the 400 for a request the stack refuses a transaction to ({@link #withoutTransaction}).
 */
final class RequestAdmission {
    /** RFC 3261 and the extension methods callrec serves or relays; anything else is unknown (RFC 4475 3.1.1.2). */
    private static final Set<String> KNOWN_METHODS = Set.of(Request.INVITE, Request.ACK, Request.CANCEL, Request.BYE,
            Request.OPTIONS, Request.REGISTER, Request.INFO, Request.PRACK, Request.UPDATE, Request.MESSAGE,
            Request.REFER, Request.NOTIFY, Request.SUBSCRIBE, Request.PUBLISH);
    private static final Set<String> SCHEMES = Set.of("sip", "sips", "tel");
    private static final Set<String> SUPPORTED_OPTIONS = Set.of(B2bua.SUPPORTED.split(",\\s*"));
    private static final int MISCELLANEOUS_WARNING = 399;

    private RequestAdmission() {
    }

    /** The refusal to send for {@code request} (no To tag, not ACK or CANCEL), or empty when it may go on. */
    static Optional<Response> refusal(Request request) {
        String method = request.getMethod();
        if (!KNOWN_METHODS.contains(method)) {
            Response r = SipFactories.response(Response.NOT_IMPLEMENTED, request);
            r.addHeader(header(() -> SipFactories.headers().createAllowHeader(B2bua.ALLOW)));
            return Optional.of(r);
        }
        String scheme = request.getRequestURI().getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            Response r = SipFactories.response(Response.UNSUPPORTED_URI_SCHEME, request);
            return Optional.of(r);
        }
        if (request.getRequestURI() instanceof SipURI uri && uri.getHeaderNames().hasNext()) {
            return Optional.of(SipFactories.withReason(SipFactories.response(Response.BAD_REQUEST, request),
                    "Bad Request (headers in the Request-URI)"));
        }
        if (!Request.INVITE.equals(method) && !Request.REGISTER.equals(method)) {
            List<String> unsupported = unsupportedRequirements(request);
            if (!unsupported.isEmpty()) {
                Response r = SipFactories.response(Response.BAD_EXTENSION, request);
                for (String tag : unsupported) {
                    r.addHeader(header(() -> SipFactories.headers().createUnsupportedHeader(tag)));
                }
                return Optional.of(r);
            }
        }
        if (Request.INVITE.equals(method)) {
            return inviteBodies(request);
        }
        return charsetRefusal(request);
    }

    /**
     * The 415 for a request whose body is in a charset the stack cannot send headers in ({@link BodyCharset}), with
     * an Accept for the same type in UTF-8; empty when its body can be relayed. The B2BUA asks it of in-dialog
     * requests too.
     */
    static Optional<Response> charsetRefusal(Request request) {
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        if (request.getRawContent() == null || request.getRawContent().length == 0 || BodyCharset.relayable(type)) {
            return Optional.empty();
        }
        Response r = SipFactories.withReason(SipFactories.response(Response.UNSUPPORTED_MEDIA_TYPE, request),
                "Unsupported Media Type (charset)");
        r.addHeader(header(() -> {
            AcceptHeader accept = SipFactories.headers().createAcceptHeader(type.getContentType(),
                    type.getContentSubType());
            accept.setParameter("charset", "UTF-8");
            return accept;
        }));
        return Optional.of(r);
    }

    /**
     * The 400 for a request the stack parsed but will not give a transaction to (it lacks Contact or another header
     * RFC 3261 requires, as RFC 2543 requests may: RFC 4475 3.4.1), so that the sender hears why instead of nothing.
     *
     * @param why the stack's explanation, e.g. {@code Missing a required header : Contact}
     */
    static Response withoutTransaction(Request request, String why) {
        return SipFactories.withReason(SipFactories.response(Response.BAD_REQUEST, request),
                "Bad Request (" + SanitizingParserFactory.printable(why) + ")");
    }

    private static Optional<Response> inviteBodies(Request request) {
        byte[] body = request.getRawContent();
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        if (body != null && body.length > 0 && (type == null || !isSdp(type.getContentType(), type.getContentSubType()))) {
            Response r = SipFactories.response(Response.UNSUPPORTED_MEDIA_TYPE, request);
            r.addHeader(header(() -> SipFactories.headers().createAcceptHeader("application", "sdp")));
            return Optional.of(r);
        }
        Iterator<?> accepts = request.getHeaders(AcceptHeader.NAME);
        if (!accepts.hasNext()) {
            return Optional.empty(); // RFC 3261 20.1: no Accept means application/sdp
        }
        while (accepts.hasNext()) {
            AcceptHeader accept = (AcceptHeader) accepts.next();
            boolean anyApplication = accept.allowsAllContentSubTypes()
                    && "application".equalsIgnoreCase(accept.getContentType());
            if (accept.allowsAllContentTypes() || anyApplication
                    || isSdp(accept.getContentType(), accept.getContentSubType())) {
                return Optional.empty();
            }
        }
        Response r = SipFactories.response(Response.NOT_ACCEPTABLE, request);
        r.addHeader(header(() -> SipFactories.headers().createWarningHeader("callrec", MISCELLANEOUS_WARNING,
                "answers carry application/sdp only")));
        return Optional.of(r);
    }

    private static boolean isSdp(String type, String subType) {
        return "application".equalsIgnoreCase(type) && "sdp".equalsIgnoreCase(subType);
    }

    private static List<String> unsupportedRequirements(Request request) {
        List<String> unsupported = new ArrayList<>();
        for (Iterator<?> it = request.getHeaders(RequireHeader.NAME); it.hasNext(); ) {
            String tag = ((RequireHeader) it.next()).getOptionTag();
            if (tag != null && !SUPPORTED_OPTIONS.contains(tag.toLowerCase(Locale.ROOT))) {
                unsupported.add(tag);
            }
        }
        return unsupported;
    }


    private interface HeaderSource {
        Header create() throws Exception;
    }

    private static Header header(HeaderSource source) {
        try {
            return source.create();
        } catch (Exception e) {
            // Every value here is a constant or an option tag the stack has just parsed.
            throw new IllegalStateException("header from parsed or constant values refused: " + e.getMessage(), e);
        }
    }
}
