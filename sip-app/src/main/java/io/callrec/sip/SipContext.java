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
import java.util.OptionalInt;

/**
 * The provider and our own SIP address, shared by everything that builds messages for a leg.
 *
 * @param port    the UDP and TCP port
 * @param tlsPort the TLS port, when TLS is on
 */
public record SipContext(SipProvider provider, String host, int port, OptionalInt tlsPort) {

    public SipContext(SipProvider provider, String host, int port) {
        this(provider, host, port, OptionalInt.empty());
    }

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

    /** The port we listen on for {@code transport} (udp, tcp, tls). */
    int portFor(String transport) {
        return "tls".equalsIgnoreCase(transport) && tlsPort.isPresent() ? tlsPort.getAsInt() : port;
    }

    /** True for the UDP/TCP port and the TLS port. */
    boolean isOwnPort(int candidate) {
        return candidate == port || tlsPort.isPresent() && candidate == tlsPort.getAsInt();
    }

    ViaHeader newVia(String transport) throws ParseException, InvalidArgumentException {
        return headers().createViaHeader(host, portFor(transport), transport, BRANCH_PREFIX + SipFactories.newTag());
    }

    /**
     * Our Contact on a leg of {@code transport}. Over TLS it is a {@code sips:} URI on the TLS port: RFC 3261
     * §8.1.1.8 requires one when the request was {@code sips:}, and it keeps the peer's in-dialog requests on TLS.
     */
    ContactHeader contact(String transport) throws ParseException {
        SipURI uri = addresses().createSipURI(null, IpLiteral.forUri(host));
        uri.setPort(portFor(transport));
        if ("tls".equalsIgnoreCase(transport)) {
            uri.setSecure(true);
        } else if (!"udp".equalsIgnoreCase(transport)) {
            uri.setTransportParam(transport.toLowerCase(Locale.ROOT));
        }
        Address address = addresses().createAddress(uri);
        return headers().createContactHeader(address);
    }
}
