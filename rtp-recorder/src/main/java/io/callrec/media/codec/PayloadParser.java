package io.callrec.media.codec;

import java.nio.ByteBuffer;

/**
 * The shared half of every {@link Depacketizer}: the template method {@link #push} owns bounds checks (through
 * {@link PayloadCursor}), the counting of malformed and skipped input, the frame buffer and handing frames to the
 * sink; codec classes only parse.
 *
 * <p>No exception escapes {@code push} or {@code flush} because of the input: a {@link MalformedPayloadException}
 * is counted as {@link Discard#MALFORMED_PAYLOAD}, any other exception from a parser as
 * {@link Discard#PARSER_FAILURE} (a bug, but one bad packet must not end a recording), and the codec is told to
 * forget what the payload added. An exception thrown by the {@link FrameSink} is not the input's fault: it propagates
 * unchanged.
 *
 * <p>Frames are assembled in one reused {@link FrameBuffer} per depacketizer, capped at {@link #maxFrameBytes()};
 * a frame passing the cap is dropped ({@link Discard#OVERSIZE_FRAME}). Not thread-safe: one instance per track,
 * used by one thread.
 */
public abstract class PayloadParser implements Depacketizer {
    /** Default frame size cap: far above any real RTP video frame, low enough to bound a hostile stream. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 4 << 20;

    final FrameBuffer frame;
    private final PayloadCursor cursor = new PayloadCursor();
    private final long[] discards = new long[Discard.values().length];
    private long frames;
    private boolean lossPending;
    private String lastProblem = "";

    PayloadParser(int initialFrameBytes, int maxFrameBytes) {
        this.frame = new FrameBuffer(initialFrameBytes, maxFrameBytes);
    }

    @Override
    public final void push(ByteBuffer payload, long timestamp, boolean marker, boolean lossBefore, FrameSink sink) {
        // An empty payload carries nothing, but a loss reported with it still applies to the next real payload.
        boolean loss = lossBefore || lossPending;
        if (!payload.hasRemaining()) {
            count(Discard.EMPTY_PAYLOAD);
            lossPending = loss;
            return;
        }
        lossPending = false;
        cursor.reset(payload);
        try {
            parse(cursor, timestamp, marker, loss, sink);
        } catch (SinkFailure failure) {
            throw failure.original();
        } catch (MalformedPayloadException e) {
            count(Discard.MALFORMED_PAYLOAD);
            lastProblem = e.getMessage();
            abandon();
        } catch (RuntimeException e) {
            count(Discard.PARSER_FAILURE);
            lastProblem = e.toString();
            abandon();
        }
    }

    private void abandon() {
        try {
            abandonPayload();
        } catch (RuntimeException e) {
            // The codec's state is not to be trusted any more: lose the frame rather than the recording.
            count(Discard.PARSER_FAILURE);
            frame.clear();
        }
    }

    @Override
    public final void flush(FrameSink sink) {
        try {
            finish(sink);
        } catch (SinkFailure failure) {
            throw failure.original();
        }
    }

    /** Parses one non-empty payload; reads only through {@code payload}. */
    abstract void parse(PayloadCursor payload, long timestamp, boolean marker, boolean lossBefore, FrameSink sink)
            throws MalformedPayloadException;

    /** The payload just parsed was malformed: forget whatever it added to the frame being assembled. */
    abstract void abandonPayload();

    /** End of stream: emit or drop the frame being assembled. */
    abstract void finish(FrameSink sink);

    /**
     * Hands {@link #frame} to the sink and clears it, unless it overflowed (then it is counted and cleared).
     *
     * @return true if the sink got the frame
     */
    final boolean emit(FrameSink sink, long timestamp, boolean keyframe) {
        if (frame.overflowed()) {
            count(Discard.OVERSIZE_FRAME);
            lastProblem = "frame at timestamp " + timestamp + " exceeds " + frame.maxBytes() + " bytes";
            frame.clear();
            return false;
        }
        try {
            sink.frame(timestamp, keyframe, frame.view());
        } catch (RuntimeException e) {
            throw new SinkFailure(e);
        } finally {
            frame.clear();
        }
        frames++;
        return true;
    }

    /** Drops the frame being assembled, counted under {@code reason}. */
    final void dropFrame(Discard reason) {
        frame.clear();
        count(reason);
    }

    final void count(Discard reason) {
        discards[reason.ordinal()]++;
    }

    /** What was skipped or dropped for {@code reason}, in the unit the reason names. */
    public final long discarded(Discard reason) {
        return discards[reason.ordinal()];
    }

    @Override
    public final long malformed() {
        return discarded(Discard.MALFORMED_PAYLOAD) + discarded(Discard.PARSER_FAILURE);
    }

    /** Frames handed to a sink. */
    public final long frames() {
        return frames;
    }

    public final int maxFrameBytes() {
        return frame.maxBytes();
    }

    /** The message of the last malformed payload or dropped oversize frame, for diagnostics; empty if none. */
    public final String lastProblem() {
        return lastProblem;
    }

    /** Carries a sink's exception through the parser's catch-all, to be rethrown as it was. */
    private static final class SinkFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SinkFailure(RuntimeException original) {
            super(original.getMessage(), original, false, false);
        }

        RuntimeException original() {
            return (RuntimeException) getCause();
        }
    }
}
