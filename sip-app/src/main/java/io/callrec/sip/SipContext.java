package io.callrec.sip;

import io.callrec.config.IpLiteral;

import javax.sip.InvalidArgumentException;
import javax.sip.SipProvider;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import java.text.ParseException;
import java.util.Locale;

/** The provider and our own SIP address, shared by everything that builds messages for a leg. */
public record SipContext(SipProvider provider, String host, int port) {

    /** Our branches carry this mark so an INVITE that comes back to us through a loop is recognised (482). */
    static final String BRANCH_PREFIX = "z9hG4bK-cr-";

    MessageFactory messages() {
        return SipFactories.messages();
    }

    HeaderFactory headers() {
        return SipFactories.headers();
    }

    AddressFactory addresses() {
        return SipFactories.addresses();
    }

    ViaHeader newVia(String transport) throws ParseException, InvalidArgumentException {
        return headers().createViaHeader(host, port, transport, BRANCH_PREFIX + SipFactories.newTag());
    }

    ContactHeader contact(String transport) throws ParseException {
        SipURI uri = addresses().createSipURI(null, IpLiteral.forUri(host));
        uri.setPort(port);
        if (!"udp".equalsIgnoreCase(transport)) {
            uri.setTransportParam(transport.toLowerCase(Locale.ROOT));
        }
        Address address = addresses().createAddress(uri);
        return headers().createContactHeader(address);
    }
}
