package io.callrec.record;

import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKeys;
import io.callrec.atrest.WritableFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Raw capture of one party's packets as a classic pcap (LINKTYPE_RAW: IPv4 + UDP + datagram), readable by tshark
 * and Wireshark. The recorder does not keep the parties' real addresses, so each packet gets a synthetic one that
 * still says everything needed: source 10.0.0.1 for side A or 10.0.0.2 for side B, destination the other, UDP port
 * {@code 20000 + 2 * stream} for RTP and one more for RTCP (decode with {@code -d udp.port==20000,rtp}).
 */
final class PcapWriter implements Closeable {
    private static final int LINKTYPE_RAW = 101;
    private static final int HEADERS = 16 + 20 + 8;

    private final WritableFile channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private long packets;

    /** Encrypted when {@code atRest} has a current key. */
    PcapWriter(Path file, AtRestKeys atRest) throws IOException {
        channel = AtRestFiles.create(file, atRest, AtRestFiles.DEFAULT_CHUNK);
        buffer.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535)
                .putInt(LINKTYPE_RAW);
    }

    void write(long arrivalMicros, boolean sideB, boolean rtcp, int stream, ByteBuffer packet) throws IOException {
        int length = packet.remaining();
        if (buffer.remaining() < HEADERS + length) {
            flush();
        }
        int ipLength = 20 + 8 + length;
        buffer.order(ByteOrder.LITTLE_ENDIAN)
                .putInt((int) (arrivalMicros / 1_000_000)).putInt((int) (arrivalMicros % 1_000_000))
                .putInt(ipLength).putInt(ipLength);
        buffer.order(ByteOrder.BIG_ENDIAN);
        int ipStart = buffer.position();
        buffer.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) packets)
                .putShort((short) 0x4000).put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(new byte[] {10, 0, 0, (byte) (sideB ? 2 : 1)})
                .put(new byte[] {10, 0, 0, (byte) (sideB ? 1 : 2)});
        buffer.putShort(ipStart + 10, checksum(buffer, ipStart, 20));
        int port = 20000 + 2 * stream + (rtcp ? 1 : 0);
        buffer.putShort((short) port).putShort((short) port).putShort((short) (8 + length)).putShort((short) 0);
        int p = packet.position();
        buffer.put(packet);
        packet.position(p);
        packets++;
    }

    void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }

    private static short checksum(ByteBuffer b, int start, int length) {
        int sum = 0;
        for (int i = 0; i < length; i += 2) {
            sum += b.getShort(start + i) & 0xffff;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (short) ~sum;
    }
}
