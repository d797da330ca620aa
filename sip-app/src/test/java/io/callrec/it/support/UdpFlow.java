package io.callrec.it.support;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** UDP packets seen from one address and port to another, counted. */
public record UdpFlow(String srcIp, int srcPort, String dstIp, int dstPort, long packets) {

    /**
     * Counts packets per (source, destination) from tshark's {@code -T fields} output with the
     * columns {@code ip.src ipv6.src udp.srcport ip.dst ipv6.dst udp.dstport}, tab-separated (one
     * of each IPv4/IPv6 pair is empty). Flows come out busiest first.
     */
    public static List<UdpFlow> aggregate(String tsharkFields) {
        record Key(String srcIp, int srcPort, String dstIp, int dstPort) {
        }
        Map<Key, Long> counts = new LinkedHashMap<>();
        for (String line : tsharkFields.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < 6) {
                throw new IllegalArgumentException("expected 6 tab-separated fields: " + line);
            }
            Key key = new Key(first(f[0], f[1]), Integer.parseInt(f[2].trim()), first(f[3], f[4]),
                    Integer.parseInt(f[5].trim()));
            counts.merge(key, 1L, Long::sum);
        }
        List<UdpFlow> flows = new ArrayList<>();
        counts.forEach((k, n) -> flows.add(new UdpFlow(k.srcIp(), k.srcPort(), k.dstIp(), k.dstPort(), n)));
        flows.sort(Comparator.comparingLong(UdpFlow::packets).reversed());
        return flows;
    }

    /** Total packets of the flows whose source port is in {@code from} and destination port in {@code to}. */
    public static long packetsBetween(List<UdpFlow> flows, PortRange from, PortRange to) {
        return flows.stream()
                .filter(f -> from.contains(f.srcPort()) && to.contains(f.dstPort()))
                .mapToLong(UdpFlow::packets)
                .sum();
    }

    private static String first(String ipv4, String ipv6) {
        return ipv4.isBlank() ? ipv6.trim() : ipv4.trim();
    }

    @Override
    public String toString() {
        return srcIp + ":" + srcPort + " -> " + dstIp + ":" + dstPort + " x" + packets;
    }
}
