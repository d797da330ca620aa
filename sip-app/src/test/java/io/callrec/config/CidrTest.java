package io.callrec.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void ipv4NetworkContainsItsAddressesOnly() throws Exception {
        Cidr net = Cidr.parse("10.1.0.0/16");
        assertTrue(net.contains(InetAddress.getByName("10.1.0.0")));
        assertTrue(net.contains(InetAddress.getByName("10.1.255.255")));
        assertFalse(net.contains(InetAddress.getByName("10.2.0.0")));
        assertFalse(net.contains(InetAddress.getByName("10.0.255.255")));
    }

    @Test
    void prefixNotOnAByteBoundary() throws Exception {
        Cidr net = Cidr.parse("192.168.4.0/22");
        assertTrue(net.contains(InetAddress.getByName("192.168.7.255")));
        assertFalse(net.contains(InetAddress.getByName("192.168.8.0")));
        assertFalse(net.contains(InetAddress.getByName("192.168.3.255")));
    }

    @Test
    void ipv6Networks() throws Exception {
        Cidr net = Cidr.parse("fd00:1234::/33");
        assertTrue(net.contains(InetAddress.getByName("fd00:1234:7fff::1")));
        assertFalse(net.contains(InetAddress.getByName("fd00:1234:8000::1")));
        assertTrue(Cidr.parse("::1/128").contains(InetAddress.getByName("::1")));
        assertFalse(Cidr.parse("::1/128").contains(InetAddress.getByName("::2")));
    }

    @Test
    void familiesNeverMixExceptMappedIpv4() throws Exception {
        assertFalse(Cidr.parse("::/0").contains(InetAddress.getByName("127.0.0.1")));
        assertFalse(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("::1")));
        assertTrue(Cidr.parse("127.0.0.0/8").contains(InetAddress.getByName("::ffff:127.0.0.2")));
    }

    @Test
    void zeroPrefixMatchesEverythingOfItsFamily() throws Exception {
        assertTrue(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9")));
    }

    @Test
    void bareAddressIsOneHost() throws Exception {
        assertEquals(Cidr.parse("192.0.2.1/32"), Cidr.parse("192.0.2.1"));
        assertEquals(128, Cidr.parse("[2001:db8::1]").prefixLength());
    }

    @Test
    void toStringIsTheShortForm() {
        assertEquals("::1/128", Cidr.parse("0:0:0:0:0:0:0:1/128").toString());
        assertEquals("10.0.0.0/8", Cidr.parse(" 10.0.0.0/8 ").toString());
    }

    @Test
    void malformedNetworksAreRefusedWithTheReason() {
        assertEquals("'10.0.0.0/33' has a bad prefix length (0-32)",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33")).getMessage());
        assertEquals("'::/129' has a bad prefix length (0-128)",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("::/129")).getMessage());
        assertEquals("'10.0.0.0/' has a bad prefix length (0-32)",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/")).getMessage());
        assertEquals("'fd00::1/8' has host bits set (did you mean fd00::/8?)",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("fd00::1/8")).getMessage());
        assertEquals("'localhost/8' is not a CIDR network (e.g. 10.0.0.0/8 or fd00::/8)",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("localhost/8")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("1.2.3/8"));
    }
}
