package io.callrec.sip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;
import javax.sip.header.MaxForwardsHeader;
import org.junit.jupiter.api.Test;

class RequestWireChecksTest {

    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\nc=IN IP4 192.0.2.5\r\nt=0 0\r\n"
            + "m=audio 49217 RTP/AVP 0\r\n";

    @Test
    void anotherSipVersionIsPutBackSoThatTheStackAnswers505() throws Exception {
        // JAIN-SIP's parser reads every version as SIP/2.0 (RFC 4475 3.1.2.16, badvers).
        byte[] bytes = options("OPTIONS sip:t.watson@example.org SIP/7.0", "Max-Forwards: 70");
        SIPRequest request = parse(bytes);
        assertEquals("SIP/2.0", request.getRequestLine().getSipVersion(), "what the stack alone makes of it");
        RequestWireChecks.check(bytes, true, request);
        assertEquals("SIP/7.0", request.getRequestLine().getSipVersion());
    }

    @Test
    void aVersionThatIsNotSipXyIsRefusedRatherThanEchoedInA505() throws Exception {
        byte[] bytes = options("OPTIONS sip:t.watson@example.org SIP/2.0<x>", "Max-Forwards: 70");
        assertThrows(ParseException.class, () -> RequestWireChecks.check(bytes, true, parse(bytes)));
    }

    @Test
    void spacesAfterTheVersionAreTolerated() throws Exception {
        // RFC 4475 3.1.2.10 (trws) allows either refusing or ignoring them; the parser ignores them.
        byte[] bytes = options("OPTIONS sip:remote-target@example.com SIP/2.0  ", "Max-Forwards: 70");
        SIPRequest request = parse(bytes);
        RequestWireChecks.check(bytes, true, request);
        assertEquals("SIP/2.0", request.getRequestLine().getSipVersion());
    }

    @Test
    void repeatedSingleValuedHeadersAreRefusedInAnySpelling() throws Exception {
        // RFC 4475 3.3.8 (multi01) and 3.3.9 (mcl01): the parser would keep one of each and go on.
        for (String extra : List.of("t: sip:other@example.com", "TO : sip:other@example.com", "i: second-call-id",
                "CSeq: 2 OPTIONS", "Max-Forwards: 69", "Content-Length: 0\r\nl: 0", "F: <sip:x@example.com>;tag=2")) {
            byte[] bytes = options("OPTIONS sip:user@example.com SIP/2.0", "Max-Forwards: 70", extra);
            ParseException e = assertThrows(ParseException.class, () -> RequestWireChecks.check(bytes, true,
                    parse(bytes)), extra);
            assertTrue(e.getMessage().startsWith("more than one "), e.getMessage());
        }
    }

    @Test
    void repeatedListHeadersAreFine() throws Exception {
        byte[] bytes = options("OPTIONS sip:user@example.com SIP/2.0", "Max-Forwards: 70",
                "Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK-2", "Accept: application/sdp", "Accept: text/plain");
        RequestWireChecks.check(bytes, true, parse(bytes));
    }

    @Test
    void anIpv6HostWithoutBracketsInTheRequestUriIsRefused() throws Exception {
        // RFC 5118 4.2 (ipv6-bad): the parser quietly adds the brackets.
        byte[] bad = options("REGISTER sip:2001:db8::10 SIP/2.0", "Max-Forwards: 70");
        assertThrows(ParseException.class, () -> RequestWireChecks.check(bad, true, parse(bad)));
        for (String uri : List.of("sip:[2001:db8::10]", "sip:[2001:db8::10]:5070", "sip:user@[2001:db8::10:5070]",
                "sip:user:pass@host.example.com:5060;transport=udp", "sips:host.example.com?Subject=a:b:c",
                "tel:+1-212-555-0101")) {
            byte[] good = options("OPTIONS " + uri + " SIP/2.0", "Max-Forwards: 70");
            RequestWireChecks.check(good, true, parse(good));
        }
    }

    @Test
    void aBranchThatIsOnlyTheMagicCookieIsRefused() throws Exception {
        // RFC 4475 3.2.1 (badbranch); the stack keys server transactions by branch alone.
        String text = new String(options("OPTIONS sip:user@example.com SIP/2.0", "Max-Forwards: 70"),
                StandardCharsets.ISO_8859_1).replace("branch=z9hG4bK-1", "branch=z9hG4bK");
        byte[] bad = text.getBytes(StandardCharsets.ISO_8859_1);
        ParseException e = assertThrows(ParseException.class, () -> RequestWireChecks.check(bad, true, parse(bad)));
        assertEquals("branch z9hG4bK without a transaction id", e.getMessage());
    }

    @Test
    void aReceivedParameterInTheSendersOwnViaIsDropped() throws Exception {
        // RFC 5118 4.5: the stack would send the response to 2001:db8::9:255 when the sent-by equals the source.
        byte[] bytes = ("OPTIONS sip:[2001:db8::10] SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5070;received=[2001:db8::9:255];branch=z9hG4bKas3-111\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.1;received=192.0.2.200;branch=z9hG4bK-2\r\n"
                + "To: <sip:user@example.com>\r\nFrom: <sip:user@example.com>;tag=81x2\r\nCall-ID: c\r\n"
                + "CSeq: 921 OPTIONS\r\nMax-Forwards: 70\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        SIPRequest request = parse(bytes);
        RequestWireChecks.check(bytes, true, request);
        assertNull(request.getTopmostVia().getReceived());
        assertEquals("z9hG4bKas3-111", request.getTopmostVia().getBranch());
        assertEquals("192.0.2.200", ((javax.sip.header.ViaHeader) request.getViaHeaders().get(1)).getReceived(),
                "only the sender's own Via is its to write");
    }

    @Test
    void aRequestWithoutMaxForwardsIsTakenAsSeventy() throws Exception {
        // RFC 2543 had no Max-Forwards (RFC 4475 3.4.1, inv2543); without one the stack refuses a transaction.
        byte[] bytes = options("OPTIONS sip:user@example.com SIP/2.0");
        SIPRequest request = parse(bytes);
        assertNull(request.getHeader(MaxForwardsHeader.NAME));
        RequestWireChecks.check(bytes, true, request);
        assertEquals(70, ((MaxForwardsHeader) request.getHeader(MaxForwardsHeader.NAME)).getMaxForwards());
    }

    @Test
    void aDatagramWithoutContentLengthKeepsItsBodyToTheEnd() throws Exception {
        // RFC 3261 18.3: over UDP the body of a message without Content-Length is the rest of the datagram.
        byte[] bytes = ("INVITE sip:UserB@example.com SIP/2.0\r\nVia: SIP/2.0/UDP iftgw.example.com\r\n"
                + "From: <sip:+13035551111@ift.client.example.net;user=phone>\r\nTo: sip:+16505552222@ss1.example.net\r\n"
                + "Call-ID: inv2543.1717@ift.client.example.com\r\nCSeq: 56 INVITE\r\nContent-Type: application/sdp\r\n\r\n"
                + SDP).getBytes(StandardCharsets.ISO_8859_1);
        SIPRequest request = parse(bytes);
        RequestWireChecks.check(bytes, true, request);
        assertArrayEquals(SDP.getBytes(StandardCharsets.ISO_8859_1), request.getRawContent());
        assertEquals(SDP.length(), request.getContentLength().getContentLength());
    }

    @Test
    void aStreamMessageWithoutContentLengthHasNoBody() throws Exception {
        byte[] headers = options("OPTIONS sip:user@example.com SIP/2.0", "Max-Forwards: 70");
        SIPRequest request = parse(headers);
        RequestWireChecks.check(headers, false, request);
        assertNull(request.getRawContent());
    }

    @Test
    void theHeadIsReadWithFoldedLinesCompactNamesAndSpaceBeforeTheColon() {
        // RFC 4475 3.1.1.1 (wsinv) writes "TO :" and folds values onto the next lines.
        String text = "\r\nINVITE sip:x@example.com SIP/2.0\r\nTO :\r\n sip:x@example.com ;tag=1\r\n"
                + "Via  : SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw\r\nl: 3\r\n\r\nabc";
        RequestWireChecks.Head head = RequestWireChecks.Head.of(text.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("INVITE sip:x@example.com SIP/2.0", head.startLine());
        assertEquals(List.of("to", "via", "l"), head.names());
        assertEquals(text.length() - 3, head.bodyOffset());
    }

    private static byte[] options(String requestLine, String... extra) {
        StringBuilder b = new StringBuilder(requestLine).append("\r\n")
                .append("Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-1\r\n")
                .append("To: <sip:user@example.com>\r\nFrom: <sip:caller@example.net>;tag=1\r\n")
                .append("Call-ID: checks-1\r\nCSeq: 1 ").append(requestLine, 0, requestLine.indexOf(' ')).append("\r\n");
        for (String header : extra) {
            b.append(header).append("\r\n");
        }
        return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static SIPRequest parse(byte[] bytes) throws ParseException {
        return (SIPRequest) new StringMsgParser().parseSIPMessage(bytes, true, false, null);
    }
}
