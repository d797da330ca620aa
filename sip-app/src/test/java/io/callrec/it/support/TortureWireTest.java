package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TortureWireTest {

    private static final Set<String> BOTH = Set.of(TortureCase.SENT_BY, TortureCase.BRANCH);

    @Test
    void theTopViaGetsTheProbesAddressTransportAndAUniqueBranch() {
        String in = "OPTIONS sip:u@example.com SIP/2.0\r\nVia: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw\r\nl: 0\r\n\r\n";
        assertEquals("OPTIONS sip:u@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:4000;branch=z9hG4bKkdjuw39234.7\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw\r\nl: 0\r\n\r\n", send(in, BOTH, "udp", "127.0.0.1:4000"));
    }

    @Test
    void foldingSpacingAndCompactFormsAreKept() {
        // RFC 4475 3.1.1.1 (wsinv): the top Via is folded over three lines, its branch is not RFC 3261's.
        String in = "INVITE sip:x@example.com SIP/2.0\r\nVia  : SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw\r\n"
                + "v:  SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8\r\n\r\n";
        assertEquals("INVITE sip:x@example.com SIP/2.0\r\nVia  : SIP  /   2.0\r\n /TCP\r\n    [::1]:5;branch=390skdjuw\r\n"
                + "v:  SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8\r\n\r\n",
                send(in, Set.of(TortureCase.SENT_BY), "tcp", "[::1]:5"));
        String compact = "OPTIONS sip:u@example.com SIP/2.0\r\nv:SIP/7.0/UDP c.example.com:5060 ; branch = z9hG4bKkdjuw\r\n\r\n";
        assertEquals("OPTIONS sip:u@example.com SIP/2.0\r\nv:SIP/7.0/UDP 127.0.0.1:9 ; branch = z9hG4bKkdjuw.1\r\n\r\n",
                send(compact, BOTH, "udp", "127.0.0.1:9", ".1"));
    }

    @Test
    void aBareMagicCookieIsNoBranchToMakeUnique() {
        String in = "OPTIONS sip:u@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK\r\n\r\n";
        assertThrows(IllegalArgumentException.class, () -> send(in, BOTH, "udp", "127.0.0.1:1"));
        assertEquals("OPTIONS sip:u@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bK\r\n\r\n",
                send(in, Set.of(TortureCase.SENT_BY), "udp", "127.0.0.1:1"));
    }

    @Test
    void aResponseIsSentAsItIs() {
        byte[] response = "SIP/2.0 100 \r\nVia: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(response, TortureWire.forSending(response, Set.of(), "tcp", "127.0.0.1:1", ".1"));
    }

    @Test
    void everyRequestOfTheIndexHasWhatItsRewritesNeed() {
        for (TortureCase c : TortureIndex.cases()) {
            for (String transport : c.transports()) {
                byte[] sent = TortureWire.forSending(TortureIndex.message(c.name()), c.rewrites(), transport,
                        "127.0.0.1:40000", ".3");
                String text = new String(sent, StandardCharsets.ISO_8859_1);
                if (c.rewrites().contains(TortureCase.SENT_BY)) {
                    assertTrue(text.contains("/" + transport.toUpperCase() + "\r\n    127.0.0.1:40000")
                            || text.contains("/" + transport.toUpperCase() + " 127.0.0.1:40000"), c + " " + transport);
                }
            }
        }
    }

    private static String send(String in, Set<String> rewrites, String transport, String sentBy) {
        return send(in, rewrites, transport, sentBy, ".7");
    }

    private static String send(String in, Set<String> rewrites, String transport, String sentBy, String suffix) {
        return new String(TortureWire.forSending(in.getBytes(StandardCharsets.ISO_8859_1), rewrites, transport, sentBy,
                suffix), StandardCharsets.ISO_8859_1);
    }
}
