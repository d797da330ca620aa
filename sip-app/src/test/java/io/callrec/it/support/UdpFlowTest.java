package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class UdpFlowTest {

    // ip.src ipv6.src udp.srcport ip.dst ipv6.dst udp.dstport, as tshark -T fields -E separator=/t prints them
    private static final String FIELDS = String.join("\n",
            "127.0.0.1\t\t17000\t127.0.0.1\t\t16000",
            "127.0.0.1\t\t16000\t127.0.0.1\t\t17000",
            "127.0.0.1\t\t17000\t127.0.0.1\t\t16000",
            "\t::1\t5090\t\t::1\t5080",
            "127.0.0.1\t\t17000\t127.0.0.1\t\t16000",
            "");

    @Test
    void countsPacketsPerDirectionBusiestFirst() {
        List<UdpFlow> flows = UdpFlow.aggregate(FIELDS);
        assertEquals(List.of(
                new UdpFlow("127.0.0.1", 17000, "127.0.0.1", 16000, 3),
                new UdpFlow("127.0.0.1", 16000, "127.0.0.1", 17000, 1),
                new UdpFlow("::1", 5090, "::1", 5080, 1)), flows);
    }

    @Test
    void sumsFlowsBetweenPortRanges() {
        List<UdpFlow> flows = UdpFlow.aggregate(FIELDS);
        PortRange uac = PortRange.of(17000, 4);
        PortRange uas = PortRange.of(16000, 4);
        assertEquals(3, UdpFlow.packetsBetween(flows, uac, uas));
        assertEquals(1, UdpFlow.packetsBetween(flows, uas, uac));
        assertEquals(0, UdpFlow.packetsBetween(flows, uas, uas));
    }

    @Test
    void emptyOutputHasNoFlows() {
        assertEquals(List.of(), UdpFlow.aggregate(""));
    }

    @Test
    void rejectsLinesWithMissingColumns() {
        assertThrows(IllegalArgumentException.class, () -> UdpFlow.aggregate("127.0.0.1\t5000\n"));
    }
}
