package io.callrec.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A long RTP pcap made from a short one by playing it again and again as one stream: capture times, RTP sequence
 * numbers and timestamps run on across the repetitions, so SIPp's {@code play_pcap_audio} sends one unbroken
 * stream. Making a long file with ffmpeg takes as long as the media ({@link MediaFiles}); this takes no time.
 */
public final class PcapLoop {
    private static final int PCAP_MAGIC = 0xa1b2c3d4;
    private static final int GLOBAL_HEADER = 24;
    private static final int RECORD_HEADER = 16;

    private PcapLoop() {
    }

    private record Packet(long micros, byte[] frame, int rtpOffset) {
    }

    /**
     * @param in    classic little-endian pcap (Ethernet, Linux cooked or raw IPv4 link) of one RTP stream
     * @param times how many times the stream is played, 1 or more
     * @return {@code out}
     */
    public static Path repeat(Path in, Path out, int times) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, not " + times);
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(in)).order(ByteOrder.LITTLE_ENDIAN);
            if (b.limit() < GLOBAL_HEADER || b.getInt(0) != PCAP_MAGIC) {
                throw new IllegalArgumentException(in + " is not a little-endian classic pcap");
            }
            int link = switch (b.getInt(20)) {
                case 1 -> 14;
                case 113 -> 16;
                case 101 -> 0;
                default -> throw new IllegalArgumentException("link type " + b.getInt(20) + " not handled");
            };
            List<Packet> packets = new ArrayList<>();
            for (int p = GLOBAL_HEADER; p + RECORD_HEADER <= b.limit(); ) {
                long micros = (b.getInt(p) & 0xffffffffL) * 1_000_000L + (b.getInt(p + 4) & 0xffffffffL);
                byte[] frame = new byte[b.getInt(p + 8)];
                b.get(p + RECORD_HEADER, frame);
                packets.add(new Packet(micros, frame, link + (frame[link] & 0x0f) * 4 + 8));
                p += RECORD_HEADER + frame.length;
            }
            if (packets.size() < 2) {
                throw new IllegalArgumentException(in + " holds " + packets.size() + " packets; 2 are needed for a pace");
            }
            Packet first = packets.get(0);
            Packet last = packets.get(packets.size() - 1);
            // One more packet interval after the last packet before the stream starts over.
            long interval = packets.get(1).micros - first.micros;
            long period = last.micros - first.micros + interval;
            long tsStep = rtpTimestamp(packets.get(1)) - rtpTimestamp(first);
            long tsPeriod = rtpTimestamp(last) - rtpTimestamp(first) + tsStep;
            ByteBuffer o = ByteBuffer.allocate(GLOBAL_HEADER + (b.limit() - GLOBAL_HEADER) * times)
                    .order(ByteOrder.LITTLE_ENDIAN);
            o.put(b.array(), 0, GLOBAL_HEADER);
            for (int k = 0; k < times; k++) {
                for (int i = 0; i < packets.size(); i++) {
                    Packet pk = packets.get(i);
                    byte[] frame = pk.frame.clone();
                    ByteBuffer rtp = ByteBuffer.wrap(frame, pk.rtpOffset, 12);
                    rtp.putShort(pk.rtpOffset + 2, (short) (rtp.getShort(pk.rtpOffset + 2) + k * packets.size()));
                    rtp.putInt(pk.rtpOffset + 4, (int) (rtpTimestamp(pk) + k * tsPeriod));
                    long micros = pk.micros + k * period;
                    o.putInt((int) (micros / 1_000_000L)).putInt((int) (micros % 1_000_000L))
                            .putInt(frame.length).putInt(frame.length).put(frame);
                }
            }
            Files.write(out, java.util.Arrays.copyOf(o.array(), o.position()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long rtpTimestamp(Packet p) {
        return ByteBuffer.wrap(p.frame).getInt(p.rtpOffset + 4) & 0xffffffffL;
    }
}
