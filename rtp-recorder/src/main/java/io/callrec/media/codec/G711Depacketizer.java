package io.callrec.media.codec;

/**
 * G.711 A-law (PCMA) and µ-law (PCMU) over RTP (RFC 3551 §4.5.14), stored as it came: each payload is one frame of
 * the same bytes, one code word per sample and channel, copied in one bulk read. The track is declared as
 * {@link Codec#PCMA} or {@link Codec#PCMU} (Matroska {@code A_MS/ACM}, ffmpeg {@code pcm_alaw} / {@code pcm_mulaw}):
 * the recording keeps the call's audio without transcoding, at half the bytes of 16-bit PCM and with no decode per
 * sample on the packet path.
 */
public final class G711Depacketizer extends AudioDepacketizer {
    public static final int CLOCK_RATE = 8000;

    /** @param codec {@link Codec#PCMA} or {@link Codec#PCMU} */
    public G711Depacketizer(Codec codec, int channels) {
        super(TrackFormat.audio(requireG711(codec), CLOCK_RATE, CLOCK_RATE, channels, null));
        if (channels < 1) {
            throw new IllegalArgumentException("channels " + channels + " must be at least 1");
        }
    }

    private static Codec requireG711(Codec codec) {
        if (codec != Codec.PCMA && codec != Codec.PCMU) {
            throw new IllegalArgumentException(codec + " is not G.711");
        }
        return codec;
    }
}
