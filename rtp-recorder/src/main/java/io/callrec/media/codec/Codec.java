package io.callrec.media.codec;

import java.util.Locale;
import java.util.Optional;

/** The codecs callrec turns into container tracks. Anything else is kept only as raw packets (pcap). */
public enum Codec {
    H264(Kind.VIDEO, "H264", "h264"),
    VP8(Kind.VIDEO, "VP8", "vp8"),
    OPUS(Kind.AUDIO, "opus", "opus"),
    PCMA(Kind.AUDIO, "PCMA", "pcm_alaw"),
    PCMU(Kind.AUDIO, "PCMU", "pcm_mulaw"),
    G722(Kind.AUDIO, "G722", "g722"),
    /**
     * Signed 16-bit little-endian PCM, what G.711 used to be decoded to: no depacketizer produces it any more, the
     * Matroska writer still declares it. Never negotiated in SDP.
     */
    PCM_S16LE(Kind.AUDIO, "L16LE", "pcm_s16le");

    public enum Kind { AUDIO, VIDEO }

    private final Kind kind;
    private final String encodingName;
    private final String storedName;

    Codec(Kind kind, String encodingName, String storedName) {
        this.kind = kind;
        this.encodingName = encodingName;
        this.storedName = storedName;
    }

    public Kind kind() {
        return kind;
    }

    /** The encoding name as written in SDP a=rtpmap. */
    public String encodingName() {
        return encodingName;
    }

    /**
     * The codec's name as stored in a file, the manifest's {@code storedAs}: ffmpeg's codec name (what ffprobe calls
     * the track), except G.722, which keeps the {@code g722} manifests have always given it (ffmpeg:
     * {@code adpcm_g722}). The G.711 laws are {@code pcm_alaw} / {@code pcm_mulaw}, told apart from the
     * {@code pcm_s16le} older recordings hold.
     */
    public String storedName() {
        return storedName;
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
