package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RtpStreamTest {

    // Printed by TShark 4.0.17 (Debian 12) for a SIPp call with -rtp_echo, plus rows made up for
    // a payload name with a space, duplicates (negative loss) and IPv6.
    private static final String REPORT = """
            ========================= RTP Streams ========================
               Start time      End time     Src IP addr  Port    Dest IP addr  Port       SSRC          Payload  Pkts         Lost   Min Delta(ms)  Mean Delta(ms)   Max Delta(ms)  Min Jitter(ms) Mean Jitter(ms)  Max Jitter(ms) Problems?
                 0.000103      3.000812       127.0.0.1 16000       127.0.0.1 17000 0xDEE0EE8F            g711A   101     0 (0.0%)          28.133          30.007          31.843           0.005           0.259           0.506\s
                 0.000000      3.000748       127.0.0.1 17000       127.0.0.1 16000 0x0000162E            g711A   101     2 (1.9%)          28.130          30.007          31.829           0.004           0.262           0.510 X
                 1.000000      2.000000             ::1 20000             ::1 20002 0x00000001  g711A telephone-event    50    -1 (-2.0%)  1 1 1 0 0 0
            ==============================================================
            """;

    @Test
    void parsesEveryRow() {
        List<RtpStream> streams = RtpStream.parse(REPORT);
        assertEquals(3, streams.size());
        assertEquals(new RtpStream("127.0.0.1", 16000, "127.0.0.1", 17000, 0xDEE0EE8FL, "g711A", 101, 0), streams.get(0));
        assertEquals(new RtpStream("127.0.0.1", 17000, "127.0.0.1", 16000, 0x162EL, "g711A", 101, 2), streams.get(1));
        assertEquals(new RtpStream("::1", 20000, "::1", 20002, 1, "g711A telephone-event", 50, -1), streams.get(2));
    }

    @Test
    void aReportWithoutStreamsGivesNone() {
        String empty = """
                ========================= RTP Streams ========================
                   Start time      End time     Src IP addr  Port    Dest IP addr  Port       SSRC          Payload  Pkts         Lost
                ==============================================================
                """;
        assertEquals(List.of(), RtpStream.parse(empty));
    }

    @Test
    void betweenMatchesDirection() {
        RtpStream s = new RtpStream("127.0.0.1", 17000, "127.0.0.1", 16000, 1, "g711A", 10, 0);
        assertTrue(s.between(PortRange.of(17000, 4), PortRange.of(16000, 4)));
        assertFalse(s.between(PortRange.of(16000, 4), PortRange.of(17000, 4)));
    }
}
