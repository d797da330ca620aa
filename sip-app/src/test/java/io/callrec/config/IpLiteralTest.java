package io.callrec.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IpLiteralTest {

    @Test
    void parsesIpv4AndIpv6WithOrWithoutBrackets() throws Exception {
        assertEquals(Optional.of(InetAddress.getByName("192.0.2.1")), IpLiteral.parse("192.0.2.1"));
        assertEquals(Optional.of(InetAddress.getByName("::1")), IpLiteral.parse("::1"));
        assertEquals(Optional.of(InetAddress.getByName("::1")), IpLiteral.parse("[::1]"));
        assertEquals(Optional.of(InetAddress.getByName("2001:db8::5")), IpLiteral.parse("2001:DB8::5"));
    }

    @Test
    void namesAndMalformedLiteralsAreNotAddresses() {
        assertEquals(Optional.empty(), IpLiteral.parse("localhost"));
        assertEquals(Optional.empty(), IpLiteral.parse("example.net"));
        assertEquals(Optional.empty(), IpLiteral.parse("256.0.0.1"));
        assertEquals(Optional.empty(), IpLiteral.parse("1.2.3"));
        assertEquals(Optional.empty(), IpLiteral.parse("fe80::1%eth0"));
        assertEquals(Optional.empty(), IpLiteral.parse("1:2:3:4:5:6:7:8:9"));
        assertEquals(Optional.empty(), IpLiteral.parse(""));
    }

    @Test
    void wildcardAddresses() {
        assertTrue(IpLiteral.isWildcard("0.0.0.0"));
        assertTrue(IpLiteral.isWildcard("::"));
        assertTrue(IpLiteral.isWildcard("[::]"));
        assertFalse(IpLiteral.isWildcard("127.0.0.1"));
        assertFalse(IpLiteral.isWildcard("example.net"));
    }

    @Test
    void uriFormBracketsIpv6Only() {
        assertEquals("[::1]", IpLiteral.forUri("::1"));
        assertEquals("[::1]", IpLiteral.forUri("[::1]"));
        assertEquals("127.0.0.1", IpLiteral.forUri("127.0.0.1"));
        assertEquals("pbx.example.net", IpLiteral.forUri("pbx.example.net"));
    }

    @Test
    void formatShortensTheLongestZeroRun() throws Exception {
        assertEquals("::1", IpLiteral.format(InetAddress.getByName("0:0:0:0:0:0:0:1")));
        assertEquals("::", IpLiteral.format(InetAddress.getByName("::")));
        assertEquals("2001:db8::1:0:0:1", IpLiteral.format(InetAddress.getByName("2001:db8:0:0:1:0:0:1")));
        assertEquals("2001:db8:0:1:1:1:1:1", IpLiteral.format(InetAddress.getByName("2001:db8:0:1:1:1:1:1")));
        assertEquals("fd00::", IpLiteral.format(InetAddress.getByName("fd00::")));
        assertEquals("10.0.0.1", IpLiteral.format(InetAddress.getByName("10.0.0.1")));
    }
}
