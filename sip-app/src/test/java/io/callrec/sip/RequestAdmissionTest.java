package io.callrec.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import javax.sip.header.AcceptHeader;
import javax.sip.header.AllowHeader;
import javax.sip.header.UnsupportedHeader;
import javax.sip.header.WarningHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;

class RequestAdmissionTest {

    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\nc=IN IP4 192.0.2.5\r\nt=0 0\r\n"
            + "m=audio 49217 RTP/AVP 0\r\n";

    @Test
    void aPlainInviteAndAnOptionsPass() throws Exception {
        assertEquals(Optional.empty(), RequestAdmission.refusal(request("INVITE", "sip:bob@127.0.0.1",
                "Content-Type: application/sdp", SDP)));
        assertEquals(Optional.empty(), RequestAdmission.refusal(request("OPTIONS", "sip:bob@127.0.0.1")));
        assertEquals(Optional.empty(), RequestAdmission.refusal(request("INVITE", "tel:+12125550101")));
    }

    @Test
    void anUnknownMethodGets501WithAllowWhileAKnownOneGoesOn() throws Exception {
        // RFC 4475 3.1.1.2 and 3.1.1.5: % is no escape in a method; IN%56ITE is not INVITE.
        Response r = RequestAdmission.refusal(request("RE%47IST%45R", "sip:registrar.example.com")).orElseThrow();
        assertEquals(501, r.getStatusCode());
        assertTrue(((AllowHeader) r.getHeader(AllowHeader.NAME)).getMethod().contains("INVITE"), r.toString());
        assertEquals(Optional.empty(), RequestAdmission.refusal(request("SUBSCRIBE", "sip:bob@127.0.0.1")));
    }

    @Test
    void aBodyInACharsetTheStackCannotSendHeadersInGets415AskingForUtf8() throws Exception {
        Response r = RequestAdmission.refusal(request("MESSAGE", "sip:bob@127.0.0.1",
                "Content-Type: text/plain;charset=UTF-16", "hello\r\n")).orElseThrow();
        assertEquals(415, r.getStatusCode());
        assertEquals("Unsupported Media Type (charset)", r.getReasonPhrase());
        AcceptHeader accept = (AcceptHeader) r.getHeader(AcceptHeader.NAME);
        assertEquals("text/plain;charset=UTF-8", accept.getContentType() + "/" + accept.getContentSubType() + ";charset="
                + accept.getParameter("charset"));
        assertEquals(415, status(request("MESSAGE", "sip:bob@127.0.0.1", "Content-Type: text/plain;charset=UTF-4", "x\r\n")));
        assertEquals(Optional.empty(), RequestAdmission.refusal(request("MESSAGE", "sip:bob@127.0.0.1",
                "Content-Type: text/plain;charset=ISO-8859-1", "hello\r\n")));
        assertEquals(Optional.empty(), RequestAdmission.refusal(request("MESSAGE", "sip:bob@127.0.0.1",
                "Content-Type: text/plain", "hello\r\n")));
    }

    @Test
    void aSchemeThatIsNotRoutedGets416() throws Exception {
        assertEquals(416, status(request("OPTIONS", "nobodyKnowsThisScheme:totallyopaquecontent")));
        assertEquals(416, status(request("OPTIONS", "soap.beep://192.0.2.103:3002")));
    }

    @Test
    void escapedHeadersInTheRequestUriGet400() throws Exception {
        // RFC 4475 3.1.2.11: they must never reach the Request-URI of the request sent on.
        Response r = RequestAdmission.refusal(request("INVITE", "sip:user@example.com?Route=%3Csip:example.com%3E"))
                .orElseThrow();
        assertEquals(400, r.getStatusCode());
        assertEquals("Bad Request (headers in the Request-URI)", r.getReasonPhrase());
    }

    @Test
    void anUnsupportedRequirementOfARequestAnsweredHereGets420ListingIt() throws Exception {
        Response r = RequestAdmission.refusal(request("OPTIONS", "sip:user@example.com",
                "Require: nothingSupportedHere, timer")).orElseThrow();
        assertEquals(420, r.getStatusCode());
        assertEquals("nothingSupportedHere", ((UnsupportedHeader) r.getHeader(UnsupportedHeader.NAME)).getOptionTag());
        assertEquals(1, count(r, UnsupportedHeader.NAME), r.toString());
        assertEquals(Optional.empty(), RequestAdmission.refusal(request("OPTIONS", "sip:u@example.com", "Require: timer")));
    }

    @Test
    void anInvitesRequireTravelsToTheCalleeAndARegistersToTheRegistrar() throws Exception {
        assertEquals(Optional.empty(), RequestAdmission.refusal(request("INVITE", "sip:bob@127.0.0.1",
                "Require: precondition")));
        assertEquals(Optional.empty(), RequestAdmission.refusal(request("REGISTER", "sip:127.0.0.1",
                "Require: path")));
    }

    @Test
    void anInviteWhoseBodyIsNotSdpGets415AcceptingSdp() throws Exception {
        Response r = RequestAdmission.refusal(request("INVITE", "sip:user@example.com",
                "Content-Type: application/unknownformat", "<audio> <pcmu port=\"443\"/> </audio>\r\n")).orElseThrow();
        assertEquals(415, r.getStatusCode());
        AcceptHeader accept = (AcceptHeader) r.getHeader(AcceptHeader.NAME);
        assertEquals("application/sdp", accept.getContentType() + "/" + accept.getContentSubType());
    }

    @Test
    void anInviteThatAcceptsNoSdpGets406WithAWarning() throws Exception {
        Response r = RequestAdmission.refusal(request("INVITE", "sip:user@example.com",
                "Accept: text/nobodyKnowsThis", "Content-Type: application/sdp", SDP)).orElseThrow();
        assertEquals(406, r.getStatusCode());
        assertEquals(399, ((WarningHeader) r.getHeader(WarningHeader.NAME)).getCode());
        for (String accept : new String[] {"application/sdp", "application/*", "*/*", "text/plain, application/sdp"}) {
            assertEquals(Optional.empty(), RequestAdmission.refusal(request("INVITE", "sip:user@example.com",
                    "Accept: " + accept, "Content-Type: application/sdp", SDP)), accept);
        }
    }

    @Test
    void aRequestTheStackGivesNoTransactionHears400WithTheReason() throws Exception {
        Response r = RequestAdmission.withoutTransaction(request("INVITE", "sip:UserB@example.com"),
                "Missing a required header : Contact");
        assertEquals(400, r.getStatusCode());
        assertEquals("Bad Request (Missing a required header : Contact)", r.getReasonPhrase());
    }

    private static int status(Request request) {
        return RequestAdmission.refusal(request).orElseThrow().getStatusCode();
    }

    private static int count(Response r, String name) {
        int n = 0;
        for (var it = r.getHeaders(name); it.hasNext(); it.next()) {
            n++;
        }
        return n;
    }

    /** A request of {@code method}; header lines, then optionally a body as the last argument (after a blank). */
    private static Request request(String method, String uri, String... headersThenBody) throws Exception {
        StringBuilder b = new StringBuilder(method).append(' ').append(uri).append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-a1\r\nMax-Forwards: 70\r\n")
                .append("To: <sip:user@example.com>\r\nFrom: <sip:caller@example.net>;tag=1\r\n")
                .append("Call-ID: admission-1\r\nCSeq: 1 ").append(method).append("\r\n");
        String body = "";
        for (String line : headersThenBody) {
            if (line.endsWith("\r\n")) {
                body = line;
            } else {
                b.append(line).append("\r\n");
            }
        }
        b.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
        return SipFactories.messages().createRequest(b.toString());
    }
}
