package io.callrec.sip.limits;

import static io.callrec.sip.limits.SourceRateLimiterTest.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SipDatagramQueueTest {

    @Test
    void aQueuedDatagramKeepsOnlyItsOwnBytes() throws Exception {
        SipDatagramQueue q = new SipDatagramQueue(10, Duration.ofSeconds(4), (s, d, o, l) -> true);
        DatagramQueuedMessageDispatch d = received("OPTIONS sip:x SIP/2.0\r\n\r\n", System.currentTimeMillis());
        assertEquals(65_536, d.packet.getData().length, "the reader's 64 KiB array");
        assertTrue(q.offer(d));
        DatagramQueuedMessageDispatch taken = q.take();
        assertSame(d, taken);
        assertEquals(25, taken.packet.getData().length);
        assertEquals(25, taken.packet.getLength());
        assertEquals("OPTIONS sip:x SIP/2.0\r\n\r\n", new String(taken.packet.getData(), StandardCharsets.US_ASCII));
    }

    @Test
    void theReaderMayReceiveIntoItsArrayAgainOnceOfferReturns() throws Exception {
        SipDatagramQueue q = new SipDatagramQueue(10, Duration.ofSeconds(4), (s, d, o, l) -> true);
        DatagramQueuedMessageDispatch d = received("OPTIONS sip:x SIP/2.0\r\n\r\n", System.currentTimeMillis());
        byte[] readerArray = d.packet.getData();
        assertTrue(q.offer(d));
        Arrays.fill(readerArray, (byte) 'X');
        DatagramPacket taken = q.take().packet;
        assertEquals("OPTIONS sip:x SIP/2.0\r\n\r\n",
                new String(taken.getData(), taken.getOffset(), taken.getLength(), StandardCharsets.US_ASCII));
    }

    @Test
    void beyondItsCapacityNewDatagramsAreDroppedAndCounted() {
        SipDatagramQueue q = new SipDatagramQueue(2, Duration.ofSeconds(4), (s, d, o, l) -> true);
        long now = System.currentTimeMillis();
        assertTrue(q.offer(received("A", now)));
        assertTrue(q.offer(received("B", now)));
        assertFalse(q.offer(received("C", now)));
        assertEquals(2, q.size());
        assertEquals(1L, q.stats().get("droppedFull"));
        assertEquals(2, q.stats().get("capacity"));
    }

    @Test
    void datagramsThatWaitedTooLongAreSkippedWhenTaken() throws Exception {
        SipDatagramQueue q = new SipDatagramQueue(10, Duration.ofSeconds(4), (s, d, o, l) -> true);
        long now = System.currentTimeMillis();
        q.offer(received("old", now - 5_000));
        q.offer(received("old", now - 4_500));
        DatagramQueuedMessageDispatch fresh = received("fresh", now);
        q.offer(fresh);
        assertSame(fresh, q.take());
        assertEquals(2L, q.stats().get("droppedStale"));
        q.offer(received("old", now - 9_000));
        assertNull(q.poll(10, TimeUnit.MILLISECONDS), "a stale one is not returned by poll either");
        assertEquals(3L, q.stats().get("droppedStale"));
    }

    @Test
    void theFilterSeesTheDatagramBeforeAnythingIsQueued() {
        SipDatagramQueue q = new SipDatagramQueue(10, Duration.ofSeconds(4),
                (source, data, offset, length) -> !source.equals(address("192.0.2.66"))
                        && new String(data, offset, length, StandardCharsets.US_ASCII).startsWith("OPTIONS"));
        assertTrue(q.offer(received("OPTIONS sip:x SIP/2.0\r\n\r\n", System.currentTimeMillis())));
        assertFalse(q.offer(received("INVITE sip:x SIP/2.0\r\n\r\n", System.currentTimeMillis())));
        DatagramQueuedMessageDispatch flood = received("OPTIONS sip:x SIP/2.0\r\n\r\n", System.currentTimeMillis());
        flood.packet.setAddress(address("192.0.2.66"));
        assertFalse(q.offer(flood));
        assertEquals(1, q.size());
        assertEquals(2L, q.stats().get("droppedFiltered"));
    }

    /** As the UDP reader hands them over: in its 64 KiB array, the datagram at its start. */
    private static DatagramQueuedMessageDispatch received(String text, long receivedAt) {
        byte[] buffer = new byte[65_536];
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, buffer, 0, bytes.length);
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        p.setLength(bytes.length);
        p.setAddress(address("192.0.2.1"));
        p.setPort(5060);
        return new DatagramQueuedMessageDispatch(p, receivedAt);
    }
}
