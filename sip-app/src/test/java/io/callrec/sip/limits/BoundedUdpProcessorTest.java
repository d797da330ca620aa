package io.callrec.sip.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.Ports;
import io.callrec.sip.SipFactories;
import io.callrec.sip.SipServer;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import javax.sip.RequestEvent;
import javax.sip.SipListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stack's UDP reader, through a real stack on loopback: what it costs per datagram and what it still accepts. */
class BoundedUdpProcessorTest {
    /** The largest UDP payload IPv4 can carry: 65,535 less the IP and UDP headers. */
    private static final int LARGEST_IPV4_DATAGRAM = 65_507;

    private SipServer server;
    private int port;
    private DatagramSocket ua;

    @BeforeEach
    void start() throws Exception {
        port = Ports.freeUdpTcpPort();
        server = SipServer.start("127.0.0.1", port, Optional.empty(), 2, 65_536,
                new StackLimits(new SipDatagramQueue(64, Duration.ofSeconds(4), (a, b, c, d) -> true), 8,
                        Duration.ofSeconds(30)));
        server.listen((SipListener) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SipListener.class}, (proxy, method, args) -> {
                    if (method.getName().equals("processRequest")) {
                        RequestEvent e = (RequestEvent) args[0];
                        server.context().provider().sendResponse(SipFactories.response(200, e.getRequest()));
                    }
                    return null;
                }));
        ua = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        ua.setSoTimeout(5_000);
    }

    @AfterEach
    void stop() {
        ua.close();
        server.close();
    }

    @Test
    void theReaderDoesNotAllocateAMessageSizedArrayPerDatagram() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long reader = readerThread().getId();
        for (int i = 0; i < 50; i++) {
            assertAnswered(request("OPTIONS", "warm-" + i, ""));
        }
        int datagrams = 500;
        long before = threads.getThreadAllocatedBytes(reader);
        for (int i = 0; i < datagrams; i++) {
            assertAnswered(request("OPTIONS", "count-" + i, ""));
        }
        long perDatagram = (threads.getThreadAllocatedBytes(reader) - before) / datagrams;
        // What is left per datagram: the packet, the datagram's own copy (~240 bytes here), the queue's node.
        assertTrue(perDatagram < 4_096, "the reader allocated " + perDatagram + " bytes per datagram");
    }

    @Test
    void theLargestDatagramIpv4CarriesIsParsedAndAnswered() throws Exception {
        String message = messageOfSize("largest", LARGEST_IPV4_DATAGRAM);
        assertEquals(LARGEST_IPV4_DATAGRAM, message.getBytes(StandardCharsets.US_ASCII).length);
        assertAnswered(message);
    }

    @Test
    void aSmallDatagramAfterALargeOneIsParsedOnItsOwn() throws Exception {
        assertAnswered(request("MESSAGE", "large", "y".repeat(60_000)));
        assertAnswered(request("OPTIONS", "small", ""));
        assertAnswered(request("MESSAGE", "large-again", "z".repeat(64_000)));
        assertAnswered(request("OPTIONS", "small-again", ""));
    }

    @Test
    void aStackWithoutListenerThreadsDoesNotStart() {
        Exception e = assertThrows(Exception.class, () -> SipServer.start("127.0.0.1", Ports.freeUdpTcpPort(),
                Optional.empty(), 0, 65_536, new StackLimits(new SipDatagramQueue(64, Duration.ofSeconds(4),
                        (a, b, c, d) -> true), 8, Duration.ofSeconds(30))).close());
        String causes = "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            causes += t + "\n";
        }
        assertTrue(causes.contains("set THREAD_POOL_SIZE"), causes);
    }

    private Thread readerThread() {
        String name = "MessageProcessorThread-UDP-127.0.0.1/" + port;
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name));
    }

    /** Sends one datagram and waits for its 200: the reader received it whole and the stack parsed it. */
    private void assertAnswered(String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        ua.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", port)));
        DatagramPacket in = new DatagramPacket(new byte[4096], 4096);
        ua.receive(in);
        String answer = new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII);
        int header = message.indexOf("Call-ID: ");
        String callId = message.substring(header, message.indexOf("\r\n", header));
        assertTrue(answer.startsWith("SIP/2.0 200 "), answer);
        assertEquals(port, in.getPort(), "answered from the listening socket, not from one of its own");
        assertTrue(answer.contains(callId), "the answer to " + callId + ": " + answer);
    }

    /** A MESSAGE of exactly {@code size} bytes: its body fills what the headers leave. */
    private String messageOfSize(String callId, int size) {
        int body = size - request("MESSAGE", callId, "").length();
        while (request("MESSAGE", callId, "x".repeat(body)).length() > size) {
            body--;
        }
        return request("MESSAGE", callId, "x".repeat(body));
    }

    private String request(String method, String callId, String body) {
        int uaPort = ua.getLocalPort();
        return method + " sip:callrec@127.0.0.1:" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + uaPort + ";branch=z9hG4bK-" + callId + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:ua@127.0.0.1>;tag=ua\r\n"
                + "To: <sip:callrec@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + (body.isEmpty() ? "" : "Content-Type: text/plain\r\n")
                + "Content-Length: " + body.length() + "\r\n\r\n"
                + body;
    }
}
