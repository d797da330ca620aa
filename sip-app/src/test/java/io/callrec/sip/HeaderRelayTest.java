package io.callrec.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;

class HeaderRelayTest {
    private static final String INVITE = String.join("\r\n",
            "INVITE sip:bob@127.0.0.1:5080 SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-1",
            "Max-Forwards: 70",
            "From: <sip:alice@127.0.0.1>;tag=a1",
            "To: <sip:bob@127.0.0.1>",
            "Call-ID: abc@127.0.0.1",
            "CSeq: 1 INVITE",
            "Contact: <sip:alice@127.0.0.1:5090>",
            "Route: <sip:proxy.example.net;lr>",
            "Proxy-Authorization: Digest username=\"alice\", realm=\"r\", nonce=\"n\", uri=\"sip:bob@127.0.0.1\", response=\"0\"",
            "Supported: timer, 100rel",
            "Session-Expires: 1800;refresher=uac",
            "Allow: INVITE, ACK, BYE",
            "P-Asserted-Identity: <sip:alice@example.net>",
            "Callrec-Request: both",
            "X-Custom: kept",
            "X-Custom: twice",
            "Content-Length: 0",
            "", "");

    private static Request parse() throws Exception {
        return SipFactories.messages().createRequest(INVITE);
    }

    private static Request blank() throws Exception {
        return SipFactories.messages().createRequest(String.join("\r\n",
                "INVITE sip:bob@127.0.0.1:5080 SIP/2.0",
                "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-cr-2",
                "Max-Forwards: 69",
                "From: <sip:alice@127.0.0.1>;tag=b1",
                "To: <sip:bob@127.0.0.1>",
                "Call-ID: other@127.0.0.1",
                "CSeq: 1 INVITE",
                "Content-Length: 0",
                "", ""));
    }

    private static List<String> values(Request r, String name) {
        List<String> out = new ArrayList<>();
        for (Iterator<?> it = r.getHeaders(name); it.hasNext(); ) {
            String h = it.next().toString().trim();
            out.add(h.substring(h.indexOf(':') + 1).trim());
        }
        return out;
    }

    @Test
    void endToEndHeadersCrossAndPerLegHeadersStay() throws Exception {
        Request out = blank();
        HeaderRelay.copy(parse(), out, true);
        assertEquals(List.of("kept", "twice"), values(out, "X-Custom"), "unknown headers pass, in order, all values");
        assertTrue(values(out, "Session-Expires").get(0).startsWith("1800"));
        assertNotNull(out.getHeader("Supported"));
        assertNotNull(out.getHeader("Allow"));
        assertNotNull(out.getHeader("P-Asserted-Identity"), "kept from a trusted source");
        assertEquals(List.of("other@127.0.0.1"), values(out, "Call-ID"));
        assertEquals(1, values(out, "Via").size(), "our Via only");
        assertTrue(values(out, "Via").get(0).contains("z9hG4bK-cr-2"));
        assertEquals(List.of("69"), values(out, "Max-Forwards"));
        assertNull(out.getHeader("Route"), "the route set belongs to leg A");
        assertNull(out.getHeader("Contact"));
        assertNull(out.getHeader("Proxy-Authorization"), "credentials are for us, never for the next hop");
    }

    @Test
    void callrecHeadersAreNeverRelayed() throws Exception {
        Request out = blank();
        HeaderRelay.copy(parse(), out, true);
        assertNull(out.getHeader("Callrec-Request"));
    }

    @Test
    void assertedIdentityFromAnUntrustedSourceIsDropped() throws Exception {
        Request out = blank();
        HeaderRelay.copy(parse(), out, false);
        assertNull(out.getHeader("P-Asserted-Identity"));
        assertEquals(List.of("kept", "twice"), values(out, "X-Custom"));
    }
}
