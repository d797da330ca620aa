package io.callrec.it.support;

import io.callrec.testing.ExternalCommand;
import io.callrec.testing.CommandResult;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Reads pcap files with tshark: UDP flows and RTP streams. */
public final class Tshark {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Tshark() {
    }

    /** UDP packets per (source, destination), busiest first; ICMP errors quoting UDP are left out. */
    public static List<UdpFlow> udpFlows(Path pcap) {
        CommandResult r = ExternalCommand.run(TIMEOUT, "tshark", "-n", "-r", pcap.toString(),
                "-Y", "udp && !icmp && !icmpv6", "-T", "fields", "-E", "separator=/t",
                "-e", "ip.src", "-e", "ipv6.src", "-e", "udp.srcport",
                "-e", "ip.dst", "-e", "ipv6.dst", "-e", "udp.dstport").requireSuccess();
        return UdpFlow.aggregate(r.stdout());
    }

    /**
     * RTP streams, found by tshark's RTP heuristic (so RTP is recognised without the SDP that set
     * it up) and from SIP/SDP when the capture holds it. The heuristics go before tshark's port
     * table: the tests' media ports are random, and a port that table gives to another protocol
     * (27960 is Quake 3's) would otherwise hide a stream that is on the wire.
     */
    public static List<RtpStream> rtpStreams(Path pcap) {
        return RtpStream.parse(rtpStreamsReport(pcap));
    }

    /** The raw {@code -z rtp,streams} report, for logs. */
    public static String rtpStreamsReport(Path pcap) {
        return ExternalCommand.run(TIMEOUT, "tshark", "-n", "-r", pcap.toString(),
                "-o", "rtp.heuristic_rtp:TRUE", "-o", "udp.try_heuristic_first:TRUE", "-q", "-z", "rtp,streams").requireSuccess().stdout();
    }

    /** Number of packets in the file matching a display filter (all packets if it is empty). */
    public static long count(Path pcap, String displayFilter) {
        List<String> cmd = new java.util.ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(),
                "-T", "fields", "-e", "frame.number"));
        if (!displayFilter.isEmpty()) {
            cmd.addAll(List.of("-Y", displayFilter));
        }
        String out = ExternalCommand.run(TIMEOUT, cmd).requireSuccess().stdout();
        return out.lines().filter(l -> !l.isBlank()).count();
    }
}
