package io.callrec.sdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IpLiteralTest {
    @Test
    void ipv4DottedQuads() {
        InetAddress a = IpLiteral.parse("192.0.2.254").orElseThrow();
        assertInstanceOf(Inet4Address.class, a);
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, (byte) 254}, a.getAddress());
        assertArrayEquals(new byte[] {0, 0, 0, 0}, IpLiteral.parse("0.0.0.0").orElseThrow().getAddress());
        assertArrayEquals(new byte[] {(byte) 255, (byte) 255, (byte) 255, (byte) 255},
                IpLiteral.parse("255.255.255.255").orElseThrow().getAddress());
    }

    @Test
    void ipv6Literals() {
        InetAddress a = IpLiteral.parse("2001:db8::1").orElseThrow();
        assertInstanceOf(Inet6Address.class, a);
        byte[] expected = new byte[16];
        expected[0] = 0x20;
        expected[1] = 0x01;
        expected[2] = 0x0d;
        expected[3] = (byte) 0xb8;
        expected[15] = 1;
        assertArrayEquals(expected, a.getAddress());
        assertTrue(IpLiteral.parse("::1").orElseThrow().isLoopbackAddress());
        assertTrue(IpLiteral.parse("::").orElseThrow().isAnyLocalAddress());
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 1}, IpLiteral.parse("::ffff:192.0.2.1").orElseThrow().getAddress());
    }

    @Test
    void everythingElseIsEmptyAndNeverResolved() {
        for (String bad : new String[] {"", "localhost", "media.example.com", "a.b.c.d", "1.2.3", "1.2.3.4.5",
                "256.1.1.1", "1.2.3.-4", "1..2.3", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4/24", "1234.1.1.1", "[::1]",
                "fe80::1%eth0", "2001:db8::g", "1:2:3:4:5:6:7:8:9", ".::1", "::1::2", "\u0661.2.3.4",
                "2001:db8::\u0661", "x".repeat(100)}) {
            assertEquals(Optional.empty(), IpLiteral.parse(bad), bad);
        }
        assertEquals(Optional.empty(), IpLiteral.parse(null));
    }
}
