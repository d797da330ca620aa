package io.callrec.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Our Via and Contact per transport: TLS legs name the TLS port, and their Contact is a sips: URI. */
class SipContextTest {

    private final SipContext withTls = new SipContext(null, "127.0.0.1", 5060, OptionalInt.of(5061));
    private final SipContext withoutTls = new SipContext(null, "127.0.0.1", 5060);

    @Test
    void contactPerTransport() throws Exception {
        assertEquals("<sip:127.0.0.1:5060>", withTls.contact("udp").getAddress().toString());
        assertEquals("<sip:127.0.0.1:5060;transport=tcp>", withTls.contact("tcp").getAddress().toString());
        assertEquals("<sips:127.0.0.1:5061>", withTls.contact("tls").getAddress().toString());
        assertEquals("<sips:127.0.0.1:5061>", withTls.contact("TLS").getAddress().toString());
    }

    @Test
    void viaNamesThePortOfItsTransport() throws Exception {
        assertEquals(5061, withTls.newVia("TLS").getPort());
        assertEquals("TLS", withTls.newVia("TLS").getTransport());
        assertEquals(5060, withTls.newVia("udp").getPort());
        assertTrue(withTls.newVia("tls").getBranch().startsWith(SipContext.BRANCH_PREFIX));
    }

    @Test
    void ownPortsAreTheSipAndTheTlsPort() {
        assertTrue(withTls.isOwnPort(5060));
        assertTrue(withTls.isOwnPort(5061));
        assertFalse(withoutTls.isOwnPort(5061));
        assertFalse(withTls.isOwnPort(5062));
    }
}
