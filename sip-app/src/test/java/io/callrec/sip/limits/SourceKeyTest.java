package io.callrec.sip.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SourceKeyTest {

    @Test
    void ipv4AddressesAreTheirOwnKeys() throws Exception {
        assertEquals(SourceKey.of(InetAddress.getByName("192.0.2.7")), SourceKey.of(InetAddress.getByName("192.0.2.7")));
        assertNotEquals(SourceKey.of(InetAddress.getByName("192.0.2.7")), SourceKey.of(InetAddress.getByName("192.0.2.8")));
        assertEquals("192.0.2.7", SourceKey.of(InetAddress.getByName("192.0.2.7")).toString());
        assertEquals("255.255.255.255", SourceKey.of(InetAddress.getByName("255.255.255.255")).toString());
    }

    @Test
    void ipv6AddressesCountPerSlash64() throws Exception {
        SourceKey a = SourceKey.of(InetAddress.getByName("2001:db8:0:1::1"));
        assertEquals(a, SourceKey.of(InetAddress.getByName("2001:db8:0:1:ffff:ffff:ffff:ffff")));
        assertNotEquals(a, SourceKey.of(InetAddress.getByName("2001:db8:0:2::1")));
        assertEquals("2001:db8:0:1::/64", a.toString());
    }

    @Test
    void noIpv4KeyEqualsAnIpv6Key() throws Exception {
        // ::1 lies in ::/64, whose prefix bits are all zero, like an IPv4 key's high half.
        assertNotEquals(SourceKey.of(InetAddress.getByName("0.0.0.0")), SourceKey.of(InetAddress.getByName("::1")));
        assertNotEquals(SourceKey.of(InetAddress.getByName("0.0.0.1")), SourceKey.of(InetAddress.getByName("::1")));
    }
}
