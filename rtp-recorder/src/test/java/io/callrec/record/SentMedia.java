package io.callrec.record;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.media.codec.Codec;
import io.callrec.media.rtp.RtpHeader;
import io.callrec.testing.media.PlayReport.SentPacket;
import io.callrec.testing.media.PlayReport.StreamReport;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What a recording of {@link io.callrec.testing.media.RtpPlayer} streams should hold, worked out from what the
 * player sent ({@link StreamReport}) and planned: where each track belongs on the timeline, how much loss a receiver
 * can see, which video frames a recorder can keep. The integration tests compare the files and the manifest with it.
 */
final class SentMedia {
    private static final int H264_IDR = 5;
    private static final int H264_STAP_A = 24;
    private static final int H264_FU_A = 28;

    private SentMedia() {
    }

    /** A stretch of a recording's timeline, in seconds from the recording's start. */
    record Span(double from, double to) {
        double length() {
            return to - from;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.3f..%.3f s", from, to);
        }
    }

    /** The recording's time 0 (the manifest's {@code startedAt}), in Unix microseconds. */
    static long startedAtMicros(JsonNode manifest) {
        Instant started = Instant.parse(manifest.get("startedAt").asText());
        return started.getEpochSecond() * 1_000_000L + started.getNano() / 1000;
    }

    /** Where the first and last of the sent packets that match {@code which} belong on the recording's timeline. */
    static Span span(StreamReport stream, long startedAtMicros, Predicate<SentPacket> which) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (SentPacket p : stream.sent()) {
            if (which.test(p)) {
                first = Math.min(first, p.mediaNanos());
                last = Math.max(last, p.mediaNanos());
            }
        }
        if (first == Long.MAX_VALUE) {
            throw new AssertionError("no packet of " + stream.name() + " matches");
        }
        return timeline(stream, startedAtMicros, first, last);
    }

    /** {@link #span} of every packet sent. */
    static Span span(StreamReport stream, long startedAtMicros) {
        return span(stream, startedAtMicros, p -> true);
    }

    /**
     * Sequence numbers a receiver can know were lost: per SSRC, the packets not sent between the first and the last
     * one sent (a loss before the first or after the last packet of an SSRC leaves no gap to see).
     */
    static long detectableLoss(StreamReport stream) {
        Map<Integer, int[]> bySsrc = new HashMap<>(); // min index, max index, distinct packets
        for (SentPacket p : stream.sent()) {
            if (p.duplicate()) {
                continue;
            }
            int[] r = bySsrc.computeIfAbsent(p.ssrc(), k -> new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, 0});
            r[0] = Math.min(r[0], p.index());
            r[1] = Math.max(r[1], p.index());
            r[2]++;
        }
        long lost = 0;
        for (int[] r : bySsrc.values()) {
            lost += r[1] - r[0] + 1 - r[2];
        }
        return lost;
    }

    /**
     * Where a recorded video track should begin and end: at the first keyframe that arrived whole (a track starts with
     * a picture), until the last frame kept. The depacketizers' loss rules decide what is kept: H.264 keeps a damaged
     * access unit once it has a keyframe (a decoder conceals its missing slices); VP8 drops everything after a loss
     * until the next whole keyframe.
     *
     * @param planned the stream's packets as planned ({@code StreamPlan.packets()}), in order
     */
    static Span videoSpan(StreamReport stream, List<byte[]> planned, Codec codec, long startedAtMicros) {
        boolean[] sent = new boolean[planned.size()];
        for (SentPacket p : stream.sent()) {
            sent[p.index()] = true;
        }
        long firstTs = RtpHeader.timestamp(ByteBuffer.wrap(planned.get(0)));
        long firstKept = -1;
        long lastKept = -1;
        boolean needKeyframe = true;
        int from = 0;
        while (from < planned.size()) {
            long ts = RtpHeader.timestamp(ByteBuffer.wrap(planned.get(from)));
            int to = from;
            boolean whole = true;
            boolean any = false;
            boolean key = false;
            while (to < planned.size() && RtpHeader.timestamp(ByteBuffer.wrap(planned.get(to))) == ts) {
                whole &= sent[to];
                any |= sent[to];
                key |= carriesKeyframe(planned.get(to), codec);
                to++;
            }
            boolean lossBefore = from > 0 && !sent[from - 1];
            boolean kept;
            if (whole && key) {
                kept = true;
                needKeyframe = false;
            } else if (codec == Codec.VP8) {
                needKeyframe |= !whole || lossBefore;
                kept = !needKeyframe;
            } else {
                kept = any && !needKeyframe;
            }
            if (kept) {
                long media = Math.round(((ts - firstTs) & 0xffffffffL) * 1e9 / stream.clockRate());
                firstKept = firstKept < 0 ? media : firstKept;
                lastKept = media;
            }
            from = to;
        }
        if (firstKept < 0) {
            throw new AssertionError("no keyframe of " + stream.name() + " arrived whole");
        }
        return timeline(stream, startedAtMicros, firstKept, lastKept);
    }

    /** Does this RTP packet carry (part of) a keyframe: an H.264 IDR slice, or the start of a VP8 key frame? */
    static boolean carriesKeyframe(byte[] datagram, Codec codec) {
        ByteBuffer packet = ByteBuffer.wrap(datagram);
        int at = RtpHeader.payloadOffset(packet);
        int end = at + RtpHeader.payloadLength(packet);
        if (codec == Codec.H264) {
            return (h264NalTypes(datagram) & 1 << H264_IDR) != 0;
        }
        if (codec == Codec.VP8) {
            // RFC 7741 §4.2: X|R|N|S|R|PID, then I|L|T|K, PictureID (7 or 15 bits), TL0PICIDX, TID/KEYIDX.
            int descriptor = datagram[at];
            int i = at + 1;
            if ((descriptor & 0x80) != 0) {
                int ext = datagram[i++];
                if ((ext & 0x80) != 0) {
                    i += (datagram[i] & 0x80) != 0 ? 2 : 1;
                }
                i += (ext & 0x40) != 0 ? 1 : 0;
                i += (ext & 0x30) != 0 ? 1 : 0;
            }
            boolean startOfPartitionZero = (descriptor & 0x10) != 0 && (descriptor & 0x07) == 0;
            return startOfPartitionZero && i < end && (datagram[i] & 0x01) == 0;
        }
        throw new IllegalArgumentException(codec + " is not a video codec");
    }

    /**
     * The NAL unit types an H.264 RTP packet (RFC 6184, mode 0 or 1) carries, as a bit mask ({@code 1 << type}): its
     * single NAL unit, every unit of a STAP-A, or the unit a FU-A fragment belongs to.
     */
    static int h264NalTypes(byte[] datagram) {
        ByteBuffer packet = ByteBuffer.wrap(datagram);
        int at = RtpHeader.payloadOffset(packet);
        int end = at + RtpHeader.payloadLength(packet);
        int type = datagram[at] & 0x1f;
        if (type == H264_FU_A) {
            return 1 << (datagram[at + 1] & 0x1f);
        }
        if (type != H264_STAP_A) {
            return 1 << type;
        }
        int types = 0;
        for (int i = at + 1; i + 2 < end; i += 2 + (packet.getShort(i) & 0xffff)) {
            types |= 1 << (datagram[i + 2] & 0x1f);
        }
        return types;
    }

    private static Span timeline(StreamReport stream, long startedAtMicros, long firstMediaNanos,
                                 long lastMediaNanos) {
        double zero = (stream.mediaZeroWallMicros() - startedAtMicros) / 1e6;
        return new Span(zero + firstMediaNanos / 1e9, zero + lastMediaNanos / 1e9);
    }
}
