package io.callrec.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.sip.SipFactories;
import io.callrec.testing.MutableClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import javax.sip.header.ContactHeader;
import javax.sip.header.DateHeader;
import javax.sip.header.MinExpiresHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.UnsupportedHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;

class RegisterHandlerTest {

    private static final InetSocketAddress SOURCE = new InetSocketAddress("127.0.0.1", 5074);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final Registrar registrar = new Registrar(clock);
    private final RegisterHandler handler = new RegisterHandler(registrar);

    @Test
    void registerAnswers200WithBindingsExpiresDateAndToTag() throws Exception {
        // Read back from the wire text, as the UA would see it.
        Response r = SipFactories.messages().createResponse(handler.handle(register(1, "Expires: 300",
                "Contact: <sip:bob-0x1@127.0.0.1:5074;transport=udp>;+sip.instance=\"<urn:uuid:0001>\";reg-id=1;q=0.5"),
                SOURCE, "UDP").toString());
        assertEquals(200, r.getStatusCode());
        List<ContactHeader> contacts = contacts(r);
        assertEquals(1, contacts.size());
        ContactHeader c = contacts.get(0);
        assertEquals("sip:bob-0x1@127.0.0.1:5074;transport=udp", c.getAddress().getURI().toString());
        assertEquals(300, c.getExpires());
        assertEquals(0.5f, c.getQValue());
        assertEquals("<urn:uuid:0001>", c.getParameter("+sip.instance"));
        assertEquals("1", c.getParameter("reg-id"));
        DateHeader date = (DateHeader) r.getHeader(DateHeader.NAME);
        // The parser leaves its own milliseconds in the Calendar; the header has whole seconds.
        assertEquals(clock.instant().getEpochSecond(), date.getDate().getTimeInMillis() / 1000);
        assertTrue(r.toString().contains("Date: Sun, 01 Mar 2026 12:00:00 GMT"), r.toString());
        assertNotNull(((ToHeader) r.getHeader(ToHeader.NAME)).getTag());

        Binding stored = registrar.lookup("bob").get(0);
        assertEquals(SOURCE, stored.source());
        assertEquals("udp", stored.transport());
        assertEquals(new AddressOfRecord("bob", "127.0.0.1"), stored.aor());
        assertEquals("reg-1", stored.callId());
    }

    @Test
    void okListsAllBindingsOfTheAorWithTheirRemainingTime() throws Exception {
        handler.handle(register(1, "Contact: <sip:bob@10.0.0.1>;expires=600"), SOURCE, "UDP");
        clock.advance(Duration.ofSeconds(100));
        Response r = handler.handle(register(2, "Contact: <sip:bob@10.0.0.2>"), SOURCE, "TCP");
        List<ContactHeader> contacts = contacts(r);
        assertEquals(2, contacts.size());
        assertEquals("sip:bob@10.0.0.2", contacts.get(0).getAddress().getURI().toString());
        assertEquals(3600, contacts.get(0).getExpires());
        assertEquals(500, contacts.get(1).getExpires());
        assertEquals(-1f, contacts.get(1).getQValue(), "q is only echoed when not 1.0");
    }

    @Test
    void queryWithoutContactAnswersCurrentBindings() throws Exception {
        handler.handle(register(1, "Contact: <sip:bob@10.0.0.1>"), SOURCE, "UDP");
        Response r = handler.handle(register(2), SOURCE, "UDP");
        assertEquals(200, r.getStatusCode());
        assertEquals(1, contacts(r).size());
    }

    @Test
    void briefIntervalGets423WithMinExpires() throws Exception {
        Response r = handler.handle(register(1, "Contact: <sip:bob@10.0.0.1>;expires=30"), SOURCE, "UDP");
        assertEquals(423, r.getStatusCode());
        assertEquals(60, ((MinExpiresHeader) r.getHeader(MinExpiresHeader.NAME)).getExpires());
        assertEquals(0, registrar.count());
    }

    @Test
    void wildcardRemovesAllAndMustStandAlone() throws Exception {
        handler.handle(register(1, "Contact: <sip:bob@10.0.0.1>", "Contact: <sip:bob@10.0.0.2>"), SOURCE, "UDP");
        assertEquals(400, handler.handle(register(2, "Contact: *", "Contact: <sip:bob@10.0.0.3>", "Expires: 0"),
                SOURCE, "UDP").getStatusCode());
        assertEquals(400, handler.handle(register(3, "Contact: *"), SOURCE, "UDP").getStatusCode());
        assertEquals(2, registrar.count());
        Response r = handler.handle(register(4, "Contact: *", "Expires: 0"), SOURCE, "UDP");
        assertEquals(200, r.getStatusCode());
        assertEquals(0, contacts(r).size());
        assertEquals(0, registrar.count());
    }

    @Test
    void staleCseqGets500() throws Exception {
        handler.handle(register(5, "Contact: <sip:bob@10.0.0.1>"), SOURCE, "UDP");
        Response r = handler.handle(register(5, "Contact: <sip:bob@10.0.0.1>;expires=0"), SOURCE, "UDP");
        assertEquals(500, r.getStatusCode());
        assertEquals(1, registrar.count());
    }

    @Test
    void unknownRequiredExtensionGets420WithUnsupported() throws Exception {
        Response r = handler.handle(register(1, "Require: path", "Contact: <sip:bob@10.0.0.1>"), SOURCE, "UDP");
        assertEquals(420, r.getStatusCode());
        assertEquals("path", ((UnsupportedHeader) r.getHeader(UnsupportedHeader.NAME)).getOptionTag());
        assertEquals(0, registrar.count());
    }

    @Test
    void authenticatedUserMayOnlyRegisterItself() throws Exception {
        assertEquals(403, handler.handle(register(1, "Contact: <sip:bob@10.0.0.1>"), SOURCE, "UDP",
                Optional.of("alice")).getStatusCode());
        assertEquals(0, registrar.count());
        assertEquals(200, handler.handle(register(2, "Contact: <sip:bob@10.0.0.1>"), SOURCE, "UDP",
                Optional.of("bob")).getStatusCode());
    }

    @Test
    void toWithoutUserGets404AndNonSipContactGets400() throws Exception {
        Request noUser = parse(registerText("sip:127.0.0.1", 1, "Contact: <sip:x@10.0.0.1>"));
        assertEquals(404, handler.handle(noUser, SOURCE, "UDP").getStatusCode());
        assertEquals(400, handler.handle(register(1, "Contact: <mailto:bob@example.net>"), SOURCE, "UDP").getStatusCode());
    }

    @Test
    void toThatIsNotASipUriGets400() throws Exception {
        // RFC 4475 3.3.4 (unksm2): an address-of-record is a SIP or SIPS URI.
        Request isbn = parse(registerText("isbn:2983792873", 1, "Contact: <sip:x@10.0.0.1>"));
        assertEquals(400, handler.handle(isbn, SOURCE, "UDP").getStatusCode());
        assertEquals(0, registrar.count());
    }

        @Test
    void ipv6AorDomainIsStoredWithoutBrackets() throws Exception {
        Request r = parse(registerText("sip:bob@[::1]:5320", 1, "Contact: <sip:bob@[::1]:5074>"));
        assertEquals(200, handler.handle(r, new InetSocketAddress("::1", 5074), "UDP").getStatusCode());
        assertEquals(new AddressOfRecord("bob", "::1"), registrar.lookup("bob").get(0).aor());
        assertEquals("sip:bob@[::1]:5074", registrar.lookup("bob").get(0).contactUri());
    }

    @Test
    void existingToTagIsKept() throws Exception {
        Request r = parse(registerText("sip:bob@127.0.0.1", 1, "Contact: <sip:bob@10.0.0.1>")
                .replace("To: <sip:bob@127.0.0.1>", "To: <sip:bob@127.0.0.1>;tag=keep"));
        assertEquals("keep", ((ToHeader) handler.handle(r, SOURCE, "UDP").getHeader(ToHeader.NAME)).getTag());
    }

    @Test
    void otherMethodsAreAProgrammingError() throws Exception {
        Request invite = parse(registerText("sip:bob@127.0.0.1", 1).replace("REGISTER", "INVITE"));
        assertThrows(IllegalArgumentException.class, () -> handler.handle(invite, SOURCE, "UDP"));
    }

    @Test
    void listenerIsToldAboutTheRegistration() throws Exception {
        List<AddressOfRecord> heard = new ArrayList<>();
        registrar.addListener((aor, bindings) -> heard.add(aor));
        handler.handle(register(1, "Contact: <sip:bob@10.0.0.1>"), SOURCE, "UDP");
        assertEquals(List.of(new AddressOfRecord("bob", "127.0.0.1")), heard);
    }

    static Request register(long cseq, String... headers) throws Exception {
        return parse(registerText("sip:bob@127.0.0.1", cseq, headers));
    }

    static String registerText(String toUri, long cseq, String... headers) {
        StringBuilder text = new StringBuilder()
                .append("REGISTER sip:127.0.0.1 SIP/2.0\r\n")
                .append("Via: SIP/2.0/UDP 127.0.0.1:5074;branch=z9hG4bK-").append(cseq).append("\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("To: <").append(toUri).append(">\r\n")
                .append("From: <").append(toUri).append(">;tag=from1\r\n")
                .append("Call-ID: reg-1\r\n")
                .append("CSeq: ").append(cseq).append(" REGISTER\r\n");
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        return text.append("Content-Length: 0\r\n\r\n").toString();
    }

    static Request parse(String text) throws Exception {
        return SipFactories.messages().createRequest(text);
    }

    private static List<ContactHeader> contacts(Response response) {
        List<ContactHeader> contacts = new ArrayList<>();
        for (Iterator<?> it = response.getHeaders(ContactHeader.NAME); it.hasNext(); ) {
            contacts.add((ContactHeader) it.next());
        }
        return contacts;
    }
}
