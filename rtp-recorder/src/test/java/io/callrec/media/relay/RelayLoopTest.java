package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class RelayLoopTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int PORT = 24950;

    private static RelaySocket socketOn(int port) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(LOOPBACK, port));
        channel.configureBlocking(false);
        return new RelaySocket(null, null, false, channel, new InetSocketAddress(LOOPBACK, port));
    }

    @Test
    void closingFreesTheKernelSocketBeforeReportingDone() throws Exception {
        RelayLoop loop = new RelayLoop("test-loop", TimeSource.system());
        loop.start();
        try {
            RelaySocket socket = socketOn(PORT);
            loop.register(List.of(socket));
            AtomicInteger released = new AtomicInteger();
            CountDownLatch done = loop.close(List.of(socket), released::incrementAndGet);
            assertTrue(done.await(2, TimeUnit.SECONDS));
            assertEquals(1, released.get());
            assertFalse(socket.channel.isOpen());
            try (DatagramChannel again = DatagramChannel.open()) {
                again.bind(new InetSocketAddress(LOOPBACK, PORT)); // would throw if the port were still bound
            }
        } finally {
            loop.stop(2000);
        }
    }

    @Test
    void afterStopClosingHappensOnTheCallingThread() throws Exception {
        RelayLoop loop = new RelayLoop("test-loop", TimeSource.system());
        loop.start();
        RelaySocket registered = socketOn(PORT);
        loop.register(List.of(registered));
        loop.stop(2000);
        assertFalse(registered.channel.isOpen(), "stopping closes what was registered");

        RelaySocket late = socketOn(PORT + 2);
        AtomicInteger released = new AtomicInteger();
        CountDownLatch done = loop.close(List.of(late), released::incrementAndGet);
        assertEquals(0, done.getCount());
        assertEquals(1, released.get());
        assertFalse(late.channel.isOpen());
    }

    @Test
    void aLoopThatNeverStartedStopsAtOnce() throws IOException {
        RelayLoop loop = new RelayLoop("test-loop", TimeSource.system());
        loop.stop(2000);
        assertFalse(loop.inLoopThread());
    }
}
