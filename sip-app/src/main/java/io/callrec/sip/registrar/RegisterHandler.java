package io.callrec.sip.registrar;

import io.callrec.sip.SipFactories;
import io.callrec.sip.registrar.RegistrationOutcome.Accepted;
import io.callrec.sip.registrar.RegistrationOutcome.Rejected;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.TimeZone;
import javax.sip.InvalidArgumentException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RequireHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Answers a REGISTER (RFC 3261 10.3) from JAIN-SIP objects: reads the request into a
 * {@link RegistrationRequest}, lets the {@link Registrar} decide and builds the response, which the
 * caller sends on its server transaction. Authentication happens before, in the caller.
 */
public final class RegisterHandler {

    private final Registrar registrar;
    private final HeaderFactory headers = SipFactories.headers();

    public RegisterHandler(Registrar registrar) {
        this.registrar = Objects.requireNonNull(registrar, "registrar");
    }

    /** For a server without digest users: anyone may register any user. */
    public Response handle(Request request, InetSocketAddress source, String transport) {
        return handle(request, source, transport, Optional.empty());
    }

    /**
     * @param source            the address the request came from (the flow to reach the UA later)
     * @param transport         {@code UDP}, {@code TCP} or {@code TLS}, as the stack names it
     * @param authenticatedUser the digest user the request was verified for; when present it must
     *                          be the To user (RFC 3261 10.3 step 4), otherwise 403
     * @throws IllegalArgumentException when {@code request} is not a REGISTER
     */
    public Response handle(Request request, InetSocketAddress source, String transport,
            Optional<String> authenticatedUser) {
        if (!Request.REGISTER.equals(request.getMethod())) {
            throw new IllegalArgumentException("not a REGISTER: " + request.getMethod());
        }
        List<String> required = requiredExtensions(request);
        if (!required.isEmpty()) {
            Response response = SipFactories.response(Response.BAD_EXTENSION, request);
            for (String tag : required) {
                response.addHeader(unsupported(tag));
            }
            return response;
        }
        URI toUri = ((ToHeader) request.getHeader(ToHeader.NAME)).getAddress().getURI();
        if (!(toUri instanceof SipURI to)) {
            // RFC 4475 3.3.4: an address-of-record is a SIP or SIPS URI, so anything else is a malformed REGISTER.
            return withReason(SipFactories.response(Response.BAD_REQUEST, request), "Bad Request (To must be a SIP URI)");
        }
        if (to.getUser() == null || to.getUser().isEmpty()) {
            return withReason(SipFactories.response(Response.NOT_FOUND, request), "Not Found (To must be sip:user@domain)");
        }
        if (authenticatedUser.isPresent() && !authenticatedUser.get().equals(to.getUser())) {
            return withReason(SipFactories.response(Response.FORBIDDEN, request),
                    "Forbidden (authenticated as another user)");
        }
        RegistrationRequest registration;
        try {
            registration = toRegistration(request, to, source, transport);
        } catch (IllegalArgumentException e) {
            return withReason(SipFactories.response(Response.BAD_REQUEST, request), "Bad Request (" + e.getMessage() + ")");
        }
        RegistrationOutcome outcome = registrar.register(registration);
        if (outcome instanceof Rejected rejected) {
            Response response = withReason(SipFactories.response(rejected.statusCode(), request), rejected.reason());
            if (rejected.statusCode() == Response.INTERVAL_TOO_BRIEF) {
                response.addHeader(minExpires());
            }
            return response;
        }
        return ok(request, ((Accepted) outcome).bindings());
    }

    private RegistrationRequest toRegistration(Request request, SipURI to, InetSocketAddress source, String transport) {
        List<ContactRequest> contacts = new ArrayList<>();
        boolean wildcard = false;
        int contactCount = 0;
        for (Iterator<?> it = request.getHeaders(ContactHeader.NAME); it.hasNext(); ) {
            ContactHeader contact = (ContactHeader) it.next();
            contactCount++;
            if (contact.isWildCard()) {
                wildcard = true;
                continue;
            }
            URI uri = contact.getAddress().getURI();
            if (!uri.isSipURI()) {
                throw new IllegalArgumentException("Contact must be a sip: or sips: URI");
            }
            contacts.add(new ContactRequest(uri.toString(),
                    contact.getExpires() < 0 ? OptionalInt.empty() : OptionalInt.of(contact.getExpires()),
                    contact.getQValue() < 0 ? OptionalDouble.empty() : OptionalDouble.of(contact.getQValue()),
                    Optional.ofNullable(contact.getParameter("+sip.instance")),
                    regId(contact)));
        }
        ExpiresHeader expires = (ExpiresHeader) request.getHeader(ExpiresHeader.NAME);
        CallIdHeader callId = (CallIdHeader) request.getHeader(CallIdHeader.NAME);
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        String domain = to.getHost().startsWith("[") ? to.getHost().substring(1, to.getHost().length() - 1) : to.getHost();
        return new RegistrationRequest(new AddressOfRecord(to.getUser(), domain), callId.getCallId(),
                cseq.getSeqNumber(), contacts, wildcard, contactCount,
                expires == null ? OptionalInt.empty() : OptionalInt.of(expires.getExpires()),
                source, transport.toLowerCase(Locale.ROOT));
    }

    private static OptionalInt regId(ContactHeader contact) {
        String value = contact.getParameter("reg-id");
        if (value == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("reg-id is not a number");
        }
    }

    private Response ok(Request request, List<Binding> bindings) {
        Response response = SipFactories.response(Response.OK, request);
        Instant now = registrar.clock().instant();
        try {
            for (Binding binding : bindings) {
                ContactHeader contact = headers.createContactHeader(
                        SipFactories.addresses().createAddress(binding.contactUri()));
                contact.setExpires((int) binding.remainingSeconds(now));
                if (binding.q() != 1.0) {
                    contact.setQValue((float) binding.q());
                }
                if (binding.instanceId().isPresent()) {
                    contact.setParameter("+sip.instance", "\"" + binding.instanceId().get() + "\"");
                }
                if (binding.regId().isPresent()) {
                    contact.setParameter("reg-id", Integer.toString(binding.regId().getAsInt()));
                }
                response.addHeader(contact);
            }
        } catch (ParseException | InvalidArgumentException e) {
            throw new IllegalStateException("stored contact no longer parses: " + e.getMessage(), e);
        }
        Calendar date = Calendar.getInstance(TimeZone.getTimeZone("GMT"), Locale.ROOT);
        date.setTimeInMillis(now.toEpochMilli());
        response.addHeader(headers.createDateHeader(date));
        return response;
    }

    private static List<String> requiredExtensions(Request request) {
        List<String> tags = new ArrayList<>();
        for (Iterator<?> it = request.getHeaders(RequireHeader.NAME); it.hasNext(); ) {
            tags.add(((RequireHeader) it.next()).getOptionTag());
        }
        return tags;
    }

    private javax.sip.header.Header unsupported(String tag) {
        try {
            return headers.createUnsupportedHeader(tag);
        } catch (ParseException e) {
            throw new IllegalStateException("option tag from a parsed header", e);
        }
    }

    private javax.sip.header.Header minExpires() {
        try {
            return headers.createMinExpiresHeader(registrar.minExpires());
        } catch (InvalidArgumentException e) {
            throw new IllegalStateException("Min-Expires is positive", e);
        }
    }

    private static Response withReason(Response response, String reason) {
        return SipFactories.withReason(response, reason);
    }
}
