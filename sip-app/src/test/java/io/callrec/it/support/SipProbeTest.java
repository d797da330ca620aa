package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SipProbeTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SHORT = Duration.ofMillis(200);

    @Test
    void requestTextIsWellFormedAndNamesTheProbesSocket() {
        try (SipProbe probe = SipProbe.udp(5060)) {
            String text = probe.request("OPTIONS").header("Subject", "x").text();
            assertTrue(text.startsWith("OPTIONS sip:probe-target@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:"
                    + probe.localPort() + ";branch=z9hG4bK-probe-"), text);
            assertTrue(text.contains("\r\nCSeq: 1 OPTIONS\r\n"), text);
            assertTrue(text.endsWith("\r\nSubject: x\r\nContent-Length: 0\r\n\r\n"), text);
        }
    }

    @Test
    void requestTextCanBeBroken() {
        try (SipProbe probe = SipProbe.udp(5060)) {
            String text = probe.request("INVITE").remove("Via").replace("CSeq", "abc INVITE")
                    .body("text/plain", "0123456789").contentLength(500).text();
            assertFalse(text.contains("Via:"), text);
            assertTrue(text.contains("\r\nCSeq: abc INVITE\r\n"), text);
            assertTrue(text.endsWith("Content-Type: text/plain\r\nContent-Length: 500\r\n\r\n0123456789"), text);
        }
    }

    @Test
    void udpProbeReceivesAResponseAndTimesOutWhenThereIsNone() throws IOException {
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             SipProbe probe = SipProbe.udp(server.getLocalPort())) {
            server.setSoTimeout(5_000);
            probe.send("hello");
            DatagramPacket in = new DatagramPacket(new byte[100], 100);
            server.receive(in);
            assertEquals("hello", new String(in.getData(), 0, in.getLength(), StandardCharsets.ISO_8859_1));
            byte[] answer = "SIP/2.0 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
            server.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, in.getSocketAddress())); // skipped: not SIP
            server.send(new DatagramPacket(answer, answer.length, in.getSocketAddress()));
            assertEquals(404, probe.receive(WAIT).orElseThrow().status());
            assertEquals(Optional.empty(), probe.receive(SHORT));
        }
    }

    @Test
    void tcpProbeFramesResponsesByContentLengthAndSeesTheServerClose() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
             SipProbe probe = SipProbe.tcp(server.getLocalPort());
             Socket accepted = server.accept()) {
            probe.send("OPTIONS");
            InputStream in = accepted.getInputStream();
            assertEquals('O', in.read());
            OutputStream out = accepted.getOutputStream();
            // Two responses in one write, the first with a body that contains a blank line.
            out.write(("\r\nSIP/2.0 100 Trying\r\nContent-Length: 6\r\n\r\nab\r\n\r\n"
                    + "SIP/2.0 200 OK\r\nl: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            List<SipResponse> got = probe.receiveUntilQuiet(SHORT.multipliedBy(2));
            assertEquals(List.of(100, 200), got.stream().map(SipResponse::status).toList());
            assertTrue(got.get(0).raw().endsWith("ab\r\n\r\n"), got.get(0).raw());
            assertFalse(probe.awaitClosedByServer(SHORT));
            accepted.close();
            assertTrue(probe.awaitClosedByServer(WAIT));
        }
    }

    @Test
    void receiveFinalSkipsProvisionalResponses() throws IOException {
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             SipProbe probe = SipProbe.udp(server.getLocalPort())) {
            server.setSoTimeout(5_000);
            probe.send("x");
            DatagramPacket in = new DatagramPacket(new byte[10], 10);
            server.receive(in);
            for (String status : List.of("100 Trying", "180 Ringing", "486 Busy Here")) {
                byte[] b = ("SIP/2.0 " + status + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                server.send(new DatagramPacket(b, b.length, in.getSocketAddress()));
            }
            assertEquals(486, probe.receiveFinal(WAIT).orElseThrow().status());
        }
    }
}
