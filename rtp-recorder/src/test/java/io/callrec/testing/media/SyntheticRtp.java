package io.callrec.testing.media;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Made-up RTP streams for the player's tests: each payload starts with the packet's index in the plan. */
final class SyntheticRtp {
    private SyntheticRtp() {
    }

    /**
     * {@code count} packets, {@code perTimestamp} of them sharing each timestamp (like a video frame's packets), the
     * timestamp advancing by {@code ticks} from 0xfffff000 (so it wraps within the first second at 8 kHz).
     */
    static List<byte[]> stream(int count, int perTimestamp, int ticks, int payloadLength) {
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ByteBuffer b = ByteBuffer.allocate(12 + Math.max(4, payloadLength));
            b.put((byte) 0x80).put((byte) ((i % perTimestamp == perTimestamp - 1 ? 0x80 : 0) | 96))
                    .putShort((short) (1000 + i)).putInt(0xfffff000 + (i / perTimestamp) * ticks).putInt(0x0bad)
                    .putInt(i);
            packets.add(b.array());
        }
        return packets;
    }

    /** The plan index written into a (possibly rewritten) packet by {@link #stream}. */
    static int index(byte[] packet) {
        return ByteBuffer.wrap(packet).getInt(12);
    }
}
