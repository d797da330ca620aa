package io.callrec.media.dtls;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.tls.DatagramTransport;

/** Two datagram transports joined in memory, for handshakes without sockets. */
final class MemoryDatagramPair {
    final End a;
    final End b;

    MemoryDatagramPair() {
        BlockingQueue<byte[]> toA = new LinkedBlockingQueue<>();
        BlockingQueue<byte[]> toB = new LinkedBlockingQueue<>();
        a = new End(toA, toB);
        b = new End(toB, toA);
    }

    static final class End implements DatagramTransport {
        private final BlockingQueue<byte[]> in;
        private final BlockingQueue<byte[]> out;
        volatile int sent;

        End(BlockingQueue<byte[]> in, BlockingQueue<byte[]> out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1472;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            try {
                byte[] d = in.poll(waitMillis, TimeUnit.MILLISECONDS);
                if (d == null) {
                    return -1;
                }
                int n = Math.min(len, d.length);
                System.arraycopy(d, 0, buf, off, n);
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            sent++;
            out.add(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void close() {
        }
    }
}
