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
 * Puts key presses (RFC 4733 telephone-events) into a classic pcap of one RTP audio stream, the way a phone sends
 * them: same SSRC and sequence space as the audio, the event's start timestamp repeated, three end packets. SIPp's
 * {@code play_pcap_audio} then plays a caller who types feature codes while talking.
 */
public final class DtmfPcap {
    private static final String EVENTS = "0123456789*#ABCD";

    private DtmfPcap() {
    }

    private record Packet(long micros, byte[] frame, int rtpOffset) {
    }

    /**
     * @param in           classic pcap (Ethernet, Linux cooked or raw IPv4) of one RTP stream of 20 ms packets
     * @param out          where the result goes
     * @param digits       the keys, one every {@code spacingMillis} from {@code firstMillis}
     * @param payloadType  the telephone-event payload type of the SDP
     */
    public static Path withDigits(Path in, Path out, String digits, int firstMillis, int spacingMillis,
                                  int payloadType) {
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
            List<Packet> audio = new ArrayList<>();
            int p = 24;
            while (p + 16 <= b.limit()) {
                long micros = (b.getInt(p) & 0xffffffffL) * 1_000_000L + (b.getInt(p + 4) & 0xffffffffL);
                int caplen = b.getInt(p + 8);
                byte[] frame = new byte[caplen];
                b.get(p + 16, frame);
                int ihl = (frame[linkHeader] & 0x0f) * 4;
                audio.add(new Packet(micros, frame, linkHeader + ihl + 8));
                p += 16 + caplen;
            }
            if (audio.isEmpty()) {
                throw new IllegalArgumentException(in + " holds no packet");
            }
            List<Packet> all = new ArrayList<>();
            long start = audio.get(0).micros;
            int next = 0;
            for (int i = 0; i < digits.length(); i++) {
                long at = start + (firstMillis + (long) i * spacingMillis) * 1000L;
                while (next < audio.size() && audio.get(next).micros <= at) {
                    all.add(audio.get(next++));
                }
                Packet model = audio.get(Math.max(0, next - 1));
                long eventTs = ByteBuffer.wrap(model.frame, model.rtpOffset + 4, 4).getInt() & 0xffffffffL;
                int event = EVENTS.indexOf(Character.toUpperCase(digits.charAt(i)));
                int[] durations = {160, 320, 480, 640, 640, 640};
                for (int k = 0; k < durations.length; k++) {
                    boolean end = k >= 3;
                    all.add(event(model, at + k * 20_000L, payloadType, eventTs, event, end, durations[k], k == 0));
                }
            }
            all.addAll(audio.subList(next, audio.size()));
            all.sort((x, y) -> Long.compare(x.micros, y.micros));
            // One sequence space for audio and events, in sending order.
            int seq = ByteBuffer.wrap(all.get(0).frame, all.get(0).rtpOffset + 2, 2).getShort() & 0xffff;
            ByteBuffer o = ByteBuffer.allocate(b.limit() * 2 + 1024).order(ByteOrder.LITTLE_ENDIAN);
            o.put(globalHeader);
            for (Packet pk : all) {
                ByteBuffer.wrap(pk.frame, pk.rtpOffset + 2, 2).putShort((short) seq++);
                o.putInt((int) (pk.micros / 1_000_000L)).putInt((int) (pk.micros % 1_000_000L))
                        .putInt(pk.frame.length).putInt(pk.frame.length).put(pk.frame);
            }
            Files.write(out, java.util.Arrays.copyOf(o.array(), o.position()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A telephone-event packet in the model audio packet's frame (same addresses and SSRC). */
    private static Packet event(Packet model, long micros, int pt, long timestamp, int event, boolean end,
                                int duration, boolean marker) {
        int rtp = model.rtpOffset;
        byte[] f = new byte[rtp + 12 + 4];
        System.arraycopy(model.frame, 0, f, 0, rtp + 12);
        ByteBuffer bb = ByteBuffer.wrap(f);
        int ipStart = rtp - 8 - ihl(model);
        bb.putShort(ipStart + 2, (short) (f.length - ipStart)); // IP total length
        bb.putShort(ipStart + 10, (short) 0);
        bb.putShort(ipStart + 10, checksum(f, ipStart, ihl(model)));
        bb.putShort(rtp - 4, (short) (12 + 4 + 8)); // UDP length
        bb.putShort(rtp - 2, (short) 0); // no UDP checksum
        f[rtp + 1] = (byte) ((marker ? 0x80 : 0) | pt);
        bb.putInt(rtp + 4, (int) timestamp);
        f[rtp + 12] = (byte) event;
        f[rtp + 13] = (byte) ((end ? 0x80 : 0) | 10);
        bb.putShort(rtp + 14, (short) duration);
        return new Packet(micros, f, rtp);
    }

    private static int ihl(Packet p) {
        // The IP header starts right after the link header: find it back from the UDP header position.
        for (int link : new int[] {14, 16, 0}) {
            int len = (p.frame[link] & 0x0f) * 4;
            if ((p.frame[link] & 0xf0) == 0x40 && link + len + 8 == p.rtpOffset) {
                return len;
            }
        }
        throw new IllegalStateException("cannot find the IPv4 header");
    }

    private static short checksum(byte[] f, int start, int length) {
        int sum = 0;
        for (int i = 0; i < length; i += 2) {
            sum += ((f[start + i] & 0xff) << 8) | (f[start + i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (short) ~sum;
    }
}
