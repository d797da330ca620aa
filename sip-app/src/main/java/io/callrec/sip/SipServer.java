package io.callrec.sip;

import gov.nist.javax.sip.stack.SIPTransactionStack;
import io.callrec.sip.limits.BoundedUdpProcessorFactory;
import io.callrec.sip.limits.StackLimits;
import io.callrec.tls.SipTls;
import javax.sip.ListeningPoint;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * The JAIN-SIP stack with one provider listening on UDP and TCP on the same address and port, and on TLS on its own
 * port when TLS is configured. Dialog support is manual: the B2BUA creates each dialog itself so that the two legs
 * stay independent.
 */
public final class SipServer implements AutoCloseable {
    private final SipStack stack;
    private final SipContext context;

    private SipServer(SipStack stack, SipContext context) {
        this.stack = stack;
        this.context = context;
    }

    /**
     * @param tls            when present, a TLS listening point on its port too, with its certificate and settings
     * @param maxMessageSize larger SIP messages are refused by the stack (TCP) or dropped (UDP)
     * @param limits         what the stack may hold at once (UDP queue, TCP connections)
     */
    public static SipServer start(String host, int port, Optional<SipTls> tls, int listenerThreads,
            int maxMessageSize, StackLimits limits) throws Exception {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "sipstack");
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(listenerThreads));
        // The stack's default (one reader thread per TCP connection) rather than NioMessageProcessorFactory: in
        // 1.3.0-91 the NIO processor opens outbound connections but never writes the request on them, so every
        // call toward a TCP callee timed out (TcpCallIT). A thread per connection is fine at PBX-trunk scale.
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(maxMessageSize));
        p.setProperty("gov.nist.javax.sip.DELIVER_TERMINATED_EVENT_FOR_ACK", "false");
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", SanitizingParserFactory.class.getName());
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        // Each leg answers OPTIONS/CANCEL itself; the stack must not swallow requests it cannot match.
        p.setProperty("gov.nist.javax.sip.PASS_INVITE_NON_2XX_ACK_TO_LISTENER", "false");
        // A slow-loris TCP peer must not hold a connection forever: once a message has begun, its headers and then
        // its body must each arrive within this time, or the connection is closed.
        p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", "5000");
        p.setProperty("gov.nist.javax.sip.MAX_FORK_TIME_SECONDS", "0");
        p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", Integer.toString(limits.maxTcpConnections()));
        // The bounded queue below replaces the stack's, and with it the 8 s age check the stack's auditor made.
        p.setProperty("gov.nist.javax.sip.CONGESTION_CONTROL_TIMEOUT", "0");
        // The stack's default socket buffer (64 KiB, ~100 requests) overflows in the kernel while the reader thread
        // waits for a core; the kernel caps this at net.core.rmem_max.
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(1 << 20));
        SipStack stack = new NetworkLayerSipStack(tls.isPresent() ? withTls(p, tls.get()) : p,
                new SipNetworkLayer(tls, limits.tcpIdleTimeout()));
        ((SIPTransactionStack) stack).setMessageProcessorFactory(new BoundedUdpProcessorFactory(limits.udpQueue()));
        ListeningPoint udp = stack.createListeningPoint(host, port, ListeningPoint.UDP);
        ListeningPoint tcp = stack.createListeningPoint(host, port, ListeningPoint.TCP);
        SipProvider provider = stack.createSipProvider(udp);
        provider.addListeningPoint(tcp);
        if (tls.isPresent()) {
            provider.addListeningPoint(stack.createListeningPoint(host, tls.get().port(), ListeningPoint.TLS));
        }
        SipContext ctx = new SipContext(provider, host, port,
                tls.isPresent() ? OptionalInt.of(tls.get().port()) : OptionalInt.empty());
        return new SipServer(stack, ctx);
    }

    /**
     * The stack applies these to every TLS socket after our network layer made it; left unset it would apply its
     * own defaults, which include TLS 1.0 and suites without forward secrecy.
     */
    private static Properties withTls(Properties p, SipTls tls) {
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", String.join(",", tls.protocols()));
        p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(",", tls.cipherSuites()));
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", switch (tls.clients()) {
            case NONE -> "Disabled";
            case OPTIONAL -> "Want";
            case REQUIRED -> "Enabled";
        });
        // A peer that connects and never completes the handshake is dropped after this (milliseconds).
        p.setProperty("gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT", "5000");
        p.setProperty("gov.nist.javax.sip.SSL_RENEGOTIATION_ENABLED", "false");
        return p;
    }

    /** Server transactions the stack holds now (completed ones stay up to 32 s to absorb retransmissions). */
    public int serverTransactions() {
        return ((SIPTransactionStack) stack).getServerTransactionTableSize();
    }

    public SipContext context() {
        return context;
    }

    public void listen(SipListener listener) throws Exception {
        context.provider().addSipListener(listener);
        stack.start();
    }

    @Override
    public void close() {
        stack.stop();
    }
}
