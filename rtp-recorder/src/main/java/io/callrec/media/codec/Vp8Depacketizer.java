package io.callrec.media.codec;

/**
 * VP8 over RTP (RFC 7741). A frame is the VP8 data of the packets from the one that starts it (S=1, partition
 * index 0) to the one with the marker bit, the payload descriptors (X, N, S, PID and the I/L/T/K extensions, 7- or
 * 15-bit PictureID) stripped: what Matroska's {@code V_VP8} stores. A keyframe has the P bit of its first byte
 * clear; its header gives the picture size (RFC 6386 §9.1: start code 9d 01 2a, 14-bit width and height), which
 * makes the {@link #format()}.
 *
 * <p>Loss. Nothing is emitted before the first keyframe, and after any loss (in a frame, or of whole frames)
 * frames are dropped until the next keyframe ({@link Discard#DAMAGED_FRAME} for the one that lost data,
 * {@link Discard#WAITING_FOR_KEYFRAME} for the intact ones after it). VP8 has no slices to conceal a gap with: a
 * decoder fed a frame with missing partitions, or a frame whose reference is gone, shows smeared garbage that
 * spreads until the next keyframe, or refuses the stream. A short freeze in the recording is the lesser harm, and
 * it is short in practice: the receiving party asks for a keyframe (PLI/FIR) over the relay when it sees the loss.
 *
 * <p>A frame still open when the timestamp changes without a loss is taken as complete (its marker was never
 * set); with a loss it is dropped.
 */
public final class Vp8Depacketizer extends PayloadParser {
    /**
     * The frame buffer grows by doubling to the largest frame and stays: starting at 64 KiB kept 64 KiB per video
     * track when a small picture's keyframes (320x240: 5-20 KB) need a quarter of it.
     */
    private static final int INITIAL_FRAME_BYTES = 16 * 1024;
    /** Frame tag (3) + start code (3) + width (2) + height (2). */
    private static final int KEYFRAME_HEADER_BYTES = 10;

    private boolean frameOpen;
    private long frameTimestamp;
    private boolean needKeyframe = true;
    /** Continuation packets of a frame whose start is missing are being skipped (the frame counted once). */
    private boolean skippingFrame;
    private TrackFormat format;

    public Vp8Depacketizer() {
        this(DEFAULT_MAX_FRAME_BYTES);
    }

    public Vp8Depacketizer(int maxFrameBytes) {
        super(Math.min(INITIAL_FRAME_BYTES, maxFrameBytes), maxFrameBytes);
    }

    @Override
    public TrackFormat format() {
        return format;
    }

    @Override
    void parse(PayloadCursor p, long timestamp, boolean marker, boolean lossBefore, FrameSink sink)
            throws MalformedPayloadException {
        boolean startsFrame = skipDescriptor(p);
        if (frameOpen && (timestamp != frameTimestamp || startsFrame)) {
            if (lossBefore) {
                dropOpenFrame(Discard.DAMAGED_FRAME);
            } else {
                closeFrame(sink);
            }
        }
        if (lossBefore) {
            if (frameOpen) {
                dropOpenFrame(Discard.DAMAGED_FRAME);
            }
            needKeyframe = true; // whole frames may have been lost, and the next ones refer to them
        }
        if (startsFrame) {
            frameOpen = true;
            skippingFrame = false;
            frameTimestamp = timestamp;
            frame.clear();
        } else if (!frameOpen) {
            if (!skippingFrame) {
                count(Discard.DAMAGED_FRAME); // a frame whose start was lost
                skippingFrame = true;
            }
            needKeyframe = true;
            p.skipRest();
            return;
        }
        p.copyRestTo(frame);
        if (marker) {
            closeFrame(sink);
        }
    }

    /**
     * Reads the payload descriptor (RFC 7741 §4.2), leaving {@code p} at the VP8 data.
     *
     * @return true if this packet starts a frame (S=1 and PID=0)
     */
    private static boolean skipDescriptor(PayloadCursor p) throws MalformedPayloadException {
        int descriptor = p.u8("VP8 payload descriptor");
        if ((descriptor & 0x80) != 0) {
            int extensions = p.u8("VP8 descriptor extension byte");
            if ((extensions & 0x80) != 0) {
                int pictureId = p.u8("VP8 PictureID");
                if ((pictureId & 0x80) != 0) {
                    p.skip(1, "VP8 15-bit PictureID");
                }
            }
            if ((extensions & 0x40) != 0) {
                p.skip(1, "VP8 TL0PICIDX");
            }
            if ((extensions & 0x30) != 0) {
                p.skip(1, "VP8 TID/KEYIDX");
            }
        }
        if (!p.hasRemaining()) {
            throw new MalformedPayloadException("VP8 payload descriptor without VP8 data");
        }
        return (descriptor & 0x10) != 0 && (descriptor & 0x07) == 0;
    }

    private void dropOpenFrame(Discard reason) {
        frameOpen = false;
        skippingFrame = true; // the rest of its packets are part of what was counted
        dropFrame(reason);
        needKeyframe = true;
    }

    private void closeFrame(FrameSink sink) {
        frameOpen = false;
        boolean keyframe = (frame.byteAt(0) & 0x01) == 0;
        if (frame.overflowed()) {
            emit(sink, frameTimestamp, keyframe); // counts and drops it
            needKeyframe = true;
            return;
        }
        if (keyframe) {
            if (!readKeyframeSize()) {
                dropOpenFrame(Discard.DAMAGED_FRAME);
                return;
            }
            needKeyframe = false;
        } else if (needKeyframe) {
            dropFrame(Discard.WAITING_FOR_KEYFRAME);
            return;
        }
        emit(sink, frameTimestamp, keyframe);
    }

    /** Reads the size from the keyframe header in the frame buffer; false if the header is broken. */
    private boolean readKeyframeSize() {
        if (frame.size() < KEYFRAME_HEADER_BYTES || frame.byteAt(3) != 0x9d || frame.byteAt(4) != 0x01
                || frame.byteAt(5) != 0x2a) {
            return false;
        }
        int width = (frame.byteAt(6) | frame.byteAt(7) << 8) & 0x3fff; // the top 2 bits are a scaling hint
        int height = (frame.byteAt(8) | frame.byteAt(9) << 8) & 0x3fff;
        if (width == 0 || height == 0) {
            return false;
        }
        if (format == null || format.width() != width || format.height() != height) {
            format = TrackFormat.video(Codec.VP8, width, height, null);
        }
        return true;
    }

    @Override
    void abandonPayload() {
        if (frameOpen) {
            dropOpenFrame(Discard.DAMAGED_FRAME);
        }
        needKeyframe = true;
    }

    @Override
    void finish(FrameSink sink) {
        if (frameOpen) {
            closeFrame(sink);
        }
    }
}
