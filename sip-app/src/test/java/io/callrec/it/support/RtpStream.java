package io.callrec.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One row of tshark's {@code -z rtp,streams} report: an RTP stream (one SSRC from one address to
 * another), its payload type name as tshark prints it (e.g. {@code g711A}), packet count and the
 * packets lost by sequence numbers (negative when there were duplicates).
 */
public record RtpStream(String srcIp, int srcPort, String dstIp, int dstPort, long ssrc, String payload,
                        long packets, long lost) {

    // start end src-ip src-port dst-ip dst-port 0xSSRC payload... packets lost (pct%) ...
    private static final Pattern ROW = Pattern.compile(
            "^\\s*[\\d.]+\\s+[\\d.]+\\s+(\\S+)\\s+(\\d+)\\s+(\\S+)\\s+(\\d+)\\s+0x([0-9A-Fa-f]+)\\s+(.+?)\\s+(\\d+)\\s+(-?\\d+)\\s+\\(");

    /** The streams listed in a {@code tshark -q -z rtp,streams} report. */
    public static List<RtpStream> parse(String report) {
        List<RtpStream> streams = new ArrayList<>();
        for (String line : report.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                streams.add(new RtpStream(m.group(1), Integer.parseInt(m.group(2)), m.group(3),
                        Integer.parseInt(m.group(4)), Long.parseLong(m.group(5), 16), m.group(6).trim(),
                        Long.parseLong(m.group(7)), Long.parseLong(m.group(8))));
            }
        }
        return streams;
    }

    /** Whether this stream goes from a port in {@code from} to a port in {@code to}. */
    public boolean between(PortRange from, PortRange to) {
        return from.contains(srcPort) && to.contains(dstPort);
    }

    @Override
    public String toString() {
        return String.format("%s:%d -> %s:%d ssrc=0x%08X %s packets=%d lost=%d",
                srcIp, srcPort, dstIp, dstPort, ssrc, payload, packets, lost);
    }
}
