package io.callrec.sip;

import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;
import java.util.Properties;
import javax.sip.PeerUnavailableException;

/**
 * gov.nist's stack with a network layer given as an object. The stack only takes one by class name (instantiated
 * without arguments) or builds one from key-store files; the field it keeps it in is protected, so a subclass is
 * the one way to hand it an instance that holds our TLS context and idle timeout.
 */
final class NetworkLayerSipStack extends SipStackImpl {

    NetworkLayerSipStack(Properties properties, NetworkLayer networkLayer) throws PeerUnavailableException {
        super(properties);
        this.networkLayer = networkLayer;
    }
}
