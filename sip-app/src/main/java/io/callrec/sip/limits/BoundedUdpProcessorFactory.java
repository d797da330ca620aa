package io.callrec.sip.limits;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.OIOMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Objects;

/**
 * JAIN-SIP's stock message processors (thread-per-connection TCP), except for UDP: a {@link BoundedUdpProcessor},
 * whose reader feeds a {@link SipDatagramQueue} in place of the stack's unbounded queue and receives into one
 * reused array. The stack offers no setting for either. Run the stack with {@code CONGESTION_CONTROL_TIMEOUT=0}
 * (its auditor would watch the stack's own queue) and a {@code THREAD_POOL_SIZE}; the processor refuses to start
 * otherwise.
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
        if (!"UDP".equalsIgnoreCase(transport)) {
            return stock.createMessageProcessor(stack, address, port, transport);
        }
        if (used) {
            throw new IllegalStateException("one bounded queue serves one UDP listening point, not two");
        }
        used = true;
        return new BoundedUdpProcessor(address, stack, port, queue);
    }
}
