package io.callrec.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.control.IdentitySource;
import java.util.Optional;
import javax.sip.address.URI;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;

class PartyIdentityTest {
    private static final PartyIdentity BOB = new PartyIdentity("sip:bob@example.com", IdentitySource.FROM);

    private static Request update(String from, String... extra) throws Exception {
        StringBuilder b = new StringBuilder(String.join("\r\n",
                "UPDATE sip:callrec@127.0.0.1:5060 SIP/2.0",
                "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-9",
                "Max-Forwards: 70",
                "From: " + from + ";tag=b1",
                "To: <sip:alice@example.com>;tag=a1",
                "Call-ID: leg-b@127.0.0.1",
                "CSeq: 2 UPDATE")).append("\r\n");
        for (String h : extra) {
            b.append(h).append("\r\n");
        }
        return SipFactories.messages().createRequest(b.append("Content-Length: 0\r\n\r\n").toString());
    }

    private static URI uri(String text) throws Exception {
        return SipFactories.addresses().createURI(text);
    }

    @Test
    void aTrustedPeersNewAssertedIdentityIsANewParty() throws Exception {
        Request r = update("<sip:bob@example.com>", "P-Asserted-Identity: \"Carol\" <sip:carol@example.com>, <tel:+15551234>");
        Optional<PartyIdentity> now = PartyIdentity.changedBy(r, BOB, uri("sip:bob@example.com"), true);
        assertEquals(Optional.of(new PartyIdentity("sip:carol@example.com", IdentitySource.P_ASSERTED_IDENTITY)), now);
    }

    @Test
    void anUntrustedPeersAssertedIdentityIsNotBelieved() throws Exception {
        Request r = update("<sip:bob@example.com>", "P-Asserted-Identity: <sip:carol@example.com>");
        assertEquals(Optional.empty(), PartyIdentity.changedBy(r, BOB, uri("sip:bob@example.com"), false));
        assertEquals(Optional.empty(), PartyIdentity.asserted(r, false));
    }

    @Test
    void theSamePartyWrittenDifferentlyIsNoChange() throws Exception {
        Request r = update("\"Bob B.\" <sips:bob@EXAMPLE.com:5061;transport=tls>",
                "P-Asserted-Identity: <sip:bob@Example.COM;user=phone>");
        assertEquals(Optional.empty(), PartyIdentity.changedBy(r, BOB, uri("sip:bob@example.com"), true));
        assertEquals(Optional.empty(), PartyIdentity.changedBy(r, BOB, uri("sip:bob@example.com"), false));
    }

    @Test
    void aNewFromUriIsAConnectedIdentityChange() throws Exception {
        Request r = update("<sip:carol@example.com>");
        assertEquals(Optional.of(new PartyIdentity("sip:carol@example.com", IdentitySource.FROM)),
                PartyIdentity.changedBy(r, BOB, uri("sip:bob@example.com"), false));
        assertEquals(Optional.of(new PartyIdentity("sip:carol@example.com", IdentitySource.FROM)),
                PartyIdentity.changedBy(r, BOB, uri("sip:bob@example.com"), true), "no PAI: From is what counts");
    }

    @Test
    void sameUserAtAnotherHostIsAnotherParty() {
        assertFalse(PartyIdentity.sameParty("sip:bob@example.com", "sip:bob@example.net"));
        assertFalse(PartyIdentity.sameParty("sip:bob@example.com", "sip:rob@example.com"));
        assertFalse(PartyIdentity.sameParty("tel:+15551234", "tel:+15554321"));
        assertTrue(PartyIdentity.sameParty("<sip:bob@[::1]:5060>", "sip:bob@[::1]"));
        assertTrue(PartyIdentity.sameParty("tel:+15551234", "TEL:+15551234"));
    }

    @Test
    void anAssertedIdentityIsTakenFromEveryForm() throws Exception {
        assertEquals("sip:carol@example.com", PartyIdentity.asserted(update("<sip:bob@example.com>",
                "P-Asserted-Identity: sip:carol@example.com"), true).orElseThrow().uri());
        assertEquals(Optional.empty(), PartyIdentity.asserted(update("<sip:bob@example.com>"), true));
    }
}
