package io.callrec.media.codec;

import java.util.Locale;
import java.util.Optional;

/** The codecs callrec turns into container tracks. Anything else is kept only as raw packets (pcap). */
public enum Codec {
    H264(Kind.VIDEO, "H264"),
    VP8(Kind.VIDEO, "VP8"),
    OPUS(Kind.AUDIO, "opus"),
    PCMA(Kind.AUDIO, "PCMA"),
    PCMU(Kind.AUDIO, "PCMU"),
    G722(Kind.AUDIO, "G722"),
    /** Signed 16-bit little-endian PCM: what G.711 is stored as. Never negotiated in SDP. */
    PCM_S16LE(Kind.AUDIO, "L16LE");

    public enum Kind { AUDIO, VIDEO }

    private final Kind kind;
    private final String encodingName;

    Codec(Kind kind, String encodingName) {
        this.kind = kind;
        this.encodingName = encodingName;
    }

    public Kind kind() {
        return kind;
    }

    /** The encoding name as written in SDP a=rtpmap. */
    public String encodingName() {
        return encodingName;
    }

    /** The codec for an SDP encoding name (case-insensitive), if callrec can record it. */
    public static Optional<Codec> fromEncodingName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        for (Codec codec : values()) {
            if (codec != PCM_S16LE && codec.encodingName.toUpperCase(Locale.ROOT).equals(upper)) {
                return Optional.of(codec);
            }
        }
        return Optional.empty();
    }
}
