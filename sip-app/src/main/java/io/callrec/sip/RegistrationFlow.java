package io.callrec.sip;

import io.callrec.config.IpLiteral;
import io.callrec.sip.registrar.Binding;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.Locale;
import javax.sip.SipException;
import javax.sip.address.SipURI;
import javax.sip.message.Request;

/** Reaching a registered UA through the flow it registered on (INVITEs and link MESSAGEs alike). */
final class RegistrationFlow {
    private RegistrationFlow() {
    }

    /**
     * A UA behind NAT registers a Contact it cannot be reached at; the REGISTER's source address is the flow that
     * reaches it. A loose Route to that address makes the stack send there while the Request-URI stays the Contact.
     * NAT is assumed when the Contact names another host than the REGISTER came from (typically a private address),
     * or when the UA asks for its flow to be used ({@code ;ob}, RFC 5626). A Contact on the same host but another
     * port is taken at its word: that is a UA registering for a process beside it, not a NAT.
     */
    static void route(SipContext sip, Request invite, Binding binding) throws ParseException, SipException {
        InetSocketAddress source = binding.source();
        if (!(invite.getRequestURI() instanceof SipURI contact)) {
            return;
        }
        boolean sameHost = IpLiteral.parse(contact.getHost()).map(a -> a.equals(source.getAddress())).orElse(false);
        if (sameHost && contact.getParameter("ob") == null) {
            return;
        }
        SipURI hop = sip.addresses().createSipURI(null, IpLiteral.forUri(IpLiteral.format(source.getAddress())));
        hop.setPort(source.getPort());
        hop.setTransportParam(binding.transport().toLowerCase(Locale.ROOT));
        hop.setLrParam();
        invite.addFirst(sip.headers().createRouteHeader(sip.addresses().createAddress(hop)));
    }
}
