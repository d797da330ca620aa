package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassicPcapTest {

    @TempDir
    Path dir;

    @Test
    void aLoopedStreamGoesOnAsOneStream() throws Exception {
        // Three 20 ms packets, raw IPv4 link type: seq 65534.., timestamps 1000, 1160, 1320.
        ByteBuffer b = ByteBuffer.allocate(24 + 3 * (16 + 20 + 8 + 12)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(101);
        for (int i = 0; i < 3; i++) {
            b.order(ByteOrder.LITTLE_ENDIAN).putInt(100).putInt(20_000 * i).putInt(40).putInt(40);
            b.order(ByteOrder.BIG_ENDIAN).put((byte) 0x45).put(new byte[19]).put(new byte[8])
                    .put((byte) 0x80).put((byte) 8).putShort((short) (65534 + i)).putInt(1000 + 160 * i).putInt(7);
        }
        Path in = Files.write(dir.resolve("in.pcap"), b.array());

        List<ClassicPcap.Frame> frames = ClassicPcap.read(ClassicPcap.loop(in, dir.resolve("out.pcap"), 3)).frames();

        assertEquals(9, frames.size());
        for (int i = 0; i < 9; i++) {
            ClassicPcap.Frame f = frames.get(i);
            ByteBuffer rtp = ByteBuffer.wrap(f.bytes(), f.rtpOffset(), 12);
            assertEquals(100_000_000L + 20_000L * i, f.micros(), "arrival of " + i);
            assertEquals((65534 + i) & 0xffff, rtp.getShort(f.rtpOffset() + 2) & 0xffff, "seq of " + i);
            assertEquals(1000 + 160 * i, rtp.getInt(f.rtpOffset() + 4), "timestamp of " + i);
            assertEquals(7, rtp.getInt(f.rtpOffset() + 8), "one SSRC");
        }
    }
}
