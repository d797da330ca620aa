package io.callrec.media.codec;

/** Why a depacketizer skipped input or dropped output. Each reason says what one count of it stands for. */
public enum Discard {
    /** A payload that does not parse (one count per payload). */
    MALFORMED_PAYLOAD,
    /** A payload whose parsing failed in an unexpected way, i.e. a bug; the payload is skipped (per payload). */
    PARSER_FAILURE,
    /** A zero-length payload, e.g. a keep-alive (per payload). */
    EMPTY_PAYLOAD,
    /** A payload in a packetization this depacketizer does not implement: H.264 STAP-B, MTAP, FU-B (per payload). */
    UNSUPPORTED_PACKETIZATION,
    /** An H.264 NAL unit of a type that is not stored: 0, 30, 31 or an aggregation type nested where it cannot be. */
    IGNORED_NAL,
    /** An H.264 NAL unit that lost a fragment (start, middle or end) and was left out of its access unit. */
    INCOMPLETE_NAL,
    /** A parameter set (H.264 SPS) that does not parse: kept in the frame, not used for the track format. */
    BAD_PARAMETER_SET,
    /** A frame larger than the depacketizer's frame size cap (per frame). */
    OVERSIZE_FRAME,
    /** A frame missing data (loss, broken header) that is not stored (per frame). */
    DAMAGED_FRAME,
    /** An intact frame that is not stored because it depends on a frame that was lost (per frame). */
    WAITING_FOR_KEYFRAME
}
