package io.callrec.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class RelayConfigTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void defaultsMatchTheDocumentedValues() {
        RelayConfig config = RelayConfig.defaults(LOOPBACK);
        assertEquals(20000, config.portMin());
        assertEquals(29999, config.portMax());
        assertEquals(Math.min(2, Runtime.getRuntime().availableProcessors()), config.threads());
        assertEquals(Duration.ofSeconds(3), config.learningWindow());
        assertEquals(Duration.ofSeconds(60), config.inactivityTimeout());
        assertEquals(5000, config.pairCapacity());
    }

    @Test
    void withersChangeOnlyTheirFields() {
        RelayConfig config = RelayConfig.defaults(LOOPBACK).withPorts(30000, 30009).withThreads(1)
                .withTimeouts(Duration.ofMillis(100), Duration.ZERO);
        assertEquals(new RelayConfig(LOOPBACK, 30000, 30009, 1, Duration.ofMillis(100), Duration.ZERO), config);
        assertEquals(5, config.pairCapacity());
    }

    @Test
    void rejectsBadValues() {
        Duration s = Duration.ofSeconds(1);
        assertThrows(IllegalArgumentException.class, () -> new RelayConfig(LOOPBACK, 20001, 20010, 1, s, s));
        assertThrows(IllegalArgumentException.class, () -> new RelayConfig(LOOPBACK, 20010, 20010, 1, s, s));
        assertThrows(IllegalArgumentException.class, () -> new RelayConfig(LOOPBACK, 20010, 20000, 1, s, s));
        assertThrows(IllegalArgumentException.class, () -> new RelayConfig(LOOPBACK, 1022, 2000, 1, s, s));
        assertThrows(IllegalArgumentException.class, () -> new RelayConfig(LOOPBACK, 60000, 65536, 1, s, s));
        assertThrows(IllegalArgumentException.class, () -> new RelayConfig(LOOPBACK, 20000, 20010, 0, s, s));
        assertThrows(IllegalArgumentException.class,
                () -> new RelayConfig(LOOPBACK, 20000, 20010, 1, Duration.ofMillis(-1), s));
        assertThrows(IllegalArgumentException.class,
                () -> new RelayConfig(LOOPBACK, 20000, 20010, 1, s, Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> new RelayConfig(null, 20000, 20010, 1, s, s));
    }

    @Test
    void acceptsTheSmallestRangeAndTheTopOfThePortSpace() {
        Duration s = Duration.ofSeconds(1);
        assertEquals(1, new RelayConfig(LOOPBACK, 1024, 1025, 1, s, s).pairCapacity());
        assertEquals(2, new RelayConfig(LOOPBACK, 65532, 65535, 1, s, s).pairCapacity());
    }
}
