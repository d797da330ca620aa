package io.callrec.record.mkv;

import io.callrec.media.codec.Codec;
import io.callrec.media.codec.TrackFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * How one {@link TrackFormat} is declared in a Matroska TrackEntry: codec id, codec private data and the audio or
 * video fields. Mapping only; the entry itself is written by {@link TrackEntry}.
 *
 * @param trackType        {@link MatroskaIds#TRACK_TYPE_VIDEO} or {@link MatroskaIds#TRACK_TYPE_AUDIO}
 * @param codecId          Matroska CodecID
 * @param codecPrivate     CodecPrivate, empty if the codec has none
 * @param width            PixelWidth, 0 when unknown (then no Video element is written: the decoder finds it)
 * @param height           PixelHeight, 0 when unknown
 * @param samplingFrequency audio SamplingFrequency in Hz, 0 for video
 * @param channels         audio Channels, 0 for video
 * @param bitDepth         audio BitDepth, 0 to leave it out
 * @param codecDelayNanos  CodecDelay, 0 to leave it out
 * @param seekPreRollNanos SeekPreRoll, 0 to leave it out
 */
record TrackCodec(int trackType, String codecId, byte[] codecPrivate, int width, int height, double samplingFrequency,
                  int channels, int bitDepth, long codecDelayNanos, long seekPreRollNanos) {

    /** Opus needs 80 ms of decoded audio before a seek target to converge (RFC 7845 section 4.6). */
    static final long OPUS_SEEK_PRE_ROLL_NANOS = 80_000_000L;
    static final int OPUS_HEAD_LENGTH = 19;
    private static final int OPUS_RATE = 48_000;
    private static final int G722_RATE = 16_000;
    /** WAVEFORMATEX format tags, as ffmpeg writes them into A_MS/ACM CodecPrivate. */
    static final int WAVE_FORMAT_ALAW = 0x0006;
    static final int WAVE_FORMAT_MULAW = 0x0007;
    static final int WAVE_FORMAT_G722 = 0x028F;
    static final int WAVEFORMATEX_LENGTH = 18;

    TrackCodec {
        Objects.requireNonNull(codecId, "codecId");
        codecPrivate = codecPrivate.clone();
    }

    @Override
    public byte[] codecPrivate() {
        return codecPrivate.clone();
    }

    /** The Matroska declaration of {@code format}. */
    static TrackCodec of(TrackFormat format) {
        Objects.requireNonNull(format, "format");
        Codec codec = format.codec();
        int channels = Math.max(1, format.channels());
        return switch (codec) {
            case H264 -> video("V_MPEG4/ISO/AVC", format);
            case VP8 -> video("V_VP8", format);
            case OPUS -> opus(format, channels);
            case PCM_S16LE -> audio("A_PCM/INT/LIT", new byte[0], rateOr(format, format.clockRate()), channels, 16);
            case G722 -> acm(WAVE_FORMAT_G722, rateOr(format, G722_RATE), channels, 4,
                    // 64 kbit/s whatever the sampling rate: 8000 bytes a second per channel.
                    8000 * channels);
            case PCMU -> acm(WAVE_FORMAT_MULAW, rateOr(format, format.clockRate()), channels, 8,
                    rateOr(format, format.clockRate()) * channels);
            case PCMA -> acm(WAVE_FORMAT_ALAW, rateOr(format, format.clockRate()), channels, 8,
                    rateOr(format, format.clockRate()) * channels);
        };
    }

    private static TrackCodec video(String codecId, TrackFormat format) {
        boolean sizeKnown = format.width() > 0 && format.height() > 0;
        return new TrackCodec(MatroskaIds.TRACK_TYPE_VIDEO, codecId, format.codecPrivate(),
                sizeKnown ? format.width() : 0, sizeKnown ? format.height() : 0, 0, 0, 0, 0, 0);
    }

    private static TrackCodec audio(String codecId, byte[] codecPrivate, int rate, int channels, int bitDepth) {
        return new TrackCodec(MatroskaIds.TRACK_TYPE_AUDIO, codecId, codecPrivate, 0, 0, rate, channels, bitDepth,
                0, 0);
    }

    private static TrackCodec opus(TrackFormat format, int channels) {
        byte[] head = format.codecPrivate();
        if (head.length == 0) {
            head = opusHead(channels, rateOr(format, OPUS_RATE));
        }
        // CodecDelay must equal the OpusHead pre-skip (Matroska codec mapping); ours is 0, a given head may differ.
        long codecDelay = preSkip(head) * 1_000_000_000L / OPUS_RATE;
        // Matroska declares Opus at 48 kHz whatever the input rate in the head: that is the decoder's output rate.
        return new TrackCodec(MatroskaIds.TRACK_TYPE_AUDIO, "A_OPUS", head, 0, 0, OPUS_RATE, channels, 0,
                codecDelay, OPUS_SEEK_PRE_ROLL_NANOS);
    }

    /** An ACM track (ffmpeg's mapping for G.722 and G.711): CodecPrivate is a WAVEFORMATEX without extra bytes. */
    private static TrackCodec acm(int formatTag, int rate, int channels, int bitsPerSample, int bytesPerSecond) {
        ByteBuffer wave = ByteBuffer.allocate(WAVEFORMATEX_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        wave.putShort((short) formatTag).putShort((short) channels).putInt(rate).putInt(bytesPerSecond)
                .putShort((short) channels) // nBlockAlign: one byte per channel is the smallest whole unit
                .putShort((short) bitsPerSample).putShort((short) 0);
        return audio("A_MS/ACM", wave.array(), rate, channels, bitsPerSample);
    }

    /** A minimal OpusHead (RFC 7845 section 5.1): version 1, no pre-skip, no gain, mapping family 0. */
    static byte[] opusHead(int channels, int inputRate) {
        ByteBuffer head = ByteBuffer.allocate(OPUS_HEAD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        head.put("OpusHead".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) channels)
                .putShort((short) 0).putInt(inputRate).putShort((short) 0).put((byte) 0);
        return head.array();
    }

    /** The pre-skip of an OpusHead in 48 kHz samples, 0 if {@code head} is too short to hold one. */
    static int preSkip(byte[] head) {
        return head.length < 12 ? 0 : (head[10] & 0xFF) | (head[11] & 0xFF) << 8;
    }

    private static int rateOr(TrackFormat format, int fallback) {
        return format.sampleRate() > 0 ? format.sampleRate() : fallback;
    }

    boolean isVideo() {
        return trackType == MatroskaIds.TRACK_TYPE_VIDEO;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackCodec t && trackType == t.trackType && codecId.equals(t.codecId)
                && Arrays.equals(codecPrivate, t.codecPrivate) && width == t.width && height == t.height
                && Double.compare(samplingFrequency, t.samplingFrequency) == 0 && channels == t.channels
                && bitDepth == t.bitDepth && codecDelayNanos == t.codecDelayNanos
                && seekPreRollNanos == t.seekPreRollNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(trackType, codecId, Arrays.hashCode(codecPrivate), width, height, samplingFrequency,
                channels, bitDepth, codecDelayNanos, seekPreRollNanos);
    }

    @Override
    public String toString() {
        return codecId + " private=" + codecPrivate.length + "B"
                + (isVideo() ? " " + width + "x" + height : " " + samplingFrequency + "Hz " + channels + "ch");
    }
}
