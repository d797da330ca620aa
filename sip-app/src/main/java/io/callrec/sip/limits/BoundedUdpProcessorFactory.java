package io.callrec.sip.limits;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.OIOMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.util.Objects;

/**
 * JAIN-SIP's stock message processors (thread-per-connection TCP, one UDP reader), with the UDP processor's
 * unbounded queue replaced by a {@link SipDatagramQueue}. The stack offers no setting for that queue; its field is
 * protected, so it is swapped once, here, right after the processor is made and before it starts. Run the stack
 * with {@code CONGESTION_CONTROL_TIMEOUT=0}: its auditor would watch the replaced queue.
 */
public final class BoundedUdpProcessorFactory implements MessageProcessorFactory {
    private final MessageProcessorFactory stock = new OIOMessageProcessorFactory();
    private final SipDatagramQueue queue;
    private boolean used;

    public BoundedUdpProcessorFactory(SipDatagramQueue queue) {
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    @Override
    public synchronized MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address,
                                                                int port, String transport) throws IOException {
        MessageProcessor processor = stock.createMessageProcessor(stack, address, port, transport);
        if (processor instanceof UDPMessageProcessor udp) {
            if (used) {
                throw new IllegalStateException("one bounded queue serves one UDP listening point, not two");
            }
            used = true;
            replaceQueue(udp);
        }
        return processor;
    }

    private void replaceQueue(UDPMessageProcessor udp) {
        try {
            Field field = UDPMessageProcessor.class.getDeclaredField("messageQueue");
            field.setAccessible(true);
            field.set(udp, queue);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this JAIN-SIP has no UDPMessageProcessor.messageQueue to bound: " + e, e);
        }
    }
}
