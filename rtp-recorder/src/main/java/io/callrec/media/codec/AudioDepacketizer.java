package io.callrec.media.codec;

/**
 * The audio codecs callrec records put one whole frame (or a run of samples) in each RTP payload and need no
 * reassembly: every payload becomes one frame at its own timestamp, a keyframe, whatever was lost before it (audio
 * decoders conceal a gap themselves). Subclasses say only how a payload becomes frame bytes.
 */
public abstract class AudioDepacketizer extends PayloadParser {
    /** An RTP payload is at most one UDP datagram, and every audio codec here stores it unchanged. */
    private static final int MAX_FRAME_BYTES = 65536;
    private static final int INITIAL_FRAME_BYTES = 2048;

    private final TrackFormat format;

    AudioDepacketizer(TrackFormat format) {
        super(INITIAL_FRAME_BYTES, MAX_FRAME_BYTES);
        this.format = format;
    }

    @Override
    public final TrackFormat format() {
        return format;
    }

    @Override
    final void parse(PayloadCursor payload, long timestamp, boolean marker, boolean lossBefore, FrameSink sink)
            throws MalformedPayloadException {
        frame.clear();
        decode(payload);
        emit(sink, timestamp, true);
    }

    /** Appends the payload as the container stores it to {@link #frame}; by default unchanged. */
    void decode(PayloadCursor payload) throws MalformedPayloadException {
        payload.copyRestTo(frame);
    }

    @Override
    final void abandonPayload() {
        frame.clear();
    }

    @Override
    final void finish(FrameSink sink) {
        // Every payload was a frame of its own: nothing is ever left half-assembled.
    }
}
