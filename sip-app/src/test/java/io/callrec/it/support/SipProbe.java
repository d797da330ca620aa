package io.callrec.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A hand-driven SIP client on a raw loopback socket, for sending what no SIP stack would send
 * (garbage, broken headers, wrong lengths) and reading what comes back:
 *
 * <pre>{@code
 * try (SipProbe probe = SipProbe.udp(callrec.sipPort())) {
 *     probe.send(probe.request("OPTIONS").replace("CSeq", "abc OPTIONS"));
 *     Optional<SipResponse> answer = probe.receive(Duration.ofSeconds(2));
 * }
 * }</pre>
 *
 * The UDP socket is bound to an ephemeral port of 127.0.0.1; the TCP socket connects from one.
 * Every wait is bounded by the timeout given.
 */
public final class SipProbe implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern CONTENT_LENGTH =
            Pattern.compile("^(?:Content-Length|l)[ \\t]*:[ \\t]*(\\d+)", Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
    private static final int MAX_DATAGRAM = 65_535;

    private final InetAddress host;
    private final int serverPort;
    private final DatagramSocket udp;
    private final Socket tcp;
    private final ByteArrayOutputStream tcpPending = new ByteArrayOutputStream();
    private boolean tcpClosedByServer;
    private IOException closeReason;

    private SipProbe(InetAddress host, int serverPort, DatagramSocket udp, Socket tcp) {
        this.host = host;
        this.serverPort = serverPort;
        this.udp = udp;
        this.tcp = tcp;
    }

    /** A UDP socket on 127.0.0.1 sending to {@code 127.0.0.1:serverPort}. */
    public static SipProbe udp(int serverPort) {
        return udp(LOOPBACK, serverPort);
    }

    /** A UDP socket on {@code host} (a loopback address, e.g. ::1) sending to {@code host:serverPort}. */
    public static SipProbe udp(InetAddress host, int serverPort) {
        try {
            return new SipProbe(host, serverPort, new DatagramSocket(new InetSocketAddress(host, 0)), null);
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A TCP connection to {@code 127.0.0.1:serverPort} (connected within 5 s or an exception). */
    public static SipProbe tcp(int serverPort) {
        return tcp(LOOPBACK, serverPort);
    }

    /** A TCP connection from and to {@code host} (a loopback address), port {@code serverPort}. */
    public static SipProbe tcp(InetAddress host, int serverPort) {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(host, 0));
            socket.connect(new InetSocketAddress(host, serverPort), 5_000);
            return new SipProbe(host, serverPort, null, socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot connect to " + hostLiteral(host) + ":" + serverPort, e);
        }
    }

    /**
     * A TLS connection to {@code 127.0.0.1:serverPort} made with {@code context}; the handshake is done here and
     * its failure thrown (with TLS 1.3 a client certificate the server refuses shows only at the first read).
     */
    public static SipProbe tls(int serverPort, SSLContext context) {
        Socket socket = null;
        try {
            socket = context.getSocketFactory().createSocket();
            socket.connect(new InetSocketAddress(LOOPBACK, serverPort), 5_000);
            ((SSLSocket) socket).startHandshake();
            return new SipProbe(LOOPBACK, serverPort, null, socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("no TLS connection to 127.0.0.1:" + serverPort, e);
        }
    }

    /** This probe's address as a URI or Via writes it: {@code 127.0.0.1}, {@code [::1]}. */
    public String hostLiteral() {
        return hostLiteral(host);
    }

    private static String hostLiteral(InetAddress address) {
        String a = address.getHostAddress();
        return a.indexOf(':') >= 0 ? "[" + a.replaceFirst("%.*", "") + "]" : a;
    }

    /** {@code UDP}, {@code TCP} or {@code TLS}, as written in a Via header. */
    public String transport() {
        return udp != null ? "UDP" : tcp instanceof SSLSocket ? "TLS" : "TCP";
    }

    /** Why the server ended the connection (e.g. a TLS alert such as {@code certificate_expired}), if it did. */
    public Optional<IOException> closeReason() {
        return Optional.ofNullable(closeReason);
    }

    public int localPort() {
        return udp != null ? udp.getLocalPort() : tcp.getLocalPort();
    }

    public int serverPort() {
        return serverPort;
    }

    /** A well-formed request from this socket, to be changed before sending. */
    public RequestText request(String method) {
        return new RequestText(method, "sip:probe-target@" + hostLiteral() + ":" + serverPort, transport(),
                hostLiteral(), localPort());
    }

    public void send(RequestText request) {
        send(request.bytes());
    }

    /** The text as ISO-8859-1, so every char up to 0xff is sent as that byte (NUL included). */
    public void send(String text) {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void send(byte[] bytes) {
        try {
            if (udp != null) {
                udp.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(host, serverPort)));
            } else {
                tcp.getOutputStream().write(bytes);
                tcp.getOutputStream().flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("send to " + hostLiteral() + ":" + serverPort + " over " + transport(), e);
        }
    }

    /**
     * The next response, or empty if none arrives within {@code timeout} (or, on TCP, the server
     * closed the connection). Datagrams or stream bytes that are not a SIP response are skipped.
     */
    public Optional<SipResponse> receive(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMillis <= 0) {
                return Optional.empty();
            }
            Optional<String> message = udp != null ? receiveDatagram(leftMillis) : receiveFromStream(leftMillis);
            if (message.isEmpty()) {
                return Optional.empty();
            }
            Optional<SipResponse> response = SipResponse.parse(message.get());
            if (response.isPresent()) {
                return response;
            }
        }
    }

    /** Every response until none has arrived for {@code quiet} (retransmissions included). */
    public List<SipResponse> receiveUntilQuiet(Duration quiet) {
        List<SipResponse> all = new ArrayList<>();
        for (Optional<SipResponse> r = receive(quiet); r.isPresent(); r = receive(quiet)) {
            all.add(r.get());
        }
        return all;
    }

    /** The first final (non-1xx) response within {@code timeout}, skipping provisional ones. */
    public Optional<SipResponse> receiveFinal(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            Optional<SipResponse> r = receive(Duration.ofNanos(left));
            if (r.isEmpty() || r.get().status() >= 200) {
                return r;
            }
        }
    }

    /**
     * TCP only: waits up to {@code timeout} for the server to close (or reset) the connection,
     * reading and discarding whatever it sends meanwhile; true if it did.
     */
    public boolean awaitClosedByServer(Duration timeout) {
        if (tcp == null) {
            throw new IllegalStateException("a UDP probe has no connection to close");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!tcpClosedByServer) {
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMillis <= 0) {
                return false;
            }
            readSome(leftMillis);
        }
        return true;
    }

    private Optional<String> receiveDatagram(long timeoutMillis) {
        byte[] buf = new byte[MAX_DATAGRAM];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        try {
            udp.setSoTimeout((int) Math.max(1, timeoutMillis));
            udp.receive(packet);
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(new String(buf, 0, packet.getLength(), StandardCharsets.ISO_8859_1));
    }

    private Optional<String> receiveFromStream(long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (true) {
            Optional<String> framed = takeFramedMessage();
            if (framed.isPresent()) {
                return framed;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (tcpClosedByServer || left <= 0) {
                return Optional.empty();
            }
            readSome(left);
        }
    }

    /** One message off the front of the stream buffer, framed by its blank line and Content-Length. */
    private Optional<String> takeFramedMessage() {
        String buffered = tcpPending.toString(StandardCharsets.ISO_8859_1);
        int start = 0;
        while (buffered.startsWith("\r\n", start)) {
            start += 2; // RFC 5626 keep-alive CRLFs between messages
        }
        int headEnd = buffered.indexOf("\r\n\r\n", start);
        if (headEnd < 0) {
            return Optional.empty();
        }
        Matcher m = CONTENT_LENGTH.matcher(buffered.substring(start, headEnd));
        int bodyLength = m.find() ? Integer.parseInt(m.group(1)) : 0;
        int end = headEnd + 4 + bodyLength;
        if (buffered.length() < end) {
            return Optional.empty();
        }
        byte[] rest = buffered.substring(end).getBytes(StandardCharsets.ISO_8859_1);
        tcpPending.reset();
        tcpPending.writeBytes(rest);
        return Optional.of(buffered.substring(start, end));
    }

    private void readSome(long timeoutMillis) {
        byte[] buf = new byte[16_384];
        try {
            tcp.setSoTimeout((int) Math.max(1, timeoutMillis));
            InputStream in = tcp.getInputStream();
            int n = in.read(buf);
            if (n < 0) {
                tcpClosedByServer = true;
            } else {
                tcpPending.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // nothing within the time: the caller decides
        } catch (IOException e) {
            // a reset is the server dropping the connection too; over TLS, so is an alert
            tcpClosedByServer = true;
            closeReason = e;
        }
    }

    @Override
    public void close() {
        if (udp != null) {
            udp.close();
        }
        closeQuietly(tcp);
    }

    private static void closeQuietly(Socket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing a probe's socket can only fail if it is already gone
        }
    }

    /**
     * The text of a request, well formed until changed: request line, Via (with a fresh branch),
     * From (with a tag), To, Call-ID, CSeq, Max-Forwards, Contact, then Content-Length, which is
     * computed from the body unless {@link #contentLength(int)} overrides it.
     */
    public static final class RequestText {
        private String requestLine;
        private final List<String[]> headers = new ArrayList<>();
        private byte[] body = new byte[0];
        private Integer contentLength;

        RequestText(String method, String requestUri, String transport, String host, int localPort) {
            String random = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            this.requestLine = method + " " + requestUri + " SIP/2.0";
            header("Via", "SIP/2.0/" + transport + " " + host + ":" + localPort + ";branch=z9hG4bK-probe-" + random
                    + ";rport");
            header("From", "<sip:probe@" + host + ":" + localPort + ">;tag=p" + random);
            header("To", "<" + requestUri + ">");
            header("Call-ID", "probe-" + random + "@" + host);
            header("CSeq", "1 " + method);
            header("Max-Forwards", "70");
            header("Contact", "<sip:probe@" + host + ":" + localPort + ";transport=" + transport.toLowerCase(Locale.ROOT)
                    + ">");
        }

        /** Replaces the whole request line (e.g. {@code OPTIONS sip:x@127.0.0.1:5060 SIP/2.0}). */
        public RequestText requestLine(String line) {
            this.requestLine = line;
            return this;
        }

        public String requestLine() {
            return requestLine;
        }

        /** Appends a header line {@code name: value}. */
        public RequestText header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        /** Sets the value of every header called {@code name} (appends one if there is none). */
        public RequestText replace(String name, String value) {
            boolean found = false;
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    h[1] = value;
                    found = true;
                }
            }
            return found ? this : header(name, value);
        }

        /** Removes every header called {@code name}. */
        public RequestText remove(String name) {
            headers.removeIf(h -> h[0].equalsIgnoreCase(name));
            return this;
        }

        /** The first value of header {@code name}. */
        public Optional<String> value(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst();
        }

        /** A body (ISO-8859-1 bytes) with the given Content-Type. */
        public RequestText body(String contentType, String text) {
            replace("Content-Type", contentType);
            this.body = text.getBytes(StandardCharsets.ISO_8859_1);
            return this;
        }

        /** Sends this Content-Length whatever the body's real length. */
        public RequestText contentLength(int length) {
            this.contentLength = length;
            return this;
        }

        public String text() {
            StringBuilder b = new StringBuilder(requestLine).append("\r\n");
            for (String[] h : headers) {
                b.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
            b.append("Content-Length: ").append(contentLength != null ? contentLength : body.length).append("\r\n\r\n");
            b.append(new String(body, StandardCharsets.ISO_8859_1));
            return b.toString();
        }

        public byte[] bytes() {
            return text().getBytes(StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return SipResponse.printable(text());
        }
    }
}
