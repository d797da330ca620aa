package io.callrec.sip.limits;

import gov.nist.core.ThreadAuditor;
import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageChannel;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.LinkedList;
import javax.sip.IOExceptionEvent;
import javax.sip.SipListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's UDP processor with its reader loop replaced: the stock loop receives every datagram into a new array of
 * the maximum message size (64 KiB here), which the {@link SipDatagramQueue} copies out of at once; that array was a
 * fifth of all the server allocated. This loop receives into one array that the reader thread keeps, which is safe
 * only because {@link SipDatagramQueue#offer} copies or drops the datagram before it returns. Everything else is the
 * stock processor's: the socket and its options, the listener threads that parse what the queue holds, the thread
 * auditor's ping, {@code stop()}.
 *
 * <p>The loop needs three members JAIN-SIP keeps to itself; they are looked up before the socket is opened, and a
 * JAIN-SIP without them stops the server at start rather than running a reader that behaves otherwise.
 */
final class BoundedUdpProcessor extends UDPMessageProcessor {
    private static final Logger log = LoggerFactory.getLogger(BoundedUdpProcessor.class);
    /** As the stock reader: after this many failed receives in a row, the rest are not reported until one works. */
    private static final int FAILURES_REPORTED = 10;

    private final SipDatagramQueue queue;
    private final int listenerThreads;
    private final int maxMessageSize;
    private final String stackName;
    private int failuresInARow;

    BoundedUdpProcessor(InetAddress address, SIPTransactionStack stack, int port, SipDatagramQueue queue)
            throws IOException {
        this(address, stack, port, queue, StackInternals.of(stack));
    }

    private BoundedUdpProcessor(InetAddress address, SIPTransactionStack stack, int port, SipDatagramQueue queue,
                                StackInternals internals) throws IOException {
        super(address, stack, port);
        this.queue = queue;
        this.messageQueue = queue;
        this.listenerThreads = internals.listenerThreads();
        this.maxMessageSize = internals.maxMessageSize(this);
        this.stackName = ((SipStackImpl) stack).getStackName();
        // Without it the stack answers over UDP from a new socket on a random port, not from this one.
        internals.markUdpListening(stack);
    }

    @Override
    public void run() {
        LinkedList<UDPMessageChannel> listeners = new LinkedList<>();
        for (int i = 0; i < listenerThreads; i++) {
            listeners.add(new Listener(sipStack, this, stackName + "-UDPMessageChannelThread-" + i));
        }
        messageChannels = listeners;
        ThreadAuditor auditor = sipStack.getThreadAuditor();
        ThreadAuditor.ThreadHandle audit = auditor == null ? null : auditor.addCurrentThread();
        byte[] buffer = new byte[maxMessageSize];
        while (isRunning) {
            try {
                if (audit != null) {
                    audit.ping();
                }
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                sock.receive(packet);
                queue.offer(new DatagramQueuedMessageDispatch(packet, System.currentTimeMillis()));
                failuresInARow = 0;
            } catch (SocketTimeoutException e) {
                // The auditor's ping interval is the socket's timeout: time to ping again.
            } catch (SocketException e) {
                if (!isRunning) {
                    return;
                }
                report(e);
            } catch (Exception e) {
                report(e);
            }
        }
    }

    private void report(Exception e) {
        if (failuresInARow >= FAILURES_REPORTED) {
            return;
        }
        failuresInARow++;
        String host = sock.getLocalAddress().getHostAddress();
        log.warn("SIP UDP receive on {}:{} failed{}", host, getPort(), failuresInARow == FAILURES_REPORTED
                ? " (no more failures reported until a datagram is received)" : "", e);
        SipListener listener = sipStack.getSipListener();
        if (listener != null) {
            listener.processIOException(new IOExceptionEvent(this, host, getPort(), getTransport()));
        }
    }

    /** The stock listener thread, unchanged: its constructor is open only to subclasses. */
    private static final class Listener extends UDPMessageChannel {
        Listener(SIPTransactionStack stack, UDPMessageProcessor processor, String threadName) {
            super(stack, processor, threadName);
        }
    }

    /** The members of JAIN-SIP 1.3.0-91 that the loop needs and the stack does not expose. */
    private record StackInternals(int listenerThreads, Field maxMessageSize, Field udpFlag) {
        static StackInternals of(SIPTransactionStack stack) {
            if (!(stack instanceof SipStackImpl)) {
                throw new IllegalStateException("the SIP stack is a " + stack.getClass().getName()
                        + ", not JAIN-SIP's SipStackImpl");
            }
            if (stack.getStackCongestionControlTimeout() > 0) {
                throw new IllegalStateException("set CONGESTION_CONTROL_TIMEOUT to 0: the stack's auditor would"
                        + " watch its own queue, which no datagram goes through");
            }
            int listeners;
            try {
                listeners = field(SIPTransactionStack.class, "threadPoolSize", int.class).getInt(stack);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read JAIN-SIP's SIPTransactionStack.threadPoolSize: " + e, e);
            }
            if (listeners < 1) {
                throw new IllegalStateException("set THREAD_POOL_SIZE: the bounded UDP queue is read by the stack's"
                        + " listener threads, and without them the stack parses each datagram on a thread of its own");
            }
            return new StackInternals(listeners, field(UDPMessageProcessor.class, "maxMessageSize", int.class),
                    field(SIPTransactionStack.class, "udpFlag", boolean.class));
        }

        int maxMessageSize(UDPMessageProcessor processor) {
            try {
                return maxMessageSize.getInt(processor);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        /** What the stock factory does after it makes a UDP processor. */
        void markUdpListening(SIPTransactionStack stack) {
            try {
                udpFlag.setBoolean(stack, true);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        private static Field field(Class<?> owner, String name, Class<?> type) {
            try {
                Field f = owner.getDeclaredField(name);
                if (f.getType() != type) {
                    throw new NoSuchFieldException(name + " is a " + f.getType() + ", not a " + type);
                }
                f.setAccessible(true);
                return f;
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("this JAIN-SIP has no " + owner.getSimpleName() + "." + name
                        + " as BoundedUdpProcessor expects: " + e, e);
            }
        }
    }
}
