package io.callrec.media.codec;

/**
 * G.722 over RTP (RFC 3551 §4.5.2): stored as it came, each payload a frame. Its RTP clock runs at 8000 Hz although
 * it samples at 16000 Hz (an error in RFC 1890 kept for compatibility): timestamps count 8 kHz ticks, the track
 * declares 16 kHz.
 */
public final class G722Depacketizer extends AudioDepacketizer {
    public static final int CLOCK_RATE = 8000;
    public static final int SAMPLE_RATE = 16000;

    public G722Depacketizer() {
        super(TrackFormat.audio(Codec.G722, CLOCK_RATE, SAMPLE_RATE, 1, null));
    }
}
