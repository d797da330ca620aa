package io.callrec.testing.media;

import io.callrec.media.codec.Codec;
import io.callrec.media.codec.TrackFormat;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an Ogg Opus file (ffmpeg {@code -c:a libopus -f ogg}): the OpusHead and the audio packets, each timed from
 * the granule positions of its page (RFC 7845: a page's granule is the 48 kHz sample count at the end of its last
 * completed packet).
 */
public final class OggOpus {
    private static final int OPUS_RATE = 48_000;

    private OggOpus() {
    }

    public static MediaTrack read(byte[] file) {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> packets = new ArrayList<>();
        List<Long> granuleAfter = new ArrayList<>(); // per packet: the page granule if the packet ends that page's list
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        int pos = 0;
        while (pos + 27 <= file.length) {
            if (in.getInt(pos) != 0x5367674F) { // "OggS"
                throw new IllegalArgumentException("no Ogg page at " + pos);
            }
            long granule = in.getLong(pos + 6);
            int segments = file[pos + 26] & 0xFF;
            int data = pos + 27 + segments;
            int firstOnPage = packets.size();
            for (int i = 0; i < segments; i++) {
                int lacing = file[pos + 27 + i] & 0xFF;
                partial.write(file, data, lacing);
                data += lacing;
                if (lacing < 255) {
                    packets.add(partial.toByteArray());
                    granuleAfter.add(null);
                    partial.reset();
                }
            }
            if (packets.size() > firstOnPage) {
                granuleAfter.set(packets.size() - 1, granule);
            }
            pos = data;
        }
        if (packets.size() < 3 || !new String(packets.get(0), 0, 8, StandardCharsets.US_ASCII)
                .equals("OpusHead")) {
            throw new IllegalArgumentException("not an Ogg Opus file: " + packets.size() + " packets");
        }
        byte[] head = packets.get(0);
        int channels = head[9] & 0xFF;
        // Start of each audio packet from the granules: walk back from each page's end by the packets' durations.
        List<byte[]> audio = packets.subList(2, packets.size());
        long[] start = new long[audio.size()];
        long end = 0;
        int pageFirst = 0;
        for (int i = 0; i < audio.size(); i++) {
            Long granule = granuleAfter.get(i + 2);
            if (granule != null) {
                long t = granule;
                for (int k = i; k >= pageFirst; k--) {
                    t -= samples(audio.get(k));
                    start[k] = t;
                }
                end = Math.max(end, granule);
                pageFirst = i + 1;
            }
        }
        long origin = start.length > 0 ? start[0] : 0;
        List<MediaFrame> frames = new ArrayList<>();
        for (int i = 0; i < audio.size(); i++) {
            frames.add(new MediaFrame((start[i] - origin) * 1_000_000L / OPUS_RATE, true, audio.get(i)));
        }
        TrackFormat format = TrackFormat.audio(Codec.OPUS, OPUS_RATE, OPUS_RATE, channels, head);
        return new MediaTrack(format, frames, (end - origin) * 1_000_000L / OPUS_RATE);
    }

    /** Duration of an Opus packet in 48 kHz samples, from its TOC byte (RFC 6716 section 3.1). */
    static int samples(byte[] packet) {
        int toc = packet[0] & 0xFF;
        int config = toc >> 3;
        int frameSamples;
        if (config < 12) {
            frameSamples = new int[] {480, 960, 1920, 2880}[config & 3];
        } else if (config < 16) {
            frameSamples = (config & 1) == 0 ? 480 : 960;
        } else {
            frameSamples = 120 << (config & 3);
        }
        int code = toc & 3;
        int count = code == 0 ? 1 : code < 3 ? 2 : packet[1] & 0x3F;
        return frameSamples * count;
    }
}
