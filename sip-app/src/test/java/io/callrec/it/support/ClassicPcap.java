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
 * A classic pcap (Ethernet, Linux cooked or raw IPv4) of one RTP stream over UDP, as {@link MediaFiles} captures
 * them: read into frames, changed, written back for SIPp's {@code play_pcap_audio}.
 */
public final class ClassicPcap {

    /** One captured frame: arrival time, the bytes from the link header on, where its RTP header starts. */
    record Frame(long micros, byte[] bytes, int rtpOffset) {
    }

    /** The file's 24-byte global header (kept as it was) and its frames in file order. */
    record Capture(byte[] globalHeader, List<Frame> frames) {
    }

    private ClassicPcap() {
    }

    static Capture read(Path in) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(in)).order(ByteOrder.LITTLE_ENDIAN);
            if (b.getInt(0) != 0xa1b2c3d4) {
                throw new IllegalArgumentException(in + " is not a little-endian classic pcap");
            }
            int linkType = b.getInt(20);
            int linkHeader = switch (linkType) {
                case 1 -> 14;
                case 113 -> 16;
                case 101 -> 0;
                default -> throw new IllegalArgumentException("link type " + linkType + " not handled");
            };
            byte[] globalHeader = new byte[24];
            b.get(0, globalHeader);
            List<Frame> frames = new ArrayList<>();
            int p = 24;
            while (p + 16 <= b.limit()) {
                long micros = (b.getInt(p) & 0xffffffffL) * 1_000_000L + (b.getInt(p + 4) & 0xffffffffL);
                int caplen = b.getInt(p + 8);
                byte[] frame = new byte[caplen];
                b.get(p + 16, frame);
                int ihl = (frame[linkHeader] & 0x0f) * 4;
                frames.add(new Frame(micros, frame, linkHeader + ihl + 8));
                p += 16 + caplen;
            }
            if (frames.isEmpty()) {
                throw new IllegalArgumentException(in + " holds no packet");
            }
            return new Capture(globalHeader, frames);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path out, byte[] globalHeader, List<Frame> frames) {
        int size = globalHeader.length + frames.stream().mapToInt(f -> 16 + f.bytes().length).sum();
        ByteBuffer o = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        o.put(globalHeader);
        for (Frame f : frames) {
            o.putInt((int) (f.micros() / 1_000_000L)).putInt((int) (f.micros() % 1_000_000L))
                    .putInt(f.bytes().length).putInt(f.bytes().length).put(f.bytes());
        }
        try {
            return Files.write(out, o.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The stream of {@code in} played {@code times} times back to back as one stream: arrival times, RTP sequence
     * numbers and timestamps go on from one copy to the next, as if the sender had talked that long. The frames
     * must be evenly spaced (one packet per interval, as ffmpeg sends them).
     *
     * @return {@code out}
     */
    public static Path loop(Path in, Path out, int times) {
        List<Frame> one = read(in).frames();
        if (one.size() < 2) {
            throw new IllegalArgumentException(in + " has " + one.size() + " packet; two are needed to see the pacing");
        }
        long periodMicros = one.get(one.size() - 1).micros() - one.get(0).micros()
                + (one.get(1).micros() - one.get(0).micros());
        long periodTicks = (timestamp(one.get(one.size() - 1)) - timestamp(one.get(0)))
                + (timestamp(one.get(1)) - timestamp(one.get(0)));
        List<Frame> all = new ArrayList<>(one.size() * times);
        for (int copy = 0; copy < times; copy++) {
            for (Frame f : one) {
                byte[] bytes = f.bytes().clone();
                ByteBuffer rtp = ByteBuffer.wrap(bytes, f.rtpOffset(), 12);
                rtp.putShort(f.rtpOffset() + 2, (short) (rtp.getShort(f.rtpOffset() + 2) + copy * one.size()));
                rtp.putInt(f.rtpOffset() + 4, (int) (timestamp(f) + copy * periodTicks));
                all.add(new Frame(f.micros() + copy * periodMicros, bytes, f.rtpOffset()));
            }
        }
        return write(out, read(in).globalHeader(), all);
    }

    private static long timestamp(Frame f) {
        return ByteBuffer.wrap(f.bytes()).getInt(f.rtpOffset() + 4) & 0xffffffffL;
    }
}
