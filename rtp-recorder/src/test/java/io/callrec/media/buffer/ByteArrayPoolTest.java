package io.callrec.media.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ByteArrayPoolTest {

    @Test
    void requestsAreRoundedUpToTheirClassAtMostAThirdLarger() {
        assertEquals(4096, ByteArrayPool.sizeFor(1));
        assertEquals(4096, ByteArrayPool.sizeFor(4096));
        assertEquals(6144, ByteArrayPool.sizeFor(4097));
        assertEquals(8192, ByteArrayPool.sizeFor(6145));
        assertEquals(49152, ByteArrayPool.sizeFor(33 * 1024));
        assertEquals(1 << 20, ByteArrayPool.sizeFor((1 << 20) - 1));
        for (int n = 4097; n <= ByteArrayPool.MAX_POOLED; n += 997) {
            int size = ByteArrayPool.sizeFor(n);
            assertEquals(true, size >= n && size <= n * 3L / 2 + 1, n + " -> " + size);
        }
    }

    @Test
    void aGivenArrayIsReusedForItsClassAndComesBackZeroed() {
        ByteArrayPool pool = new ByteArrayPool(1 << 20);
        byte[] a = pool.take(5000);
        assertEquals(6144, a.length);
        Arrays.fill(a, (byte) 0x55);
        pool.give(a);
        assertEquals(6144, pool.pooledBytes());
        byte[] b = pool.take(4500);
        assertSame(a, b);
        for (byte x : b) {
            assertEquals(0, x, "another recording's bytes must never be handed out");
        }
        assertEquals(1, pool.reused());
        assertEquals(0, pool.pooledBytes());
        assertNotSame(a, pool.take(4500), "taken once, it is not in the pool any more");
    }

    @Test
    void largeAndForeignArraysAreNotPooled() {
        ByteArrayPool pool = new ByteArrayPool(64 << 20);
        byte[] big = pool.take(ByteArrayPool.MAX_POOLED + 1);
        assertEquals(ByteArrayPool.MAX_POOLED + 1, big.length);
        pool.give(big);
        pool.give(new byte[5000]); // not a class size: not from the pool
        pool.give(null);
        assertEquals(0, pool.pooledBytes());
    }

    @Test
    void whatThePoolKeepsIsBounded() {
        ByteArrayPool pool = new ByteArrayPool(20_000);
        pool.give(new byte[8192]);
        pool.give(new byte[8192]);
        assertEquals(16384, pool.pooledBytes());
        pool.give(new byte[8192]);
        assertEquals(16384, pool.pooledBytes(), "past the bound, arrays are left to the collector");
    }

    @Test
    void negativeSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ByteArrayPool(1024).take(-1));
    }
}
