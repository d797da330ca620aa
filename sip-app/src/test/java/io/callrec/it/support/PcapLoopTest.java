package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapLoopTest {

    private static final int RTP = 20 + 8; // raw IPv4 link: IP header, UDP header

    @Test
    void timesSequenceNumbersAndTimestampsRunOnAcrossRepetitions(@TempDir Path dir) throws Exception {
        Path in = Files.write(dir.resolve("in.pcap"), pcap(new long[] {1_000_000, 1_020_000, 1_040_000},
                new int[] {65534, 65535, 0}, new long[] {0xfffffe00L, 0xfffffea0L, 0xffffff40L}));
        ByteBuffer out = ByteBuffer.wrap(Files.readAllBytes(PcapLoop.repeat(in, dir.resolve("out.pcap"), 3)))
                .order(ByteOrder.LITTLE_ENDIAN);
        int packet = 16 + RTP + 12;
        assertEquals(24 + 9 * packet, out.limit());
        for (int i = 0; i < 9; i++) {
            int p = 24 + i * packet;
            long micros = out.getInt(p) * 1_000_000L + out.getInt(p + 4);
            assertEquals(1_000_000 + i * 20_000L, micros, "packet " + i);
            ByteBuffer rtp = ByteBuffer.wrap(out.array(), p + 16 + RTP, 12);
            assertEquals((65534 + i) & 0xffff, rtp.getShort(p + 16 + RTP + 2) & 0xffff, "seq of packet " + i);
            assertEquals((0xfffffe00L + i * 160) & 0xffffffffL, rtp.getInt(p + 16 + RTP + 4) & 0xffffffffL,
                    "timestamp of packet " + i);
        }
    }

    @Test
    void aFileThatIsNotAClassicPcapIsRefused(@TempDir Path dir) throws Exception {
        Path junk = Files.write(dir.resolve("x.pcap"), new byte[40]);
        assertThrows(IllegalArgumentException.class, () -> PcapLoop.repeat(junk, dir.resolve("y"), 2));
    }

    /** A raw-IPv4 pcap of RTP packets with 12-byte headers and no payload. */
    private static byte[] pcap(long[] micros, int[] seq, long[] ts) {
        ByteBuffer b = ByteBuffer.allocate(24 + micros.length * (16 + RTP + 12)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(101);
        for (int i = 0; i < micros.length; i++) {
            b.putInt((int) (micros[i] / 1_000_000)).putInt((int) (micros[i] % 1_000_000)).putInt(RTP + 12)
                    .putInt(RTP + 12);
            byte[] frame = new byte[RTP + 12];
            frame[0] = 0x45;
            ByteBuffer f = ByteBuffer.wrap(frame);
            f.put(RTP, (byte) 0x80).put(RTP + 1, (byte) 8).putShort(RTP + 2, (short) seq[i]).putInt(RTP + 4, (int) ts[i]);
            b.put(frame);
        }
        return b.array();
    }
}
