package io.callrec.media.codec;

/**
 * G.711 A-law (PCMA) and µ-law (PCMU) over RTP (RFC 3551 §4.5.14), decoded to signed 16-bit little-endian PCM
 * ({@link Codec#PCM_S16LE}): Matroska has a plain PCM codec every player reads, while G.711 in Matroska needs the
 * ACM compatibility mode. Each payload becomes one frame of {@code 2 × payload length} bytes.
 *
 * <p>The decoding tables are computed at class load from the definitions in ITU-T G.711 (segment number and
 * quantisation step in each code word, reconstruction at the middle of the interval, A-law's even bits inverted),
 * scaled to 16 bits: A-law's 13-bit and µ-law's 14-bit ranges shifted left by 3 and 2.
 */
public final class G711Depacketizer extends AudioDepacketizer {
    public static final int CLOCK_RATE = 8000;

    private static final short[] ALAW = new short[256];
    private static final short[] ULAW = new short[256];

    static {
        for (int code = 0; code < 256; code++) {
            ALAW[code] = (short) alawToLinear(code);
            ULAW[code] = (short) ulawToLinear(code);
        }
    }

    private final short[] table;
    /** The payload's code words, copied out of the packet buffer; grows to the largest payload seen. */
    private byte[] codes = new byte[512];

    /** @param codec {@link Codec#PCMA} or {@link Codec#PCMU} */
    public G711Depacketizer(Codec codec, int channels) {
        super(TrackFormat.audio(Codec.PCM_S16LE, CLOCK_RATE, CLOCK_RATE, channels, null));
        if (codec != Codec.PCMA && codec != Codec.PCMU) {
            throw new IllegalArgumentException(codec + " is not G.711");
        }
        if (channels < 1) {
            throw new IllegalArgumentException("channels " + channels + " must be at least 1");
        }
        this.table = codec == Codec.PCMA ? ALAW : ULAW;
    }

    /**
     * The code words are copied out in one bulk read, then decoded with plain array accesses: reading them one by one
     * through the ByteBuffer (bounds and scope checks per byte) cost more than the decoding.
     */
    @Override
    void decode(PayloadCursor payload) {
        int length = payload.remaining();
        int start = payload.takeRest();
        int at = frame.claim(2 * length);
        if (at < 0) {
            return;
        }
        if (codes.length < length) {
            codes = new byte[length];
        }
        payload.buffer().get(start, codes, 0, length);
        byte[] out = frame.array();
        short[] decoded = table;
        for (int i = 0; i < length; i++) {
            short sample = decoded[codes[i] & 0xff];
            out[at++] = (byte) sample;
            out[at++] = (byte) (sample >>> 8);
        }
    }

    /**
     * A-law: the code word with its even bits inverted is sign (1 = positive), 3-bit segment, 4-bit step. Segment 0
     * is linear with intervals of 2 (in 13-bit units), segment s ≥ 1 starts at 2^(s+4) with intervals of 2^s; the
     * value is the middle of the interval.
     */
    static int alawToLinear(int code) {
        int a = code ^ 0x55;
        int segment = (a >>> 4) & 0x07;
        int step = a & 0x0f;
        int magnitude13 = segment == 0
                ? 2 * step + 1
                : ((2 * step + 33) << (segment - 1));
        int value = magnitude13 << 3;
        return (a & 0x80) != 0 ? value : -value;
    }

    /**
     * µ-law: the inverted code word is sign (1 = negative), 3-bit segment, 4-bit step. In 14-bit units with the
     * bias of 33, segment s spans steps of 2^(s+1) starting at 33·2^s; the value is the middle of the interval minus
     * the bias.
     */
    static int ulawToLinear(int code) {
        int u = ~code & 0xff;
        int segment = (u >>> 4) & 0x07;
        int step = u & 0x0f;
        int magnitude14 = ((2 * step + 33) << segment) - 33;
        int value = magnitude14 << 2;
        return (u & 0x80) != 0 ? -value : value;
    }
}
