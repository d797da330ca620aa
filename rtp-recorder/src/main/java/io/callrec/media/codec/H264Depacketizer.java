package io.callrec.media.codec;

import java.util.Base64;

/**
 * H.264 over RTP (RFC 6184), packetization modes 0 and 1: single NAL unit packets, STAP-A (24) and FU-A (28).
 * Frames are access units in AVCC form, each NAL unit preceded by its 4-byte big-endian length, as Matroska's
 * {@code V_MPEG4/ISO/AVC} stores them with the {@link #format() avcC} this class builds.
 *
 * <p>An access unit ends at the RTP marker bit, or when the timestamp changes (a marker can be lost or, with some
 * senders, never set). SPS and PPS come from {@code sprop-parameter-sets} and from the stream; in-band ones replace
 * earlier ones and stay in the frame too, so the recording also decodes from a point after a parameter change.
 * The format is known once both an SPS and a PPS are, with the displayed size parsed from the SPS.
 *
 * <p>Loss. A NAL unit that lost a fragment (FU-A without start or end, or a loss reported inside it) is left out
 * ({@link Discard#INCOMPLETE_NAL}) and its access unit is <em>damaged</em>; so is an access unit with a loss inside
 * it, one whose end (no marker) may have been lost, and one that, after a loss, does not begin with something that
 * starts an access unit (AUD, SEI, SPS, PPS, or a slice with first_mb_in_slice 0). Damaged access units are stored
 * without their keyframe flag: a decoder conceals the missing slices, and a picture that stutters for a moment is
 * better for a viewer than seconds of frozen picture until the next IDR (a WebRTC or SIP sender often sends one
 * only when asked); a damaged IDR is no clean random access point, so a player should not seek to it. Until the
 * first intact keyframe has gone out, damaged access units are dropped ({@link Discard#DAMAGED_FRAME}): a
 * recording must not start with a broken picture that every following frame would build on.
 *
 * <p>After a loss, an access unit whose first packet begins with its first slice is taken as whole although an
 * AUD, SEI or parameter set before that slice may have been lost with the packet: the picture decodes completely
 * (the parameter sets are also in the avcC), unless the lost parameter sets were new ones, which this cannot see.
 *
 * <p>NAL unit types 0, 30 and 31 are ignored ({@link Discard#IGNORED_NAL}), STAP-B, MTAP16/24 and FU-B (mode 2,
 * interleaved) are not implemented ({@link Discard#UNSUPPORTED_PACKETIZATION}).
 */
public final class H264Depacketizer extends PayloadParser {
    private static final int NAL_IDR = 5;
    private static final int STAP_A = 24;
    private static final int FU_A = 28;
    /**
     * The frame buffer grows by doubling to the largest frame and stays: starting at 64 KiB kept 64 KiB per video
     * track when a small picture's keyframes (320x240: 5-20 KB) need a quarter of it.
     */
    private static final int INITIAL_FRAME_BYTES = 16 * 1024;

    private final H264ParameterSets parameterSets = new H264ParameterSets();

    private boolean auOpen;
    private long auTimestamp;
    private boolean auDamaged;
    private boolean auHasIdr;
    /** Packets were lost right before this access unit: it is whole only if its first NAL unit starts an AU. */
    private boolean auStartUncertain;
    /** Offset in the frame of the length prefix of the NAL unit being reassembled from FU-A fragments, or -1. */
    private int fuStart = -1;
    /** Fragments of a NAL unit already given up (counted once) are skipped without counting again. */
    private boolean skippingFragments;
    /** Frame size before the current payload: what a malformed payload added is cut back to it. */
    private int payloadStart;
    private boolean keyframeEmitted;
    private long damagedFrames;

    /**
     * @param spropParameterSets the fmtp {@code sprop-parameter-sets} value (base64 NAL units, comma-separated), or
     *                           null; entries that do not decode or parse are counted as
     *                           {@link Discard#BAD_PARAMETER_SET} and left out
     */
    public H264Depacketizer(String spropParameterSets) {
        this(spropParameterSets, DEFAULT_MAX_FRAME_BYTES);
    }

    /** @param maxFrameBytes the largest access unit stored (AVCC bytes); larger ones are dropped */
    public H264Depacketizer(String spropParameterSets, int maxFrameBytes) {
        super(Math.min(INITIAL_FRAME_BYTES, maxFrameBytes), maxFrameBytes);
        if (spropParameterSets != null) {
            for (String encoded : spropParameterSets.split(",")) {
                offerSprop(encoded.trim());
            }
        }
    }

    private void offerSprop(String encoded) {
        if (encoded.isEmpty()) {
            return;
        }
        try {
            byte[] nal = Base64.getDecoder().decode(encoded);
            int type = nal.length > 0 ? nal[0] & 0x1f : 0;
            if (type == H264ParameterSets.NAL_SPS || type == H264ParameterSets.NAL_PPS) {
                parameterSets.offer(nal, 0, nal.length);
            }
        } catch (IllegalArgumentException | MalformedPayloadException e) {
            // SDP is not to be trusted more than the stream: in-band parameter sets may still come.
            count(Discard.BAD_PARAMETER_SET);
        }
    }

    @Override
    public TrackFormat format() {
        return parameterSets.format();
    }

    /** The parsed current SPS, or null. */
    public H264Sps sps() {
        return parameterSets.sps();
    }

    /** Damaged access units that were stored (without keyframe flag) rather than dropped. */
    public long damagedFrames() {
        return damagedFrames;
    }

    @Override
    void parse(PayloadCursor p, long timestamp, boolean marker, boolean lossBefore, FrameSink sink)
            throws MalformedPayloadException {
        if (auOpen && timestamp != auTimestamp) {
            if (lossBefore) {
                auDamaged = true; // its last packets, marker included, may be what was lost
            }
            closeAccessUnit(sink);
        }
        if (!auOpen) {
            openAccessUnit(timestamp, lossBefore);
        } else if (lossBefore) {
            abortFragmentedNal();
            auDamaged = true;
        }
        payloadStart = frame.size();
        int type = p.peekU8("NAL unit header") & 0x1f;
        if (type >= 1 && type <= 23) {
            abortFragmentedNal();
            appendNal(p, p.remaining());
        } else if (type == STAP_A) {
            abortFragmentedNal();
            parseStapA(p);
        } else if (type == FU_A) {
            parseFuA(p);
        } else if (type >= 25 && type <= 29) {
            count(Discard.UNSUPPORTED_PACKETIZATION);
        } else {
            count(Discard.IGNORED_NAL);
        }
        if (marker) {
            closeAccessUnit(sink);
        }
    }

    private void parseStapA(PayloadCursor p) throws MalformedPayloadException {
        p.skip(1, "STAP-A header");
        if (!p.hasRemaining()) {
            throw new MalformedPayloadException("STAP-A without NAL units");
        }
        while (p.hasRemaining()) {
            int size = p.u16("STAP-A NAL unit size");
            if (size == 0) {
                throw new MalformedPayloadException("STAP-A NAL unit of size 0");
            }
            p.require(size, "STAP-A NAL unit");
            appendNal(p, size);
        }
    }

    private void parseFuA(PayloadCursor p) throws MalformedPayloadException {
        int indicator = p.u8("FU indicator");
        int fuHeader = p.u8("FU header");
        boolean start = (fuHeader & 0x80) != 0;
        boolean end = (fuHeader & 0x40) != 0;
        int type = fuHeader & 0x1f;
        if (start) {
            abortFragmentedNal();
            skippingFragments = false;
            if (!storable(type)) {
                count(Discard.IGNORED_NAL);
                skippingFragments = true;
                p.skipRest();
            } else {
                int header = (indicator & 0xe0) | type;
                noteNalStart(header, p.byteAhead(0));
                fuStart = frame.size();
                frame.putInt(0); // patched when the end fragment arrives
                frame.putByte(header);
                p.copyRestTo(frame);
            }
        } else if (fuStart >= 0) {
            p.copyRestTo(frame);
        } else {
            if (!skippingFragments) {
                count(Discard.INCOMPLETE_NAL); // its start is missing
                auDamaged = true;
                skippingFragments = true;
            }
            p.skipRest();
        }
        if (end) {
            if (fuStart >= 0) {
                int nalOffset = fuStart + 4;
                int length = frame.size() - nalOffset;
                if (!frame.overflowed()) {
                    frame.setInt(fuStart, length);
                }
                fuStart = -1;
                nalComplete(nalOffset, length);
            }
            skippingFragments = false;
        }
    }

    /** Appends the next {@code size} bytes of {@code p}, one whole NAL unit, with its length prefix. */
    private void appendNal(PayloadCursor p, int size) throws MalformedPayloadException {
        int header = p.peekU8("NAL unit header");
        if (!storable(header & 0x1f)) {
            count(Discard.IGNORED_NAL);
            p.skip(size, "ignored NAL unit");
            return;
        }
        noteNalStart(header, p.byteAhead(1));
        int start = frame.size();
        frame.putInt(size);
        p.copyTo(frame, size, "NAL unit");
        nalComplete(start + 4, size);
    }

    /** NAL unit types stored in a frame: 1..23 (0, 30, 31 are unspecified; 24..29 are packetization types). */
    private static boolean storable(int type) {
        return type >= 1 && type <= 23;
    }

    private void nalComplete(int offset, int length) {
        if (frame.overflowed()) {
            return; // the frame will be dropped; its bytes are not all there
        }
        int type = frame.byteAt(offset) & 0x1f;
        if (type == NAL_IDR) {
            auHasIdr = true;
        } else if (type == H264ParameterSets.NAL_SPS || type == H264ParameterSets.NAL_PPS) {
            try {
                parameterSets.offer(frame.array(), offset, length);
            } catch (MalformedPayloadException e) {
                count(Discard.BAD_PARAMETER_SET);
            }
        }
    }

    private void noteNalStart(int header, int secondByte) {
        if (auStartUncertain) {
            auStartUncertain = false;
            if (!beginsAccessUnit(header & 0x1f, secondByte)) {
                auDamaged = true;
            }
        }
    }

    /**
     * True if a NAL unit of this type, whose second byte is {@code secondByte} (-1 if unknown), can only be the
     * first of an access unit (H.264 §7.4.1.2.3): AUD, SEI, SPS, PPS, types 14..18, or the first slice of a
     * picture, whose slice header starts with first_mb_in_slice = 0, coded ue(v) as a single 1 bit.
     */
    static boolean beginsAccessUnit(int type, int secondByte) {
        switch (type) {
            case 6, 7, 8, 9, 14, 15, 16, 17, 18:
                return true;
            case 1, 2, 5:
                return secondByte >= 0 && (secondByte & 0x80) != 0;
            default:
                return false;
        }
    }

    private void openAccessUnit(long timestamp, boolean lossBefore) {
        auOpen = true;
        auTimestamp = timestamp;
        auDamaged = false;
        auHasIdr = false;
        auStartUncertain = lossBefore;
        skippingFragments = false;
        frame.clear();
    }

    /** Gives up the NAL unit being reassembled: a fragment of it is missing. */
    private void abortFragmentedNal() {
        if (fuStart >= 0) {
            frame.truncate(fuStart);
            fuStart = -1;
            count(Discard.INCOMPLETE_NAL);
            auDamaged = true;
            skippingFragments = true;
        }
    }

    private void closeAccessUnit(FrameSink sink) {
        abortFragmentedNal();
        auOpen = false;
        if (auStartUncertain) {
            auDamaged = true; // nothing after the loss showed that the access unit's start arrived
        }
        if (frame.size() == 0 && !frame.overflowed()) {
            if (auDamaged) {
                count(Discard.DAMAGED_FRAME); // all it had were incomplete NAL units
            }
            return;
        }
        if (auDamaged && !keyframeEmitted) {
            dropFrame(Discard.DAMAGED_FRAME);
            return;
        }
        boolean keyframe = auHasIdr && !auDamaged;
        if (emit(sink, auTimestamp, keyframe)) {
            keyframeEmitted |= keyframe;
            if (auDamaged) {
                damagedFrames++;
            }
        }
    }

    @Override
    void abandonPayload() {
        abortFragmentedNal();
        frame.truncate(Math.min(frame.size(), payloadStart));
        auDamaged = true;
    }

    @Override
    void finish(FrameSink sink) {
        if (auOpen) {
            closeAccessUnit(sink);
        }
    }
}
