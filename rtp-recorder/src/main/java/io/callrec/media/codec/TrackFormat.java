package io.callrec.media.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a container needs to declare a track: codec, rates and the codec's private data.
 *
 * @param codec        the stored codec (every RTP codec is stored as it came)
 * @param clockRate    the RTP clock rate of the source stream (G.722: 8000 although it samples at 16000)
 * @param sampleRate   audio sampling rate in Hz; 0 for video
 * @param channels     audio channels; 0 for video
 * @param width        video width in pixels; 0 for audio or when unknown
 * @param height       video height in pixels; 0 for audio or when unknown
 * @param codecPrivate codec initialisation data (H.264: avcC; Opus: OpusHead); empty if none
 */
public record TrackFormat(Codec codec, int clockRate, int sampleRate, int channels, int width, int height,
                          byte[] codecPrivate) {
    public TrackFormat {
        Objects.requireNonNull(codec, "codec");
        codecPrivate = codecPrivate == null ? new byte[0] : codecPrivate.clone();
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate " + clockRate + " must be positive");
        }
    }

    public static TrackFormat audio(Codec codec, int clockRate, int sampleRate, int channels, byte[] codecPrivate) {
        return new TrackFormat(codec, clockRate, sampleRate, channels, 0, 0, codecPrivate);
    }

    public static TrackFormat video(Codec codec, int width, int height, byte[] codecPrivate) {
        return new TrackFormat(codec, 90000, 0, 0, width, height, codecPrivate);
    }

    @Override
    public byte[] codecPrivate() {
        return codecPrivate.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackFormat t && codec == t.codec && clockRate == t.clockRate
                && sampleRate == t.sampleRate && channels == t.channels && width == t.width && height == t.height
                && Arrays.equals(codecPrivate, t.codecPrivate);
    }

    @Override
    public int hashCode() {
        return Objects.hash(codec, clockRate, sampleRate, channels, width, height, Arrays.hashCode(codecPrivate));
    }

    @Override
    public String toString() {
        return codec + "/" + clockRate + (sampleRate > 0 ? " " + sampleRate + "Hz " + channels + "ch" : "")
                + (width > 0 ? " " + width + "x" + height : "") + " private=" + codecPrivate.length + "B";
    }
}
