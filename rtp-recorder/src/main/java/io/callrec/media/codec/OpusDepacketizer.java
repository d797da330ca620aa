package io.callrec.media.codec;

/**
 * Opus over RTP (RFC 7587): one payload is one Opus packet is one frame, stored as it came ({@code A_OPUS}). The
 * track is 48 kHz (Opus' RTP clock whatever the encoder's rate); its CodecPrivate is the OpusHead of RFC 7845 §5.1.
 */
public final class OpusDepacketizer extends AudioDepacketizer {
    public static final int CLOCK_RATE = 48000;
    private static final int OPUS_HEAD_BYTES = 19;

    /** @param channels 1 or 2, see {@link Depacketizers} for how the SDP decides */
    public OpusDepacketizer(int channels) {
        super(TrackFormat.audio(Codec.OPUS, CLOCK_RATE, CLOCK_RATE, checkChannels(channels), opusHead(channels)));
    }

    private static int checkChannels(int channels) {
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("Opus over RTP has 1 or 2 channels, not " + channels);
        }
        return channels;
    }

    /**
     * OpusHead: magic, version 1, channels, pre-skip 0 (RTP carries no encoder delay to skip), input sample rate
     * 48000 (informational), gain 0, channel mapping family 0 (mono/stereo, no mapping table). Little-endian.
     */
    static byte[] opusHead(int channels) {
        byte[] head = new byte[OPUS_HEAD_BYTES];
        byte[] magic = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd'};
        System.arraycopy(magic, 0, head, 0, magic.length);
        head[8] = 1;
        head[9] = (byte) channels;
        // head[10..11] pre-skip = 0
        head[12] = (byte) CLOCK_RATE;
        head[13] = (byte) (CLOCK_RATE >>> 8);
        head[14] = (byte) (CLOCK_RATE >>> 16);
        head[15] = (byte) (CLOCK_RATE >>> 24);
        // head[16..17] output gain = 0, head[18] mapping family = 0
        return head;
    }
}
